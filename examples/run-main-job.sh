#!/usr/bin/env bash
# The main job: install what gst-ice needs, build it, and run two pipelines
# carrying VP8 video over a real ICE session on this machine:
#
#   videotestsrc ! vp8enc ! rtpvp8pay ! icesink
#   icesrc ! rtpvp8depay ! vp8dec ! fakesink   (autovideosink with a display)
#
# It prints the selected pair, packets received, loss and connect time.
# Usage: bash examples/run-main-job.sh [SECONDS]   (BUILD_DIR=build by default)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
builddir=${BUILD_DIR:-build}
cd "$here"

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO bash tools/install-deps.sh

if ! gst-inspect-1.0 vp8enc >/dev/null 2>&1; then
  echo "vp8enc is missing: install gstreamer1.0-plugins-good" >&2
  exit 1
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir"
else
  # A build dir configured before gst/ existed does not know its targets.
  meson setup --reconfigure "$builddir" >/dev/null
fi
ninja -C "$builddir" gst/libgstice.so examples/ice-pair

display=()
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  display=(--display)
fi

# Only our plugin from the build tree, next to the system plugins.
export GST_PLUGIN_PATH="$here/$builddir/gst"
echo "== gst-ice: VP8 over ICE for ${seconds} s (loopback) =="
exec "$here/$builddir/examples/ice-pair" --seconds "$seconds" "${display[@]}"
