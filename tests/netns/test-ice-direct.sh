#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A peer behind a symmetric NAT (hb behind rb, --random-fully) and a peer
# with a public address and no NAT (hd): the session connects, and only
# through peer-reflexive candidates.  hb's checks to hd leave rb from a
# port that neither hb's server-reflexive candidate (the STUN server's
# mapping) nor anything in its description names, so hd learns hb's address
# from the checks themselves (RFC 8445 §7.3.1.3) and hb learns its own from
# hd's answers (§7.2.5.3.1).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

require_netns
require_ice_elements
bed_create eim symmetric
stun_server_start plain

ice_start_receiver hd
ice_start_sender hb
wait_for "$ICE_CONNECT_TIMEOUT_S" "hd to receive $ICE_BUFFERS buffers" \
  ice_receiver_done
ice_check_receiver_ok
echo "ok - $ICE_BUFFERS RTP buffers went from hb (symmetric NAT) to hd"

ice_selected "$BED_TMP/receiver.log" remote
case $SELECTED in
  *" ${WAN_IP[rb]} "*" typ prflx"*) ;;
  *) fail "hd's selected remote is not rb's peer-reflexive address: $SELECTED" ;;
esac
echo "ok - hd selected hb's peer-reflexive candidate: $SELECTED"
ice_selected "$BED_TMP/sender.log" local
case $SELECTED in
  *" typ prflx"*) ;;
  *) fail "hb's selected local candidate is not peer-reflexive: $SELECTED" ;;
esac
echo "ok - hb's selected local candidate: $SELECTED"
echo "PASS"
