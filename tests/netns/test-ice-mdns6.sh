#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# mDNS over IPv6 (RFC 6762 on ff02::fb): the LAN of lan-lib.sh made
# IPv6-only (ULA fd00:3::/64 and link-local, no IPv4 address) and IPv4
# mDNS dropped by iptables in both hosts, so that every name is asked and
# answered on [ff02::fb]:5353 only. Both sides mdns=true: each publishes
# its IPv6 host candidates as <uuid>.local names, answers the peer's
# IPv6 query with AAAA records and resolves the peer's names from the
# AAAA answers; RTP flows over a host <-> host IPv6 pair.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"
# shellcheck source-path=SCRIPTDIR source=lan-lib.sh
source "$(dirname "$0")/lan-lib.sh"

lan_require_mdns
{ command -v iptables && command -v ip6tables; } >/dev/null ||
  skip "no iptables / ip6tables"
lan_create
declare -A LAN_IP6=([la]=fd00:3::2 [lb]=fd00:3::3)
for h in la lb; do
  # (no DAD: a tentative address could not be a source yet)
  in_ns "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
    net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.disable_ipv6=0
  ip -n "$(ns "$h")" -4 addr flush dev eth0
  ip -n "$(ns "$h")" addr add "${LAN_IP6[$h]}/64" dev eth0 nodad
  # IPv4 mDNS out of the way, counted: only ff02::fb can carry the names
  in_ns "$h" iptables -A OUTPUT -p udp --dport 5353 -j DROP
  in_ns "$h" iptables -A INPUT -p udp --dport 5353 -j DROP
  # (no target: a counter of the mDNS datagrams sent on ff02::fb)
  in_ns "$h" ip6tables -A OUTPUT -d ff02::fb -p udp --dport 5353
done
room="file://$(ice_room)"
ICE_BUFFERS=200
SENDER_BUFFERS=300

lan_run_mdns_pair "$room" "$SENDER_BUFFERS"

for f in "$BED_TMP/seen"/*.ice; do
  lan_candidates_named "$f"
  ! grep -E '^a=candidate:.*fd00:3::' "$f" >/dev/null ||
    fail "$f gives an IPv6 address away: $(grep '^a=candidate:' "$f")"
done
echo "ok - neither description has an address, only <uuid>.local names"

for h in la lb; do
  sent=$(in_ns "$h" ip6tables -nvx -L OUTPUT |
    awk '/udp dpt:5353/ { print $1 }')
  # a query and an answer at least
  [ "${sent:-0}" -ge 2 ] ||
    fail "$h sent ${sent:-0} mDNS datagrams to ff02::fb, not a query and an answer"
done
echo "ok - both hosts asked and answered on ff02::fb"

for side in receiver sender; do
  lan_check_mdns_side "$side" "IPv6 host <-> host" \
    'L*-host-udp-fd00:3::*_R*-host-udp-fd00:3::*' \
    'L*-host-udp-fe80:*_R*-host-udp-fe80:*'
  echo "ok - the $side resolved the peer's name over ff02::fb (AAAA), answered for its own, and selected $SELECTED"
done
echo "PASS"
