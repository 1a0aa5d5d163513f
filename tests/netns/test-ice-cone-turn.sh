#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Both peers behind endpoint-independent NATs, as in test-ice-cone, but
# with coturn in TURN mode in pub and turn-server set on both pipelines:
# the relayed pairs work too, yet the server-reflexive pair is better and
# works, so the fast regular nomination (ice-nominate.c) must still pick
# it.  The test asserts that both sides gathered relayed candidates, that
# the receiver gets its RTP buffers, and that neither end of either side's
# selected pair is a relay.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

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
bed_create eim eim
stun_server_start turn
ICE_EXTRA_ARGS=(turn-server="turn://$TURN_USER:$TURN_PASS@$PUB_IP:$STUN_PORT")

ice_start_receiver hb
ice_start_sender ha
wait_for 10 "both descriptions with relayed candidates in the room" \
  ice_room_relayed
echo "ok - both peers gathered relayed candidates"
wait_for "$ICE_CONNECT_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
echo "ok - $ICE_BUFFERS RTP buffers went from ha to hb through two NATs"

for side in receiver sender; do
  wait_for 10 "an ice-selected-pair message from the $side" \
    grep -q 'ice-selected-pair' "$BED_TMP/$side.log"
  ice_selected "$BED_TMP/$side.log" local
  local_cand=$SELECTED
  ice_selected "$BED_TMP/$side.log" remote
  case "$local_cand / $SELECTED" in
    *" typ relay"*)
      fail "the $side selected a relayed pair: $local_cand <-> $SELECTED" ;;
  esac
  case $SELECTED in
    *" typ srflx"* | *" typ prflx"*) ;;
    *) fail "the $side selected a remote that is not reflexive: $SELECTED" ;;
  esac
  echo "ok - the $side's selected pair: $local_cand <-> $SELECTED"
done
echo "PASS"
