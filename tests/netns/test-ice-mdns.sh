#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Two gst-launch-1.0 pipelines on one LAN, both with mdns=true
# (draft-ietf-mmusic-mdns-ice-candidates): their descriptions in the
# file:// room carry only <uuid>.local names, never an address; each side
# resolves the other's name with mDNS on the LAN's multicast and answers
# for its own; RTP flows over a host <-> host pair.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"
# shellcheck source-path=SCRIPTDIR source=lan-lib.sh
source "$(dirname "$0")/lan-lib.sh"

lan_require_mdns
lan_create
room="file://$(ice_room)"
# the receiver stops after ICE_BUFFERS buffer lists, the sender after
# ~7 s of audio; both post their final ice-stats (eos=true) on the way
ICE_BUFFERS=200
SENDER_BUFFERS=300

lan_start_mdns_pair "$room" "$SENDER_BUFFERS"

wait_for "$ICE_CONNECT_TIMEOUT_S" "both descriptions in the room" \
  lan_room_snapshot
wait_for "$ICE_CONNECT_TIMEOUT_S" "lb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
echo "ok - $ICE_BUFFERS RTP buffers went from la to lb"
wait_for "$ICE_CONNECT_TIMEOUT_S" "the sender to stop" ice_both_done
wait "$ICE_SENDER_PID" || fail "the sender ended with status $?"

for f in "$BED_TMP/seen"/*.ice; do
  lan_candidates_named "$f"
done
echo "ok - neither description has an address, only <uuid>.local names"

for side in receiver sender; do
  ice_stats "$BED_TMP/$side.log"
  grep -qF 'eos=(boolean)true' <<<"$STATS" ||
    fail "the $side's last ice-stats is not the one at EOS: $STATS"
  lan_selected_pair "$STATS"
  case $SELECTED in
    L*-host-udp-10.0.3.*_R*-host-udp-10.0.3.*) ;;
    *) fail "the $side's selected pair is not host <-> host: $SELECTED" ;;
  esac
  for field in mdns-resolved mdns-names-published mdns-answers-sent; do
    value=$(lan_stat "$STATS" "$field")
    [ "${value:-0}" -ge 1 ] || fail "the $side's $field is '$value': $STATS"
  done
  [ "$(lan_stat "$STATS" mdns-conflicts)" = 0 ] ||
    fail "the $side saw mDNS conflicts: $STATS"
  echo "ok - the $side resolved the peer's name, answered for its own, and selected $SELECTED"
done
echo "ok - the selected pairs are host <-> host"
echo "PASS"
