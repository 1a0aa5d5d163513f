#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The test bed itself (docs/testing-netns.md), checked with plain tools:
# ra is an endpoint-independent NAT, rb a symmetric one (--random-fully).
#  1. from behind each NAT a STUN Binding reaches coturn and the answer
#     comes back, mapped to the router's WAN address;
#  2. ra keeps one mapping for two destinations, rb makes one per
#     destination (seen by STUN and in rb's conntrack table);
#  3. a datagram from a public host that nobody behind the NAT sent to is
#     dropped (the router's DROP counter moves, the socket gets nothing),
#     and once the host behind the NAT has sent to it, it gets in;
#  4. a datagram to a private address behind the other NAT dies in pub,
#     which does not forward;
#  5. GStreamer's udpsink behind a NAT reaches udpsrc on the public host.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_netns
bed_create eim symmetric
stun_server_start rfc5780
SERVER1="$PUB_IP:$STUN_PORT"
SERVER2="$PUB_ALT_IP:$STUN_PORT"

dropped_more_than () {
  [ "$(nat_dropped_total "$1")" -gt "$2" ]
}

# reply dports of the conntrack entries for one private source port
conntrack_mapped_ports () {
  in_ns "$1" conntrack -L -p udp --orig-src "$2" --sport "$3" 2>/dev/null |
    sed -n 's/.*dport=[0-9]* .*dport=\([0-9]*\).*/\1/p' | sort -u
}

# Ip InAddrErrors of a namespace: packets to an address it does not own,
# which a namespace that does not forward drops
in_addr_errors () {
  # shellcheck disable=SC2016 # an awk program, not shell
  in_ns "$1" awk '$1 != "Ip:" { next }
    !col { for (i = 2; i <= NF; i++) if ($i == "InAddrErrors") col = i; next }
    { print $col }' /proc/net/snmp
}

in_addr_errors_more_than () {
  [ "$(in_addr_errors "$1")" -gt "$2" ]
}

declare -A ADDR_OF

# --- 1 and 2: mapping, per NAT ------------------------------------------
check_mapping () {
  local host=$1 mode=$2 router first second ports local_port

  router=${ROUTER_OF[$host]}
  peer_start "$host" "$host"
  ADDR_OF[$host]=$PEER_ADDR
  local_port=${PEER_ADDR##*:}
  mapped_address "$host" "$SERVER1"
  first=$MAPPED
  [ "${first%:*}" = "${WAN_IP[$router]}" ] ||
    fail "$host is seen as $first, expected ${WAN_IP[$router]}:*"
  echo "ok - $host ($PEER_ADDR) reaches the STUN server, seen as $first"
  mapped_address "$host" "$SERVER2"
  second=$MAPPED
  ports=$(conntrack_mapped_ports "$router" "${HOST_IP[$host]}" "$local_port" |
    wc -l)
  if [ "$mode" = eim ]; then
    [ "$first" = "$second" ] ||
      fail "$host behind EIM NAT: $first for $SERVER1 but $second for $SERVER2"
    [ "$ports" = 1 ] || fail "$router conntrack shows $ports external ports"
    echo "ok - $router keeps one mapping for two servers ($first)"
  else
    [ "${first##*:}" != "${second##*:}" ] ||
      fail "$host behind symmetric NAT: same port for both servers ($first)"
    [ "$ports" = 2 ] || fail "$router conntrack shows $ports external ports"
    echo "ok - $router maps per destination ($first, $second)"
  fi
}

check_mapping ha eim
ha_mapped=$MAPPED
check_mapping hb symmetric
hb_mapped_server2=$MAPPED

# --- 3: filtering --------------------------------------------------------
peer_start hd hd 4000
HD_ADDR=$PEER_ADDR

check_filtering () {
  local host=$1 mapped=$2 router before

  router=${ROUTER_OF[$host]}
  before=$(nat_dropped_total "$router")
  peer hd send "$mapped" unsolicited
  wait_for 5 "$router to drop the unsolicited datagram" \
    dropped_more_than "$router" "$before"
  peer "$host" recv 0
  [ "$REPLY" = none ] || fail "$host received an unsolicited datagram: $REPLY"
  echo "ok - $router drops a datagram from $HD_ADDR to $mapped"

  peer "$host" send "$HD_ADDR" hole
  peer hd recv 5
  [ "${REPLY%% *}" = got ] || fail "hd got nothing from $host: $REPLY"
  case $REPLY in
    *" hole") ;;
    *) fail "hd expected 'hole' from $host: $REPLY" ;;
  esac
  mapped=${REPLY#got }
  mapped=${mapped% *}
  peer hd send "$mapped" answer
  peer "$host" recv 5
  [ "$REPLY" = "got $HD_ADDR answer" ] ||
    fail "$host expected the answer from hd: $REPLY"
  echo "ok - after $host sent to hd, hd's datagram to $mapped gets in"
}

check_filtering ha "$ha_mapped"
check_filtering hb "$hb_mapped_server2"

# --- 4: private addresses are not routed on the public net ---------------
before=$(in_addr_errors pub)
peer ha send "${ADDR_OF[hb]}" private
wait_for 5 "pub to drop a datagram to ${ADDR_OF[hb]}" \
  in_addr_errors_more_than pub "$before"
peer hb recv 0
[ "$REPLY" = none ] || fail "hb got a datagram sent to its private address"
echo "ok - a datagram from ha to hb's private ${ADDR_OF[hb]} dies in pub"

# --- 5: GStreamer through the NAT ----------------------------------------
if command -v gst-launch-1.0 >/dev/null; then
  spawn_in hd "$BED_TMP/udpsrc.log" gst-launch-1.0 -q \
    udpsrc address="${HOST_IP[hd]}" port=5004 num-buffers=20 ! fakesink
  udpsrc_pid=$SPAWNED
  wait_for 10 "udpsrc on hd" udp_port_bound hd "${HOST_IP[hd]}" 5004
  in_ns ha gst-launch-1.0 -q audiotestsrc num-buffers=60 ! rtpL16pay ! \
    udpsink host="${HOST_IP[hd]}" port=5004 sync=false \
    >"$BED_TMP/udpsink.log" 2>&1 || fail "udpsink in ha failed"
  # udpsrc stops by itself after 20 buffers
  wait_for 10 "udpsrc on hd to receive 20 buffers" \
    eval "! kill -0 $udpsrc_pid 2>/dev/null"
  wait "$udpsrc_pid" || fail "udpsrc on hd failed"
  echo "ok - udpsink in ha reaches udpsrc in hd through ra"
fi
echo "PASS"
