#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Both peers behind symmetric NATs (--random-fully), as in
# test-ice-symmetric, but with coturn in TURN mode in pub and
# turn-server set on both pipelines.  Direct and server-reflexive pairs
# cannot work (each NAT opens a new port per destination and drops the
# peer's checks); the relayed candidates can, because the TURN server is
# the one destination each NAT has already seen.  The test asserts that
# both sides gathered relayed candidates, that the receiver gets its RTP
# buffers, and that each side's selected pair goes through the relay (a
# "typ relay" candidate at one end at least).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

# the relayed pairs are tried after the failing reflexive ones have been
# started; the bound leaves room for a loaded machine
ICE_RELAY_TIMEOUT_S=30

# both descriptions complete, each with a relayed candidate
ice_room_relayed () {
  local f n=0

  for f in "$BED_TMP/room"/*.ice; do
    [ -f "$f" ] || continue
    grep -q '^a=end-of-candidates' "$f" || return 1
    grep -q ' typ relay' "$f" || return 1
    n=$((n + 1))
  done
  [ "$n" = 2 ]
}

require_netns
require_ice_elements
# captured first: with pipefail, grep -q leaving early would SIGPIPE it
grep -q turn-server <<<"$(gst-inspect-1.0 icesrc 2>/dev/null)" ||
  skip "icesrc has no turn-server property"
bed_create symmetric symmetric
stun_server_start turn
ICE_EXTRA_ARGS=(turn-server="turn://$TURN_USER:$TURN_PASS@$PUB_IP:$STUN_PORT")

start=$(date +%s%N)
ice_start_receiver hb
ice_start_sender ha
wait_for 10 "both descriptions with relayed candidates in the room" \
  ice_room_relayed
echo "ok - both peers gathered relayed candidates"

wait_for "$ICE_RELAY_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "ok - $ICE_BUFFERS RTP buffers went from ha to hb through the relay" \
  "in ${elapsed_ms} ms"

for side in receiver sender; do
  wait_for 10 "an ice-selected-pair message from the $side" \
    grep -q 'ice-selected-pair' "$BED_TMP/$side.log"
  ice_selected "$BED_TMP/$side.log" local
  local_cand=$SELECTED
  ice_selected "$BED_TMP/$side.log" remote
  case "$local_cand / $SELECTED" in
    *" typ relay"*) ;;
    *) fail "the $side's selected pair is not relayed: $local_cand <-> $SELECTED" ;;
  esac
  echo "ok - the $side's selected pair: $local_cand <-> $SELECTED"
done
echo "PASS"
