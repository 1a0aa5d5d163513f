#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-ice-netchange.sh with a ws:// room on `gst-ice serve`: the agent's
# own restart after an address change goes to the peer through the ws
# signaller (a new generation of our description).
NETCHANGE_WS=1
export NETCHANGE_WS
exec bash "$(dirname "$0")/test-ice-netchange.sh"
