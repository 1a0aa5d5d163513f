# shellcheck shell=bash disable=SC2034
# (SC2034: the variables set here are read by the tests that source it)
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# One LAN with multicast for the mDNS tests (sourced after lib.sh and
# ice-lib.sh; test-ice-mdns-nat takes only lan_require_mdns from here): a
# bridge in namespace lan and two hosts plugged into it,
#
#   la 10.0.3.2 -- br0 (in lan, no address) -- lb 10.0.3.3
#
# no router, no NAT, IPv4 only (netns_add).  Each host routes 224.0.0.0/4
# on its LAN interface (nothing else would carry the group: the hosts
# have no default route), and the bridge floods multicast (no IGMP
# snooping: with no querier on the link a snooping bridge may drop it).
# Names carry the bed's gi<PID>- prefix; bed_teardown removes them.

declare -A LAN_IP=([la]=10.0.3.2 [lb]=10.0.3.3)

# lan_require_mdns: what every mDNS test needs (root, ip netns, the ice
# elements built, with the mdns property), or skip (exit 77)
lan_require_mdns () {
  require_netns
  require_ice_elements
  # (the whole output first: grep -q would end the pipe early, SIGPIPE)
  [[ $(gst-inspect-1.0 icesrc 2>/dev/null) =~ $'\n'\ *mdns\ + ]] ||
    skip "icesrc has no mdns property"
}

# lan_start_mdns_pair ROOM SENDER_BUFFERS: an icesrc receiver in lb (stops
# after ICE_BUFFERS buffers) and an icesink sender of SENDER_BUFFERS audio
# buffers in la, both mdns=true, meeting in ROOM; sets ICE_RECEIVER_PID and
# ICE_SENDER_PID (ice-lib.sh's waits read them)
lan_start_mdns_pair () {
  local room=$1 sender_buffers=$2

  spawn_in lb "$BED_TMP/receiver.log" gst-launch-1.0 -m \
    icesrc num-buffers="$ICE_BUFFERS" signaller="$room" mdns=true \
    caps="$ICE_CAPS" ! rtpL16depay ! fakesink
  ICE_RECEIVER_PID=$SPAWNED
  spawn_in la "$BED_TMP/sender.log" gst-launch-1.0 -m \
    audiotestsrc is-live=true num-buffers="$sender_buffers" ! rtpL16pay ! \
    icesink signaller="$room" mdns=true
  ICE_SENDER_PID=$SPAWNED
}

# lan_run_mdns_pair ROOM SENDER_BUFFERS: lan_start_mdns_pair, then waits
# for both complete descriptions (copied to $BED_TMP/seen/ by
# lan_room_snapshot), then lan_wait_mdns_pair
lan_run_mdns_pair () {
  local room=$1 sender_buffers=$2

  lan_start_mdns_pair "$room" "$sender_buffers"
  wait_for "$ICE_CONNECT_TIMEOUT_S" "both descriptions in the room" \
    lan_room_snapshot
  lan_wait_mdns_pair
}

# lan_wait_mdns_pair: waits for lb's ICE_BUFFERS buffers (asserted
# received) and for the sender to stop cleanly
lan_wait_mdns_pair () {
  wait_for "$ICE_CONNECT_TIMEOUT_S" "lb to receive $ICE_BUFFERS buffers" \
    ice_receiver_done
  ice_check_receiver_ok
  echo "ok - $ICE_BUFFERS RTP buffers went from la to lb"
  wait_for "$ICE_CONNECT_TIMEOUT_S" "the sender to stop" ice_both_done
  wait "$ICE_SENDER_PID" || fail "the sender ended with status $?"
}

# lan_check_mdns_side SIDE WHAT PATTERN...: the last ice-stats of SIDE
# (receiver or sender, in $BED_TMP/SIDE.log) is the one at EOS, its
# selected pair (SELECTED, left set) matches one of the glob PATTERNs
# (else: "not WHAT"), it resolved, published and answered mDNS names and
# saw no conflict
lan_check_mdns_side () {
  local side=$1 what=$2 pattern field value
  shift 2

  ice_stats "$BED_TMP/$side.log"
  grep -qF 'eos=(boolean)true' <<<"$STATS" ||
    fail "the $side's last ice-stats is not the one at EOS: $STATS"
  lan_selected_pair "$STATS"
  for pattern in "$@"; do
    # shellcheck disable=SC2053 # (the pattern is a glob on purpose)
    [[ $SELECTED == $pattern ]] && break
    pattern=
  done
  [ -n "$pattern" ] ||
    fail "the $side's selected pair is not $what: $SELECTED"
  for field in mdns-resolved mdns-names-published mdns-answers-sent; do
    value=$(lan_stat "$STATS" "$field")
    [ "${value:-0}" -ge 1 ] || fail "the $side's $field is '$value': $STATS"
  done
  [ "$(lan_stat "$STATS" mdns-conflicts)" = 0 ] ||
    fail "the $side saw mDNS conflicts: $STATS"
}

lan_host () {
  local h=$1

  netns_add "$h"
  veth lan "$h" "$h" eth0
  ip -n "$(ns lan)" link set "$h" master br0
  ip -n "$(ns "$h")" addr add "${LAN_IP[$h]}/24" dev eth0
  ip -n "$(ns "$h")" route add 224.0.0.0/4 dev eth0
}

# lan_create: the LAN and the EXIT trap that removes it.
lan_create () {
  trap bed_on_exit EXIT
  trap 'exit 130' INT TERM
  bed_remove_stale
  BED_TMP=$(mktemp -d "/tmp/gst-ice-netns-$$.XXXXXX")
  netns_add lan
  ip -n "$(ns lan)" link add name br0 type bridge mcast_snooping 0
  ip -n "$(ns lan)" link set br0 up
  lan_host la
  lan_host lb
}

# lan_candidates_named FILE: every candidate line of a room file names its
# address with an mDNS "<uuid>.local" name, and there is at least one.
lan_candidates_named () {
  local file=$1 n=0 addr

  while read -r addr; do
    [[ $addr =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local$ ]] ||
      fail "$file has a candidate whose address is not a <uuid>.local name: $addr"
    n=$((n + 1))
  done < <(awk '/^a=candidate:/ { print $5 }' "$file")
  [ "$n" -gt 0 ] || fail "$file has no candidate line"
  ! grep -E '^a=candidate:.*(10\.0\.3\.|raddr [1-9])' "$file" >/dev/null ||
    fail "$file gives an address away: $(grep '^a=candidate:' "$file")"
}

# lan_stat STATS FIELD: the uint64 FIELD of an ice-stats message.
lan_stat () {
  sed -n "s/.*[ ,]$2=(guint64)\([0-9]*\).*/\1/p" <<<"$1"
}

# lan_room_snapshot: copies every complete description (a=end-of-candidates)
# of the room to $BED_TMP/seen/; true once both peers' are there (a file
# goes away when its pipeline stops).
lan_room_snapshot () {
  local f n=0

  mkdir -p "$BED_TMP/seen"
  for f in "$BED_TMP/room"/*.ice; do
    [ -f "$f" ] || continue
    grep -q '^a=end-of-candidates' "$f" 2>/dev/null || continue
    cp "$f" "$BED_TMP/seen/" 2>/dev/null || true
  done
  for f in "$BED_TMP/seen"/*.ice; do
    [ -f "$f" ] && n=$((n + 1))
  done
  [ "$n" -ge 2 ]
}

# lan_selected_pair STATS: sets SELECTED to the selected-candidate-pair-id
# of the stream in an ice-stats message ("L0.1-host-udp-IP-PORT_R0.1-...");
# unlike the ice-selected-pair message it follows a peer-reflexive remote
# that the peer's description later named (RFC 8445 §7.3.1.3).
lan_selected_pair () {
  SELECTED=$(sed -n 's/.*selected-candidate-pair-id=(string)\([^;,]*\).*/\1/p' <<<"$1")
  [ -n "$SELECTED" ] || fail "no selected pair in the stats: $1"
}
