#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mdns=true on both sides behind two NATs (ha behind ra, hb behind rb, both
# endpoint-independent): the names cannot be resolved across the internet
# (mDNS stays on each LAN), so the session connects through the
# server-reflexive and peer-reflexive candidates as without mDNS. What the
# descriptions give away: no host address, not even as the raddr of a
# server-reflexive candidate ("raddr 0.0.0.0 rport 0",
# draft-ietf-mmusic-mdns-ice-candidates §3.1.2.2).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"
# shellcheck source-path=SCRIPTDIR source=lan-lib.sh
source "$(dirname "$0")/lan-lib.sh"

lan_require_mdns
bed_create eim eim
stun_server_start plain
ICE_EXTRA_ARGS=(mdns=true)

ice_run_described_pair

for f in "$BED_TMP/seen"/*.ice; do
  ! grep -E '^a=candidate:.*(10\.0\.[12]\.|typ host raddr)' "$f" >/dev/null ||
    fail "$f gives a host address away: $(grep '^a=candidate:' "$f")"
  grep -Eq '^a=candidate:.* [0-9a-f-]{36}\.local [0-9]+ typ host' "$f" ||
    fail "$f has no named host candidate: $(grep '^a=candidate:' "$f")"
  grep -Eq '^a=candidate:.* typ srflx raddr 0\.0\.0\.0 rport 0' "$f" ||
    fail "$f has no srflx candidate with raddr 0.0.0.0: $(grep '^a=candidate:' "$f")"
  ! grep -E '^a=candidate:.* typ srflx raddr [1-9]' "$f" >/dev/null ||
    fail "$f shows a srflx base: $(grep '^a=candidate:' "$f")"
done
echo "ok - host candidates are names, srflx candidates say raddr 0.0.0.0 rport 0"

ice_selected "$BED_TMP/receiver.log" remote
case $SELECTED in
  *" typ srflx"* | *" typ prflx"*) ;;
  *) fail "the receiver selected a non-reflexive remote: $SELECTED" ;;
esac
echo "ok - the receiver's selected remote candidate: $SELECTED"
echo "PASS"
