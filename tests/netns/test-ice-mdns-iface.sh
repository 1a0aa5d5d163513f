#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Answers go out on the interface their query came in on (RFC 6762 §6 is
# per interface): on la, the multicast route points into a decoy veth
# (as a VPN or a container bridge may take it), so la's own queries are
# lost, but lb's query for la's name arrives on la's eth0 and is answered
# there. lb resolves la's name; la never resolves lb's (it times out) and
# learns lb peer-reflexively; RTP flows either way.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"
# shellcheck source-path=SCRIPTDIR source=lan-lib.sh
source "$(dirname "$0")/lan-lib.sh"

lan_require_mdns
lan_create
ip -n "$(ns la)" link add name decoy0 type veth peer name decoy1
ip -n "$(ns la)" link set decoy0 up
ip -n "$(ns la)" link set decoy1 up
ip -n "$(ns la)" route replace 224.0.0.0/4 dev decoy0
room="file://$(ice_room)"
# ~8 s of audio from la: its name times out (5 s) while it sends
ICE_BUFFERS=200

lan_start_mdns_pair "$room" 350
lan_wait_mdns_pair

ice_stats "$BED_TMP/receiver.log"
[ "$(lan_stat "$STATS" mdns-resolved)" = 1 ] ||
  fail "lb did not resolve la's name (la answered on the wrong interface?): $STATS"
echo "ok - lb resolved la's name: la answered on the interface lb asked on"
ice_stats "$BED_TMP/sender.log"
grep -qF 'eos=(boolean)true' <<<"$STATS" ||
  fail "the sender's last ice-stats is not the one at EOS: $STATS"
if [ "$(lan_stat "$STATS" mdns-resolved)" != 0 ] ||
  [ "$(lan_stat "$STATS" mdns-timeouts)" != 1 ]; then
  fail "la's own query should have been lost in the decoy: $STATS"
fi
[ "$(lan_stat "$STATS" mdns-answers-sent)" -ge 1 ] ||
  fail "la sent no answer: $STATS"
echo "ok - la's own query went into the decoy and timed out; its answers did not"
echo "PASS"
