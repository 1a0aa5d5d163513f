#!/usr/bin/env bash
# Two gst-launch-1.0 processes meet through the file:// signaller and carry
# RTP audio (DESIGN §4):
#  1, 2: started in both orders, in a room that holds a stale file and,
#        for the second run, whatever the first run left;
#  3:    the exact commands of the docs, without bind-address, in a network
#        namespace that has only loopback (the elements must fall back to
#        it); skipped when namespaces are not available (not root).
# The receiver's fakesink prints a line per buffer; we wait for enough.
# TAP output. Traffic stays on loopback.
set -u
export CAPS="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
export WANTED=20 TIMEOUT_S=30
room=$(mktemp -d /tmp/gst-ice-room.XXXXXX)
logs=$(mktemp -d /tmp/gst-ice-logs.XXXXXX)
export room logs
trap 'rm -rf "$room" "$logs"' EXIT

# run_pair ORDER NAME [ELEMENT-ARGS...]: starts sender and receiver in
# ORDER, waits for WANTED buffers at the receiver, stops both by PID.
# SIGINT lets gst-launch go to NULL (the element removes its room file);
# whatever is still alive after 5 s is killed.
run_pair() {
  local order=$1 name=$2 rx tx n i pid
  shift 2
  start_rx() {
    gst-launch-1.0 -m icesrc signaller="file://$room" "$@" caps="$CAPS" \
      ! rtpL16depay ! fakesink silent=false -v >"$logs/rx-$name.log" 2>&1 &
    rx=$!
  }
  start_tx() {
    gst-launch-1.0 -m audiotestsrc ! rtpL16pay \
      ! icesink signaller="file://$room" "$@" >"$logs/tx-$name.log" 2>&1 &
    tx=$!
  }
  if [ "$order" = sender-first ]; then
    start_tx "$@"; start_rx "$@"
  else
    start_rx "$@"; start_tx "$@"
  fi
  # grep follows the log and stops at the WANTED-th buffer; tail ends with
  # the receiver.
  n=$(timeout "$TIMEOUT_S" \
    grep -c -m "$WANTED" "fakesink0: last-message = chain" \
    < <(tail -n +1 -f --pid="$rx" "$logs/rx-$name.log"))
  kill -INT "$rx" "$tx" 2>/dev/null
  for pid in "$rx" "$tx"; do
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  [ "${n:-0}" -ge "$WANTED" ]
}
export -f run_pair

report() { # number, description, status, log name
  if [ "$3" -eq 0 ]; then
    echo "ok $1 - $2"
  else
    echo "not ok $1 - $2"
    tail -15 "$logs/rx-$4.log" 2>/dev/null | sed 's/^/# rx: /'
    tail -15 "$logs/tx-$4.log" 2>/dev/null | sed 's/^/# tx: /'
  fi
}

# A file left behind by a peer that died without cleaning up: its mtime is
# old, so the new pair must ignore it (the room rule, docs/elements.md).
printf 'a=mid:0\r\na=ice-ufrag:STALE\r\na=ice-pwd:stalestalestalestalestale\r\n%s\r\n' \
  'a=candidate:1 1 UDP 2130706431 127.0.0.1 9 typ host' >"$room/STALE.ice"
touch -d '1 minute ago' "$room/STALE.ice"

echo "1..3"
run_pair sender-first 1 bind-address=127.0.0.1
report 1 "file signaller, sender first" $? 1
run_pair receiver-first 2 bind-address=127.0.0.1
report 2 "file signaller, receiver first" $? 2

if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
  rm -rf "${room:?}"/*
  unshare -n bash -c 'ip link set lo up && run_pair receiver-first 3'
  report 3 "file signaller, default gathering on a loopback-only host" $? 3
else
  echo "ok 3 # SKIP network namespaces need root"
fi
