#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Removes the namespaces and temp dirs of netns test runs that were killed
# before their EXIT trap ran (docs/testing-netns.md).  Runs of the tests that
# are still alive are not touched.  Every test also does this when it starts.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_netns
bed_remove_stale
left=$(ip netns list | awk '$1 ~ /^gi[0-9]+-/ { print $1 }')
if [ -n "$left" ]; then
  echo "still in use by running tests:"
  echo "$left"
fi
