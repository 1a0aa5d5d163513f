#!/usr/bin/env bash
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# TURN from gst-launch-1.0 alone (docs/elements.md, "Through a TURN relay"):
#  1: two gst-launch-1.0 processes with ice-transport-policy=relay and a
#     turn-server carry RTP through a coturn this script starts on
#     127.0.0.1: the receiver gets its buffers, and both sides' selected
#     pair (the ice-selected-pair messages) is relayed at both ends;
#  2: a wrong TURN password becomes a "TURN relay error" warning on the
#     bus, naming the credentials, and an ice-relay-error element message.
# coturn runs with an empty -c config (so --log-file is used), dies with
# this script (setpriv --pdeathsig) and is stopped by PID. TAP output.
# Traffic stays on loopback.
set -u
CAPS="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
# icesrc pushes a buffer list per create(); num-buffers counts those
BUFFERS=30
TIMEOUT_S=30
TURN_USER=gst
TURN_PASS=ice

if ! command -v turnserver >/dev/null; then
  echo "1..0 # SKIP turnserver (coturn) is not installed"
  exit 0
fi
dir=$(mktemp -d /tmp/gst-ice-turn.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  if [ -n "${TURN_TEST_KEEP:-}" ]; then
    echo "# logs kept in $dir"
  else
    rm -rf "$dir"
  fi
}
trap cleanup EXIT

# wait_for SECONDS CMD...: polls CMD every 50 ms; false after SECONDS.
wait_for() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@"; do
    [ "$(date +%s%N)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

port_bound() { # PROTO(u|t) PORT
  ss -Hln"$1" "sport = :$2" 2>/dev/null | grep -q .
}

# A port free for UDP and TCP below the ephemeral range: coturn binds with
# SO_REUSEPORT and would share a busy port silently (docs/turn.md).
pick_port() {
  local p _
  for _ in $(seq 50); do
    p=$((30000 + RANDOM % 2000))
    if ! port_bound u "$p" && ! port_bound t "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

start_coturn() {
  : >"$dir/empty.conf"
  port=$(pick_port) || return 1
  setpriv --pdeathsig KILL turnserver -c "$dir/empty.conf" \
    --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$port" \
    --lt-cred-mech --user="$TURN_USER:$TURN_PASS" --realm=gst-ice.test \
    --allow-loopback-peers --no-cli --no-tls --no-dtls --no-rfc5780 \
    --min-port=49152 --max-port=49999 --fingerprint \
    --log-file="$dir/turnserver.log" --simple-log --no-stdout-log \
    --pidfile="$dir/turnserver.pid" --userdb="$dir/turndb" \
    >"$dir/turnserver.out" 2>&1 &
  pids+=($!)
  # ready when it listens on both transports
  wait_for 10 port_bound u "$port" && wait_for 10 port_bound t "$port"
}

# selected LOG local|remote: that candidate of the last ice-selected-pair
# message of a gst-launch-1.0 -m log (spaces come escaped: unescaped).
selected() {
  grep -o 'ice-selected-pair, .*' "$1" | tail -n 1 |
    sed -n "s/.* $2=(string)\"\([^\"]*\)\".*/\1/p" | sed 's/[\\]//g'
}

both_relayed() { # LOG: local and remote of the selected pair are relayed
  local end
  for end in local remote; do
    case $(selected "$1" "$end") in
      *" typ relay"*) ;;
      *) return 1 ;;
    esac
  done
}

# relay_stats LOG: the last ice-stats message of the log lists a relayed
# local candidate with the TURN server it came from and how it is reached.
relay_stats() {
  local s
  s=$(grep -o 'ice-stats, .*' "$1" | tail -n 1 | sed 's/[\\]//g')
  grep -qF 'candidate-type=(string)relay' <<<"$s" &&
    grep -qF 'relay-protocol=(string)udp' <<<"$s" &&
    grep -qF "turn:127.0.0.1:$port?transport=udp" <<<"$s"
}

stop() { # PID: SIGINT (gst-launch goes to NULL), then wait
  kill -INT "$1" 2>/dev/null
  wait_for 5 eval "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

dump() {
  local f
  for f in "$@"; do
    echo "# --- $(basename "$f")"
    tail -n 15 "$f" 2>/dev/null | sed 's/^/#   /'
  done
}

echo "1..3"
if ! start_coturn; then
  echo "not ok 1 - coturn did not start"
  dump "$dir/turnserver.out" "$dir/turnserver.log"
  echo "not ok 2 - coturn did not start"
  echo "not ok 3 - coturn did not start"
  exit 0
fi
turn="turn://$TURN_USER:$TURN_PASS@127.0.0.1:$port"
common=(signaller="file://$dir/room" bind-address=127.0.0.1
  ice-transport-policy=relay turn-server="$turn")
mkdir -p "$dir/room"

gst-launch-1.0 -m icesrc num-buffers=$BUFFERS "${common[@]}" caps="$CAPS" \
  ! rtpL16depay ! fakesink >"$dir/rx.log" 2>&1 &
rx=$!
pids+=("$rx")
gst-launch-1.0 -m audiotestsrc is-live=true ! rtpL16pay \
  ! icesink "${common[@]}" >"$dir/tx.log" 2>&1 &
tx=$!
pids+=("$tx")

# The receiver stops by itself (EOS) once its buffers came.
problem=""
wait_for "$TIMEOUT_S" eval "! kill -0 $rx 2>/dev/null" ||
  problem="the receiver got no $BUFFERS buffers in ${TIMEOUT_S}s"
if [ -z "$problem" ]; then
  wait "$rx" || problem="the receiver ended with an error"
fi
if [ -z "$problem" ]; then
  both_relayed "$dir/rx.log" ||
    problem="receiver's selected pair is not relay-relay: $(selected "$dir/rx.log" local) <-> $(selected "$dir/rx.log" remote)"
fi
if [ -z "$problem" ]; then
  wait_for 10 both_relayed "$dir/tx.log" ||
    problem="sender's selected pair is not relay-relay: $(selected "$dir/tx.log" local) <-> $(selected "$dir/tx.log" remote)"
fi
stop "$tx"
if [ -z "$problem" ]; then
  echo "ok 1 - RTP through coturn, selected pair relayed on both sides"
  echo "# rx: $(selected "$dir/rx.log" local) <-> $(selected "$dir/rx.log" remote)"
else
  echo "not ok 1 - $problem"
  dump "$dir/rx.log" "$dir/tx.log" "$dir/turnserver.log"
fi

# A wrong password: the allocation is refused (401 with credentials).
gst-launch-1.0 -m audiotestsrc is-live=true ! rtpL16pay ! icesink \
  signaller="file://$dir/room-bad" bind-address=127.0.0.1 \
  ice-transport-policy=relay \
  turn-server="turn://$TURN_USER:wrong@127.0.0.1:$port" >"$dir/bad.log" 2>&1 &
bad=$!
pids+=("$bad")
relay_warned() {
  grep -q 'WARNING: from element .*TURN relay error: .*credentials' \
    "$1" && grep -q 'ice-relay-error, ' "$1"
}
if wait_for 20 relay_warned "$dir/bad.log"; then
  echo "ok 2 - a wrong TURN password is a warning saying why"
  echo "# $(grep -o 'TURN relay error: .*' "$dir/bad.log" | head -n 1)"
else
  echo "not ok 2 - no 'TURN relay error' warning about the credentials"
  dump "$dir/bad.log"
fi
stop "$bad"

if relay_stats "$dir/rx.log"; then
  echo "ok 3 - the receiver's ice-stats message names its TURN server"
else
  echo "not ok 3 - no relayed candidate with url and relay-protocol in ice-stats"
  grep -o 'ice-stats, .*' "$dir/rx.log" | tail -n 1 | sed 's/^/#   /'
fi
