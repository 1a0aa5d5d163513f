#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Both peers behind symmetric NATs (--random-fully) and no TURN server: no
# candidate pair can work.  Each NAT opens a new port for every peer
# address, so a check to the peer's server-reflexive address leaves from a
# port the peer's NAT has never seen, and the peer's NAT drops it.  The
# test asserts that both pipelines stop with the "ICE connection failed"
# error (the "failed" connection state) within ICE_FAIL_TIMEOUT_S, that neither ever selected a
# pair, that both had gathered server-reflexive candidates (so the failure
# is the NATs', not a missing STUN answer), and that the NATs did drop the
# peer's checks.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=ice-lib.sh
source "$(dirname "$0")/ice-lib.sh"

# the session fails about 9 s after it starts with the default timers
# (docs/testing-netns.md); the bound leaves room for a loaded machine
ICE_FAIL_TIMEOUT_S=20

require_netns
require_ice_elements
bed_create symmetric symmetric
stun_server_start plain

start=$(date +%s%N)
ice_start_receiver hb
ice_start_sender ha
wait_for 10 "both descriptions with srflx candidates in the room" \
  ice_room_described
echo "ok - both peers gathered server-reflexive candidates"

wait_for "$ICE_FAIL_TIMEOUT_S" "both pipelines to stop" ice_both_done
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
for role in receiver sender; do
  pid=$ICE_RECEIVER_PID
  [ $role = sender ] && pid=$ICE_SENDER_PID
  if wait "$pid"; then
    fail "the $role ended without an error"
  fi
  if grep -q 'ice-selected-pair' "$BED_TMP/$role.log"; then
    fail "the $role selected a pair: $(grep -o 'ice-selected-pair.*' \
      "$BED_TMP/$role.log" | head -n 1)"
  fi
  grep -q 'ERROR: .*ICE connection failed' "$BED_TMP/$role.log" ||
    fail "the $role stopped without the 'ICE connection failed' error"
done
# gst-launch-1.0 may quit on the error before it prints the element
# message of the state change that caused it, so one side's is enough
grep -q 'ice-connection-state, .*state=(string)failed' "$BED_TMP"/*.log ||
  fail "no element posted ice-connection-state failed"
echo "ok - both sides failed, without a selected pair, after ${elapsed_ms} ms"

for r in ra rb; do
  dropped=$(nat_dropped_total "$r")
  [ "$dropped" -gt 0 ] || fail "$r dropped nothing: the checks never reached it"
  echo "ok - $r dropped $dropped unsolicited packets (the peer's checks)"
done
echo "PASS"
