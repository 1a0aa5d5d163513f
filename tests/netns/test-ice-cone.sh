#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A real ICE session through two endpoint-independent NATs: ha (behind ra)
# sends RTP audio with icesink, hb (behind rb) receives it with icesrc.
# Both know only coturn's STUN address and a shared file:// room.  The
# private host candidates cannot reach each other (pub does not forward), so
# the pair ICE selects must use a server- or peer-reflexive remote
# candidate; the test asserts that and that RTP buffers reach the sink.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

require_netns
require_ice_elements
bed_create eim eim
stun_server_start plain

ice_start_receiver hb
ice_start_sender ha
wait_for "$ICE_CONNECT_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
echo "ok - $ICE_BUFFERS RTP buffers went from ha to hb through two NATs"

for side in receiver sender; do
  ice_selected "$BED_TMP/$side.log" remote
  case $SELECTED in
    *" typ srflx"* | *" typ prflx"*) ;;
    *) fail "the $side selected a pair whose remote is not reflexive: $SELECTED" ;;
  esac
  echo "ok - the $side's selected remote candidate: $SELECTED"
done
# The receiver's stats list its server-reflexive candidate with the STUN
# server it came from (docs/elements.md, "Paths in stats").
ice_stats "$BED_TMP/receiver.log"
grep -qF 'candidate-type=(string)srflx' <<<"$STATS" ||
  fail "no srflx candidate in the receiver's ice-stats: $STATS"
grep -qF "url=(string)stun://$PUB_IP:$STUN_PORT" <<<"$STATS" ||
  fail "no url=stun://$PUB_IP:$STUN_PORT in the receiver's ice-stats: $STATS"
echo "ok - the receiver's ice-stats name the STUN server of its srflx candidate"
echo "PASS"
