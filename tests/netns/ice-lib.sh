# shellcheck shell=bash disable=SC2034
# (SC2034: the variables set here are read by the tests that source it)
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Two gst-launch-1.0 pipelines with icesink/icesrc in the bed's namespaces
# (sourced after lib.sh).  They meet in a file:// room in the bed's temp dir
# (the namespaces share the filesystem) and get their server-reflexive
# candidates from the coturn that stun_server_start runs in pub.

ICE_CAPS="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
# icesrc pushes a buffer list per create(); num-buffers counts those
ICE_BUFFERS=50
ICE_CONNECT_TIMEOUT_S=15
ICE_RECEIVER_PID=
ICE_SENDER_PID=
# more element properties for both pipelines, e.g. turn-server=...
ICE_EXTRA_ARGS=()
# where the pipelines meet (default: a file:// room in the bed's temp dir)
ICE_SIGNALLER=
# the STUN server both pipelines ask (default: coturn in pub)
ICE_STUN=

# Skips unless gst-launch-1.0 can make icesrc and icesink with the
# properties these tests use (GST_PLUGIN_PATH points at the build).
require_ice_elements () {
  local element inspect

  command -v gst-launch-1.0 >/dev/null || skip "gst-launch-1.0 is not installed"
  for element in icesrc icesink; do
    inspect=$(gst-inspect-1.0 "$element" 2>/dev/null) ||
      skip "$element is not available (GST_PLUGIN_PATH=${GST_PLUGIN_PATH:-})"
    case $inspect in
      *stun-server*signaller* | *signaller*stun-server*) ;;
      *) skip "$element has no stun-server or signaller property" ;;
    esac
  done
}

ice_room () {
  mkdir -p "$BED_TMP/room"
  echo "$BED_TMP/room"
}

ice_signaller () {
  echo "${ICE_SIGNALLER:-file://$(ice_room)}"
}

ice_stun () {
  echo "${ICE_STUN:-stun://$PUB_IP:$STUN_PORT}"
}

# ice_start_receiver NAME: icesrc in namespace NAME; stops (EOS) after
# ICE_BUFFERS buffer lists, so its exit status says whether media came.
ice_start_receiver () {
  spawn_in "$1" "$BED_TMP/receiver.log" gst-launch-1.0 -m \
    icesrc num-buffers="$ICE_BUFFERS" signaller="$(ice_signaller)" \
    stun-server="$(ice_stun)" "${ICE_EXTRA_ARGS[@]}" \
    caps="$ICE_CAPS" ! \
    rtpL16depay ! fakesink
  ICE_RECEIVER_PID=$SPAWNED
}

# ice_start_sender NAME: live RTP audio into icesink in namespace NAME.
ice_start_sender () {
  spawn_in "$1" "$BED_TMP/sender.log" gst-launch-1.0 -m \
    audiotestsrc is-live=true ! rtpL16pay ! \
    icesink signaller="$(ice_signaller)" \
    stun-server="$(ice_stun)" "${ICE_EXTRA_ARGS[@]}"
  ICE_SENDER_PID=$SPAWNED
}

ice_receiver_done () {
  ! kill -0 "$ICE_RECEIVER_PID" 2>/dev/null
}

ice_both_done () {
  ice_receiver_done && ! kill -0 "$ICE_SENDER_PID" 2>/dev/null
}

ice_check_receiver_ok () {
  wait "$ICE_RECEIVER_PID" || fail "the receiver ended with status $?"
}

# ice_selected LOG local|remote: sets SELECTED to that candidate of the
# last ice-selected-pair message in a gst-launch-1.0 -m log (the message
# escapes spaces with backslashes; they are removed).
ice_selected () {
  SELECTED=$(grep -o 'ice-selected-pair, .*' "$1" | tail -n 1 |
    sed -n "s/.* $2=(string)\"\([^\"]*\)\".*/\1/p" | sed 's/[\\]//g')
  [ -n "$SELECTED" ] || fail "no ice-selected-pair message in $1"
}

# ice_stats LOG: sets STATS to the last ice-stats message (the element's
# stats, per-path entries included) of a gst-launch-1.0 -m log, its
# escaping backslashes removed.
ice_stats () {
  STATS=$(grep -o 'ice-stats, .*' "$1" | tail -n 1 | sed 's/[\\]//g')
  [ -n "$STATS" ] || fail "no ice-stats message in $1"
}

# ice_room_described: both peers' files in the room are complete (they
# carry a=end-of-candidates) and each has a server-reflexive candidate.
ice_room_described () {
  local f n=0

  for f in "$BED_TMP/room"/*.ice; do
    [ -f "$f" ] || continue
    grep -q '^a=end-of-candidates' "$f" || return 1
    grep -q ' typ srflx' "$f" || return 1
    n=$((n + 1))
  done
  [ "$n" = 2 ]
}

# ice_run_described_pair: the receiver in hb and the sender in ha; once
# both descriptions are complete with srflx candidates, copies them to
# $BED_TMP/seen/ (taken while both files are there: a file goes when its
# pipeline stops), then waits for hb's ICE_BUFFERS buffers (asserted
# received)
ice_run_described_pair () {
  ice_start_receiver hb
  ice_start_sender ha
  wait_for "$ICE_CONNECT_TIMEOUT_S" "both descriptions with srflx candidates" \
    ice_room_described
  mkdir -p "$BED_TMP/seen"
  cp "$BED_TMP/room"/*.ice "$BED_TMP/seen/"
  wait_for "$ICE_CONNECT_TIMEOUT_S" "hb to receive $ICE_BUFFERS buffers" \
    ice_receiver_done
  ice_check_receiver_ok
  echo "ok - $ICE_BUFFERS RTP buffers went from ha to hb through two NATs"
}

# ws_serve_start [STUN_PORT]: the rendezvous server `gst-ice serve` in pub
# on $PUB_IP:$WS_PORT, answering STUN on $PUB_IP:STUN_PORT (default
# $WS_STUN_PORT); sets ICE_SIGNALLER to a room on it and ICE_STUN to its
# STUN address.  Skips unless GST_ICE_TOOL has the serve command.
WS_PORT=8443
WS_STUN_PORT=3479
ws_serve_start () {
  local stun_port=${1:-$WS_STUN_PORT}

  [ -n "${GST_ICE_TOOL:-}" ] && [ -x "$GST_ICE_TOOL" ] ||
    skip "GST_ICE_TOOL does not name the built gst-ice"
  grep -q -- --stun <<<"$("$GST_ICE_TOOL" serve --help 2>&1)" ||
    skip "gst-ice has no serve command with --stun"
  spawn_in pub "$BED_TMP/serve.log" "$GST_ICE_TOOL" serve \
    --listen "$PUB_IP:$WS_PORT" --stun "$PUB_IP:$stun_port"
  wait_for 10 "gst-ice serve listening on $PUB_IP:$WS_PORT" \
    grep -q "^listening ws://$PUB_IP:$WS_PORT" "$BED_TMP/serve.log"
  wait_for 10 "gst-ice serve's STUN on $PUB_IP:$stun_port" \
    udp_port_bound pub "$PUB_IP" "$stun_port"
  ICE_SIGNALLER="ws://$PUB_IP:$WS_PORT/netns-room"
  ICE_STUN="stun://$PUB_IP:$stun_port"
}

# ws_check_paired: the server logged the pair of the room
ws_check_paired () {
  grep -q "pair room=netns-room" "$BED_TMP/serve.log" ||
    fail "gst-ice serve logged no pair for the room: $(cat "$BED_TMP/serve.log")"
}
