#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# ICE-TCP (RFC 6544) between two gst-launch-1.0 pipelines in two
# namespaces on one link, ice-tcp=true on both, meeting in a file:// room.
# First every UDP packet between them is dropped (iptables, both ways):
# RTP must reach the receiver over a TCP host pair, and the drop counters
# show that UDP was tried. Then, UDP allowed again, a new session must
# select a UDP pair (TCP candidates rank below UDP, RFC 6544 §4.2). Last,
# UDP dropped again, libnice (nice-room-peer, its ice-tcp on) receives
# from the gst-ice sender over a TCP pair.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

declare -A TCP_IP=([ta]=10.77.0.1 [tb]=10.77.0.2)

# Two namespaces on one veth link; bed_on_exit removes them (lib.sh).
tcp_bed_create () {
  trap bed_on_exit EXIT
  trap 'exit 130' INT TERM
  bed_remove_stale
  BED_TMP=$(mktemp -d "/tmp/gst-ice-netns-$$.XXXXXX")
  netns_add ta
  netns_add tb
  veth ta eth0 tb eth0
  ip -n "$(ns ta)" addr add "${TCP_IP[ta]}/24" dev eth0
  ip -n "$(ns tb)" addr add "${TCP_IP[tb]}/24" dev eth0
}

block_udp () {
  local h

  for h in ta tb; do
    in_ns "$h" iptables -A OUTPUT -o eth0 -p udp -j DROP
    in_ns "$h" iptables -A INPUT -i eth0 -p udp -j DROP
  done
}

allow_udp () {
  local h

  for h in ta tb; do
    in_ns "$h" iptables -F
  done
}

# UDP packets the OUTPUT rules of both sides dropped
udp_dropped () {
  local h

  for h in ta tb; do
    in_ns "$h" iptables -L OUTPUT -v -n -x |
      awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
  done | awk '{ n += $1 } END { print n + 0 }'
}

# stat_of NAME: the counter NAME of STATS (ice_stats)
stat_of () {
  sed -n "s/.*$1=(guint64)\([0-9]*\).*/\1/p" <<<"$STATS"
}

# run_session ROOM: receiver in ta, sender in tb, until ICE_BUFFERS arrive
run_session () {
  ICE_SIGNALLER="file://$BED_TMP/$1"
  mkdir -p "$BED_TMP/$1"
  ice_start_receiver ta
  ice_start_sender tb
  wait_for "$ICE_CONNECT_TIMEOUT_S" "ta to receive $ICE_BUFFERS buffers" \
    ice_receiver_done
  ice_check_receiver_ok
  stop_pid "$ICE_SENDER_PID"
}

require_netns
require_ice_elements
grep -q ice-tcp <<<"$(gst-inspect-1.0 icesrc)" ||
  skip "icesrc has no ice-tcp property"
tcp_bed_create
# no STUN server answers here: every candidate is a host one
ICE_STUN="stun://${TCP_IP[ta]}:3478"
ICE_EXTRA_ARGS=(ice-tcp=true)

block_udp
run_session room-tcp
echo "ok - $ICE_BUFFERS RTP buffers went from tb to ta with UDP dropped"
for side in receiver sender; do
  for end in local remote; do
    ice_selected "$BED_TMP/$side.log" "$end"
    case $SELECTED in
      *" TCP "*" typ host"* | *" TCP "*" typ prflx"*) ;;
      *) fail "the $side's selected $end candidate is not TCP: $SELECTED" ;;
    esac
  done
  echo "ok - the $side's selected pair is TCP (remote: $SELECTED)"
done
dropped=$(udp_dropped)
[ "$dropped" -gt 0 ] || fail "no UDP packet was dropped: UDP was not tried"
echo "ok - $dropped UDP packets were dropped on the way"
connects=0
accepts=0
for side in receiver sender; do
  ice_stats "$BED_TMP/$side.log"
  connects=$((connects + $(stat_of tcp-connects)))
  accepts=$((accepts + $(stat_of tcp-accepts)))
  [ "$(stat_of tcp-closed-invalid)" = 0 ] ||
    fail "the $side closed connections as invalid: $STATS"
done
if [ "$connects" -lt 1 ] || [ "$accepts" -lt 1 ]; then
  fail "expected a TCP connect and an accept, got $connects and $accepts"
fi
echo "ok - $connects TCP connects, $accepts accepts, none invalid"

allow_udp
run_session room-udp
for side in receiver sender; do
  ice_selected "$BED_TMP/$side.log" local
  case $SELECTED in
    *" UDP "*) ;;
    *) fail "with UDP allowed the $side did not select UDP: $SELECTED" ;;
  esac
done
echo "ok - with UDP allowed both sides selected UDP ($SELECTED)"

if [ -z "${NICE_ROOM_PEER:-}" ] || [ ! -x "$NICE_ROOM_PEER" ]; then
  echo "ok - # SKIP libnice peer: nice-room-peer not built (no libnice)"
  echo "PASS"
  exit 0
fi
block_udp
mkdir -p "$BED_TMP/room-nice"
ICE_SIGNALLER="file://$BED_TMP/room-nice"
spawn_in ta "$BED_TMP/nice.log" "$NICE_ROOM_PEER" "$BED_TMP/room-nice" \
  "${TCP_IP[ta]}" --tcp --count "$ICE_BUFFERS" --timeout "$ICE_CONNECT_TIMEOUT_S"
nice_pid=$SPAWNED
ice_start_sender tb
wait "$nice_pid" || fail "the libnice peer ended with status $?"
stop_pid "$ICE_SENDER_PID"
grep -q "^received $ICE_BUFFERS datagrams" "$BED_TMP/nice.log" ||
  fail "libnice did not receive $ICE_BUFFERS datagrams"
selected=$(grep '^selected ' "$BED_TMP/nice.log" | tail -n 1)
case $selected in
  "selected "*" TCP "*" <-> "*" TCP "*) ;;
  *) fail "libnice's selected pair is not TCP: $selected" ;;
esac
ice_selected "$BED_TMP/sender.log" remote
case $SELECTED in
  *" TCP "*) ;;
  *) fail "the gst-ice sender's selected remote is not TCP: $SELECTED" ;;
esac
echo "ok - libnice received $ICE_BUFFERS datagrams from gst-ice over TCP ($selected)"
echo "PASS"
