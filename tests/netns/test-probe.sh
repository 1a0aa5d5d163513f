#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `gst-ice probe` (RFC 5780) against coturn in RFC 5780 mode (two public
# addresses, alternate port) through real NATs:
#   ha behind ra (MASQUERADE): endpoint-independent mapping,
#     address-and-port-dependent filtering (conntrack);
#   hb behind rb (MASQUERADE --random-fully): address-and-port-dependent
#     mapping and filtering;
#   hd on the public net: no NAT, endpoint-independent filtering.
# Neither NAT hairpins; hd (no NAT) trivially does.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_netns
if [ -z "${GST_ICE_TOOL:-}" ] || [ ! -x "$GST_ICE_TOOL" ]; then
  skip "GST_ICE_TOOL does not name the built gst-ice"
fi
usage=$("$GST_ICE_TOOL" probe --help 2>&1) ||
  skip "gst-ice has no probe command (tools/gst-ice-probe.c not built)"
case $usage in
  *--json*) ;;
  *) skip "gst-ice probe has no --json option" ;;
esac

bed_create eim symmetric
stun_server_start rfc5780
SERVER="stun://$PUB_IP:$STUN_PORT"

# probe_field FILE NAME: one member of the JSON object in FILE, lowercase
probe_field () {
  "$PYTHON" -c 'import json, sys
print(str(json.load(open(sys.argv[1]))[sys.argv[2]]).lower())' "$1" "$2"
}

# expect NAME MAPPING FILTERING BEHIND-NAT HAIRPINNING
expect () {
  local name=$1 out field got
  local -A want=([mapping]=$2 [filtering]=$3 [behind_nat]=$4
    [hairpinning]=$5)

  out="$BED_TMP/probe-$name.json"
  in_ns "$name" timeout 20 "$GST_ICE_TOOL" probe --json --hairpinning \
    "$SERVER" >"$out" 2>"$BED_TMP/probe-$name.log" ||
    fail "gst-ice probe in $name failed: $(cat "$out" "$BED_TMP/probe-$name.log")"
  for field in "${!want[@]}"; do
    got=$(probe_field "$out" "$field") ||
      fail "$name: no $field in the probe's output: $(cat "$out")"
    [ "$got" = "${want[$field]}" ] ||
      fail "$name: $field is '$got', expected '${want[$field]}': $(cat "$out")"
  done
  echo "ok - $name: $2 mapping, $3 filtering, hairpinning $5"
}

# Linux MASQUERADE has no hairpinning: a datagram from inside to the WAN
# address is delivered to the router itself
expect ha endpoint-independent address-and-port-dependent true no
expect hb address-and-port-dependent address-and-port-dependent true no
expect hd endpoint-independent endpoint-independent false yes
echo "PASS"
