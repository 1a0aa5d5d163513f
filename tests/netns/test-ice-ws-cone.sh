#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Issue 11's two-host recipe through real NATs: `gst-ice serve --stun` in
# the "public" namespace is both the rendezvous (ws://) and the STUN
# server; the two gst-launch-1.0 pipelines sit in two private namespaces
# behind endpoint-independent Linux NATs (MASQUERADE) and know nothing but
# the server's address.  The test asserts that the server paired them, that
# the receiver gets its RTP buffers, and that each side's selected pair
# joins the two NAT mappings (server-reflexive or peer-reflexive remote,
# no relay: there is no TURN server).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

require_netns
require_ice_elements
bed_create eim eim
ws_serve_start

ice_start_receiver hb
ice_start_sender ha
wait_for "$ICE_CONNECT_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
ws_check_paired
echo "ok - $ICE_BUFFERS RTP buffers from ha to hb, paired by gst-ice serve"

for side in receiver sender; do
  wait_for 10 "an ice-selected-pair message from the $side" \
    grep -q 'ice-selected-pair' "$BED_TMP/$side.log"
  ice_selected "$BED_TMP/$side.log" local
  local_cand=$SELECTED
  ice_selected "$BED_TMP/$side.log" remote
  case $SELECTED in
    *" typ srflx"* | *" typ prflx"*) ;;
    *) fail "the $side's remote is not reflexive: $local_cand <-> $SELECTED" ;;
  esac
  case $SELECTED in
    *" ${WAN_IP[ra]} "* | *" ${WAN_IP[rb]} "*) ;;
    *) fail "the $side's remote is not a NAT's address: $SELECTED" ;;
  esac
  echo "ok - the $side's selected pair: $local_cand <-> $SELECTED"
done
echo "PASS"
