#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# gst-ice with mdns=true against libnice on one LAN: libnice cannot
# resolve <uuid>.local names (it skips those lines), so it only learns our
# address from our checks (peer-reflexive, RFC 8445 §7.3.1.3); we check
# its host candidate. RTP flows from gst-ice to libnice over host <-> host,
# and our description still gives no address away.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"
# shellcheck source-path=SCRIPTDIR source=lan-lib.sh
source "$(dirname "$0")/lan-lib.sh"

N_PACKETS=200

# stopped PID: the process has exited
stopped () {
  ! kill -0 "$1" 2>/dev/null
}

lan_require_mdns
if [ -z "${NICE_ROOM_PEER:-}" ] || [ ! -x "$NICE_ROOM_PEER" ]; then
  skip "NICE_ROOM_PEER does not name the built libnice peer"
fi
lan_create
room=$(ice_room)

spawn_in lb "$BED_TMP/nice.log" "$NICE_ROOM_PEER" "$room" "${LAN_IP[lb]}" \
  --count "$N_PACKETS"
nice_pid=$SPAWNED
spawn_in la "$BED_TMP/sender.log" gst-launch-1.0 -m \
  audiotestsrc is-live=true num-buffers=200 ! rtpL16pay ! \
  icesink signaller="file://$room" mdns=true
ICE_SENDER_PID=$SPAWNED

wait_for "$ICE_CONNECT_TIMEOUT_S" "our description in the room" \
  lan_room_snapshot
wait_for "$ICE_CONNECT_TIMEOUT_S" "libnice to receive $N_PACKETS datagrams" \
  stopped "$nice_pid"
wait "$nice_pid" || fail "the libnice peer ended with status $?"
echo "ok - $N_PACKETS RTP datagrams went from gst-ice (mdns=true) to libnice"

ours=$(grep -l '\.local ' "$BED_TMP/seen"/*.ice) ||
  fail "no description with .local names in the room"
lan_candidates_named "$ours"
echo "ok - our description has only <uuid>.local names"

grep -q '^skipped-lines [1-9]' "$BED_TMP/nice.log" ||
  fail "libnice skipped none of our lines: $(cat "$BED_TMP/nice.log")"
selected=$(grep '^selected ' "$BED_TMP/nice.log" | tail -n 1)
[ -n "$selected" ] || fail "the libnice peer printed no selected pair"
case $selected in
  # libnice's candidate lines: "... IP PORT typ TYPE ..."
  "selected "*" ${LAN_IP[lb]} "*" typ host"*" <-> "*" ${LAN_IP[la]} "*" typ prflx"*) ;;
  *) fail "libnice's selected pair is not its host <-> our peer-reflexive address: $selected" ;;
esac
echo "ok - libnice skipped our names and learned us peer-reflexively: $selected"

wait_for "$ICE_CONNECT_TIMEOUT_S" "the sender to stop" \
  stopped "$ICE_SENDER_PID"
wait "$ICE_SENDER_PID" || true
ice_stats "$BED_TMP/sender.log"
lan_selected_pair "$STATS"
case $SELECTED in
  "L0.1-host-udp-${LAN_IP[la]}-"*"_R0.1-host-udp-${LAN_IP[lb]}-"*) ;;
  *) fail "our selected pair is not host <-> libnice's host: $SELECTED" ;;
esac
[ "$(lan_stat "$STATS" mdns-names-published)" -ge 1 ] ||
  fail "we published no name: $STATS"
echo "ok - we selected $SELECTED"
echo "PASS"
