#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Server-reflexive ICE-TCP candidates through real NATs (RFC 6544 §5.2):
# ha behind ra, hb behind rb (Linux MASQUERADE, endpoint-independent),
# ice-tcp=true and coturn in pub as the STUN server, asked over UDP and
# over TCP (no ?transport= in the URI). Each description must carry a
# "tcp ... typ srflx raddr <host> rport <listener> tcptype passive"
# candidate on its router's WAN address with the listener's port (the
# connection to coturn left from it, and MASQUERADE kept it), and an
# active one on port 9; RTP still flows (over UDP, which ranks first).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

require_netns
require_ice_elements
bed_create eim eim
stun_server_start plain
ICE_EXTRA_ARGS=(ice-tcp=true)

ice_run_described_pair

# check_tcp_srflx HOST: HOST's description has both srflx TCP candidates
check_tcp_srflx () {
  local h=$1 f passive_port srflx
  local wan=${WAN_IP[${ROUTER_OF[$h]}]} ip=${HOST_IP[$h]}

  f=$(grep -l " $ip " "$BED_TMP/seen"/*.ice) ||
    fail "no description names $ip"
  passive_port=$(grep -E "^a=candidate:.* tcp [0-9]+ $ip [0-9]+ typ host tcptype passive" -i "$f" |
    awk '{print $6}') || true
  [ -n "$passive_port" ] ||
    fail "$h has no passive TCP host candidate: $(grep '^a=candidate:' "$f")"
  srflx="$wan $passive_port typ srflx raddr $ip rport $passive_port tcptype passive"
  grep -iq " tcp [0-9]* $srflx" "$f" ||
    fail "$h has no '$srflx': $(grep '^a=candidate:' "$f")"
  grep -iq " tcp [0-9]* $wan 9 typ srflx raddr $ip rport 9 tcptype active" "$f" ||
    fail "$h has no active srflx TCP candidate: $(grep '^a=candidate:' "$f")"
  echo "ok - $h: tcp $srflx, and the active one on port 9"
}
check_tcp_srflx ha
check_tcp_srflx hb
echo "PASS"
