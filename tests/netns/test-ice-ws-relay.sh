#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# As test-ice-ws-cone, but both peers behind symmetric NATs
# (--random-fully) with coturn in TURN mode in pub next to
# `gst-ice serve --stun` (rendezvous and STUN on the same host): no
# reflexive pair can work, the relayed ones can.  The test asserts that the
# server paired them, that the receiver gets its RTP buffers, and that each
# side's selected pair goes through the relay.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

# the relayed pairs are tried after the failing reflexive ones have been
# started; the bound leaves room for a loaded machine
ICE_RELAY_TIMEOUT_S=30

require_netns
require_ice_elements
grep -q turn-server <<<"$(gst-inspect-1.0 icesrc 2>/dev/null)" ||
  skip "icesrc has no turn-server property"
bed_create symmetric symmetric
stun_server_start turn
ws_serve_start
ICE_EXTRA_ARGS=(turn-server="turn://$TURN_USER:$TURN_PASS@$PUB_IP:$STUN_PORT")

ice_start_receiver hb
ice_start_sender ha
wait_for "$ICE_RELAY_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
ws_check_paired
echo "ok - $ICE_BUFFERS RTP buffers from ha to hb through the relay," \
  "paired by gst-ice serve"

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
