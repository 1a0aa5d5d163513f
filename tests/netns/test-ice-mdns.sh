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

lan_run_mdns_pair "$room" "$SENDER_BUFFERS"

for f in "$BED_TMP/seen"/*.ice; do
  lan_candidates_named "$f"
done
echo "ok - neither description has an address, only <uuid>.local names"

for side in receiver sender; do
  lan_check_mdns_side "$side" "host <-> host" \
    'L*-host-udp-10.0.3.*_R*-host-udp-10.0.3.*'
  echo "ok - the $side resolved the peer's name, answered for its own, and selected $SELECTED"
done
echo "ok - the selected pairs are host <-> host"
echo "PASS"
