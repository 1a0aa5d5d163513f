#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# An address change mid-call (issue 12): two gst-launch-1.0 pipelines in
# two namespaces on one LAN (a veth cable, no NAT) meet in a file:// room;
# while media flows, the sender's address is removed from its interface and
# another added.  The sender's agent sees it (netlink), restarts ICE by
# itself, the room carries its new description to the receiver, which
# restarts too, and media resumes on the new address within 2 s, with no
# help from the test but the `ip addr` commands.
#
# test-ice-ws-netchange.sh sets NETCHANGE_WS=1 and runs this with a ws://
# room on `gst-ice serve` (in nb, on the receiver's address) instead.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

LAN=10.9.0
OLD_IP=$LAN.1
NEW_IP=$LAN.11
RECV_IP=$LAN.2
RESUME_LIMIT_MS=2000

# Two hosts on one link: na (the sender) and nb (the receiver).  na
# promotes secondaries, so that deleting the old address keeps the new
# one of the same subnet (as a DHCP renew that moved the host).
bed_create_lan () {
  trap bed_on_exit EXIT
  trap 'exit 130' INT TERM
  bed_remove_stale
  BED_TMP=$(mktemp -d "/tmp/gst-ice-netns-$$.XXXXXX")
  netns_add na
  netns_add nb
  veth na eth0 nb eth0
  in_ns na sysctl -qw net.ipv4.conf.all.promote_secondaries=1 \
    net.ipv4.conf.eth0.promote_secondaries=1
  ip -n "$(ns na)" addr add "$OLD_IP/24" dev eth0
  ip -n "$(ns nb)" addr add "$RECV_IP/24" dev eth0
}

# "chain" lines of fakesink -v: one per buffer the receiver got
buffers_received () {
  grep -c 'last-message = chain' "$BED_TMP/receiver.log" || true
}

# the receiver selected a pair whose remote is the sender's new address
# and got a buffer after that message (-m escapes spaces with backslashes)
resumed_on_new_address () {
  sed 's/[\\]//g' "$BED_TMP/receiver.log" | awk -v ip=" $NEW_IP " '
    /ice-selected-pair/ && index($0, ip) { selected = 1; next }
    selected && /last-message = chain/ { found = 1 }
    END { exit !found }'
}

# sender_selected_local_on IP: the sender's last selected local is on IP
sender_selected_local_on () {
  grep -o 'ice-selected-pair, .*' "$BED_TMP/sender.log" | tail -n 1 |
    sed 's/[\\]//g' | grep -q "local=(string)\"[^\"]* $1 "
}

receiver_started () {
  [ "$(buffers_received)" -ge 20 ]
}

now_ms () {
  echo $(($(date +%s%N) / 1000000))
}

require_netns
require_ice_elements
bed_create_lan

if [ -n "${NETCHANGE_WS:-}" ]; then
  if [ -z "${GST_ICE_TOOL:-}" ] || [ ! -x "$GST_ICE_TOOL" ]; then
    skip "GST_ICE_TOOL does not name the built gst-ice"
  fi
  spawn_in nb "$BED_TMP/serve.log" "$GST_ICE_TOOL" serve \
    --listen "$RECV_IP:$WS_PORT"
  wait_for 10 "gst-ice serve listening on $RECV_IP:$WS_PORT" \
    grep -q "^listening ws://$RECV_IP:$WS_PORT" "$BED_TMP/serve.log"
  room="ws://$RECV_IP:$WS_PORT/netchange"
else
  room="file://$(ice_room)"
fi
spawn_in nb "$BED_TMP/receiver.log" gst-launch-1.0 -m -v \
  icesrc signaller="$room" caps="$ICE_CAPS" ! \
  rtpL16depay ! fakesink silent=false
spawn_in na "$BED_TMP/sender.log" gst-launch-1.0 -m \
  audiotestsrc is-live=true ! rtpL16pay ! \
  icesink signaller="$room" interfaces=eth0
wait_for "$ICE_CONNECT_TIMEOUT_S" "the receiver's first buffers" \
  receiver_started
ice_selected "$BED_TMP/receiver.log" remote
case $SELECTED in
  *" $OLD_IP "*) ;;
  *) fail "the receiver's remote is not $OLD_IP: $SELECTED" ;;
esac
echo "ok - media flows from $OLD_IP to $RECV_IP through $room: remote $SELECTED"

start=$(now_ms)
ip -n "$(ns na)" addr add "$NEW_IP/24" dev eth0
ip -n "$(ns na)" addr del "$OLD_IP/24" dev eth0
wait_for 5 "the sender to post ice-local-address-lost" \
  grep -q "ice-local-address-lost.*$OLD_IP" "$BED_TMP/sender.log"
grep -q "ice-local-address-lost.*restarting=(boolean)true" \
  "$BED_TMP/sender.log" ||
  fail "the sender's agent does not restart: $(grep ice-local-address-lost \
    "$BED_TMP/sender.log")"
echo "ok - the sender's agent lost $OLD_IP and restarts ICE"

wait_for 5 "media on the new address $NEW_IP" resumed_on_new_address
elapsed=$(($(now_ms) - start))
[ "$elapsed" -le "$RESUME_LIMIT_MS" ] ||
  fail "media resumed ${elapsed} ms after the change (limit ${RESUME_LIMIT_MS} ms)"
ice_selected "$BED_TMP/receiver.log" remote
echo "ok - media resumed on $NEW_IP after ${elapsed} ms: remote $SELECTED"

# the sender's own view: its selected local is the new address
wait_for 5 "the sender's pair on $NEW_IP" sender_selected_local_on "$NEW_IP"
echo "ok - the sender's selected local candidate is on $NEW_IP"

# its stats (posted when the new pair completes) count the change
sender_stats_count_it () {
  grep -q 'ice-stats, .*addresses-lost=(guint64)1, network-restarts=(guint64)1,' \
    "$BED_TMP/sender.log"
}
wait_for 5 "the sender's ice-stats to count the lost address and restart" \
  sender_stats_count_it
echo "ok - the sender's stats: addresses-lost=1, network-restarts=1"

if [ -n "${NETCHANGE_WS:-}" ]; then
  # the sender's signaller connected again from the new address at once,
  # and the server let it take its own stale place in the room
  grep -q "rejoin room=netchange .* from=$NEW_IP:" "$BED_TMP/serve.log" ||
    fail "no rejoin from $NEW_IP in the server's log: $(cat "$BED_TMP/serve.log")"
  echo "ok - the sender's signaller rejoined the room from $NEW_IP"
fi
echo "PASS"
