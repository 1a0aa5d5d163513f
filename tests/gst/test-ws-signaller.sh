#!/usr/bin/env bash
# gst-launch-1.0 processes meet through `gst-ice serve` with the ws://
# signaller and carry RTP audio (docs/signalling.md):
#  1, 2: sender first, receiver first;
#  3:    two rooms at once: each receiver gets its own sender's buffers
#        only (the senders' buffer sizes differ);
#  4:    the sender killed mid-call and a new one started: the receiver,
#        still running, gets media again (an ICE restart toward the new
#        peer); 10: the same with the receiver replaced;
#  5:    a third peer is refused: its gst-launch exits with the room-full
#        error; the pair's media keeps flowing;
#  6:    a server with --token: the right token (?token= and the
#        signaller-token property) pairs, a wrong one exits with bad-token;
#  7:    the server killed after pairing: the media keeps flowing, each
#        side warns once; a server started again on the port: both join
#        again and pair, and the media still flows;
#  8:    the server down when the peers start: a warning, retries, and they
#        pair when it comes up;
#  9:    wss:// with a test certificate (signaller-ca-file), and a client
#        that does not trust it exits with an error.
# Receivers' fakesinks print a line per buffer; we wait for enough. Every
# wait is bounded and waits on an event (a log line, an exit). TAP output.
# Traffic stays on loopback.
set -u
CAPS="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
WANTED=20 TIMEOUT_S=40
SERVE=${GST_ICE_TOOL:?the gst-ice tool}
logs=$(mktemp -d /tmp/gst-ice-ws.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  # GST_ICE_TEST_KEEP=1 keeps the logs for a post-mortem
  [ -n "${GST_ICE_TEST_KEEP:-}" ] && echo "# logs kept in $logs" || rm -rf "$logs"
}
trap cleanup EXIT
CHAIN="fakesink0: last-message = chain"

# serve NAME [ARGS...]: gst-ice serve on 127.0.0.1 (port 0 unless ARGS
# say --listen); its PID in $srv, its port in $port once it listens.
serve() {
  local name=$1 listen=127.0.0.1:0
  shift
  [ "${1:-}" = --listen ] && listen=$2 && shift 2
  : >"$logs/$name.log" # before wait_line's tail opens it
  "$SERVE" serve --listen "$listen" "$@" >"$logs/$name.log" 2>&1 &
  srv=$!
  PIDS+=("$srv")
  wait_line "$name" "^listening " 1 "$srv" || return 1
  port=$(sed -n 's/^listening wss\?:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' \
    "$logs/$name.log")
  [ -n "$port" ]
}

# start_rx NAME URI [ARGS...] / start_tx NAME URI [ARGS...]: a receiver or
# sender in the background; its PID in $rx / $tx, its log logs/NAME.log.
start_rx() {
  local name=$1 uri=$2
  shift 2
  : >"$logs/$name.log"
  gst-launch-1.0 -m icesrc signaller="$uri" bind-address=127.0.0.1 "$@" \
    caps="$CAPS" ! rtpL16depay ! fakesink silent=false -v \
    >"$logs/$name.log" 2>&1 &
  rx=$!
  PIDS+=("$rx")
}
start_tx() {
  local name=$1 uri=$2 spb=${SAMPLES:-200}
  shift 2
  : >"$logs/$name.log"
  gst-launch-1.0 -m audiotestsrc is-live=true samplesperbuffer="$spb" \
    ! rtpL16pay ! icesink signaller="$uri" bind-address=127.0.0.1 "$@" \
    >"$logs/$name.log" 2>&1 &
  tx=$!
  PIDS+=("$tx")
}

# wait_line NAME PATTERN COUNT PID [FROM-LINE]: COUNT lines matching
# PATTERN in logs/NAME.log (from FROM-LINE on) before PID ends or
# TIMEOUT_S passes.
wait_line() {
  local n
  n=$(timeout "$TIMEOUT_S" grep -c -m "$3" -e "$2" \
    < <(tail -n +"${5:-1}" -f --pid="$4" "$logs/$1.log"))
  [ "${n:-0}" -ge "$3" ]
}
# next_line NAME: the line number after the end of logs/NAME.log
next_line() { echo $(($(wc -l <"$logs/$1.log") + 1)); }

# stop PID...: SIGINT lets gst-launch go to NULL (the signaller leaves
# the room); whatever is still alive after 5 s is killed.
stop() {
  local pid i
  kill -INT "$@" 2>/dev/null
  for pid in "$@"; do
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}

# expect_error NAME PID PATTERN: gst-launch exited non-zero within
# TIMEOUT_S with an ERROR, its log matching PATTERN.
expect_error() {
  local status
  timeout "$TIMEOUT_S" tail -f --pid="$2" /dev/null
  if kill -0 "$2" 2>/dev/null; then
    # it did not exit: its threads' stacks say where it waits
    if command -v gdb >/dev/null; then
      gdb -batch -p "$2" -ex "thread apply all bt" >>"$logs/$1.log" 2>&1
    fi
    stop "$2"
    return 1
  fi
  wait "$2"
  status=$?
  [ "$status" -ne 0 ] && grep -q "^ERROR" "$logs/$1.log" &&
    grep -q -e "$3" "$logs/$1.log"
}

report() { # number, description, status, log names...
  local n=$1 what=$2 status=$3 log
  shift 3
  if [ "$status" -eq 0 ]; then
    echo "ok $n - $what"
  else
    echo "not ok $n - $what"
    for log in "$@"; do
      tail -80 "$logs/$log.log" 2>/dev/null | sed "s/^/# $log: /"
    done
  fi
}

# run_pair ORDER NAME URI [ARGS...]: TRUE if the receiver gets WANTED
# buffers; the pair is stopped after.
run_pair() {
  local order=$1 name=$2 uri=$3 ok
  shift 3
  if [ "$order" = sender-first ]; then
    start_tx "tx-$name" "$uri" "$@"
    wait_line serve "join room=${uri##*/} " 1 "$srv"
    start_rx "rx-$name" "$uri" "$@"
  else
    start_rx "rx-$name" "$uri" "$@"
    wait_line serve "join room=${uri##*/} " 1 "$srv"
    start_tx "tx-$name" "$uri" "$@"
  fi
  wait_line "rx-$name" "$CHAIN" "$WANTED" "$rx"
  ok=$?
  stop "$rx" "$tx"
  return $ok
}

echo "1..10"

if ! serve serve; then
  for i in $(seq 10); do echo "not ok $i - gst-ice serve did not start"; done
  tail -5 "$logs/serve.log" | sed 's/^/# /'
  report 10 "the receiver restarted mid-call: media again" $status_10 \
  rx-10a rx-10b tx-10 serve
exit 0
fi
main_port=$port
ws="ws://127.0.0.1:$port"

run_pair sender-first 1 "$ws/one"
report 1 "ws signaller, sender first" $? rx-1 tx-1 serve
run_pair receiver-first 2 "$ws/two"
report 2 "ws signaller, receiver first" $? rx-2 tx-2 serve

# 3: rooms a and b at once; b's sender sends longer buffers
ok=1
start_rx rx-3a "$ws/room-a"
rxa=$rx
start_rx rx-3b "$ws/room-b"
rxb=$rx
start_tx tx-3a "$ws/room-a"
txa=$tx
SAMPLES=300 start_tx tx-3b "$ws/room-b"
txb=$tx
if wait_line rx-3a "$CHAIN" "$WANTED" "$rxa" &&
  wait_line rx-3b "$CHAIN" "$WANTED" "$rxb"; then
  # 200 mono 16-bit samples: 400 bytes a buffer (one packet), 300: 600
  a=$(grep "$CHAIN" "$logs/rx-3a.log" | grep -vc "(400 bytes")
  b=$(grep "$CHAIN" "$logs/rx-3b.log" | grep -vc "(600 bytes")
  echo "# foreign buffers: room-a $a, room-b $b"
  [ "$a" = 0 ] && [ "$b" = 0 ] && ok=0
fi
stop "$rxa" "$rxb" "$txa" "$txb"
report 3 "two rooms at once never cross" $ok rx-3a rx-3b serve

# 4: the sender dies mid-call, a new one takes its place
ok=1
start_rx rx-4 "$ws/restart"
rx4=$rx
start_tx tx-4a "$ws/restart"
if wait_line rx-4 "$CHAIN" "$WANTED" "$rx4"; then
  from_srv=$(next_line serve)
  kill -KILL "$tx"
  wait "$tx" 2>/dev/null
  # gone from the room: no buffer of it can come after this
  if wait_line serve "leave room=restart " 1 "$srv" "$from_srv"; then
    from=$(next_line rx-4)
    start_tx tx-4b "$ws/restart"
    wait_line rx-4 "$CHAIN" "$WANTED" "$rx4" "$from" && ok=0
    stop "$tx"
  fi
else
  stop "$tx"
fi
stop "$rx4"
report 4 "the sender restarted mid-call: media again" $ok rx-4 tx-4a tx-4b serve

# 10 (run here): the receiver dies mid-call, a new one takes its place; the
# sender, still running, restarts toward it
ok=1
start_tx tx-10 "$ws/restart-rx"
tx10=$tx
start_rx rx-10a "$ws/restart-rx"
if wait_line rx-10a "$CHAIN" "$WANTED" "$rx"; then
  from_srv=$(next_line serve)
  kill -KILL "$rx"
  wait "$rx" 2>/dev/null
  if wait_line serve "leave room=restart-rx " 1 "$srv" "$from_srv"; then
    start_rx rx-10b "$ws/restart-rx"
    wait_line rx-10b "$CHAIN" "$WANTED" "$rx" && ok=0
    stop "$rx"
  fi
else
  stop "$rx"
fi
stop "$tx10"
status_10=$ok

# 5: a third peer is refused; the pair goes on
ok=1
start_rx rx-5 "$ws/three"
rx5=$rx
start_tx tx-5 "$ws/three"
tx5=$tx
if wait_line rx-5 "$CHAIN" "$WANTED" "$rx5"; then
  start_rx third-5 "$ws/three"
  if expect_error third-5 "$rx" "room-full"; then
    grep "^ERROR\|room-full" "$logs/third-5.log" | head -3 | sed 's/^/# /'
    from=$(next_line rx-5)
    wait_line rx-5 "$CHAIN" "$WANTED" "$rx5" "$from" && ok=0
  fi
fi
stop "$rx5" "$tx5"
report 5 "a third peer is refused with room-full, the pair goes on" $ok \
  rx-5 third-5 serve

# 6: the token
ok=1
main_srv=$srv
if serve serve-token --token s3cret; then
  tsrv=$srv
  start_rx rx-6 "ws://127.0.0.1:$port/tok?token=s3cret"
  rx6=$rx
  start_tx tx-6 "ws://127.0.0.1:$port/tok" signaller-token=s3cret
  tx6=$tx
  if wait_line rx-6 "$CHAIN" "$WANTED" "$rx6"; then
    start_rx bad-6 "ws://127.0.0.1:$port/tok" signaller-token=wrong
    expect_error bad-6 "$rx" "bad-token" && ok=0
  fi
  stop "$rx6" "$tx6" "$tsrv"
fi
srv=$main_srv port=$main_port
report 6 "the right token pairs, a wrong one is refused" $ok rx-6 bad-6 \
  serve-token

# 7: the server goes away after pairing, and comes back on its port
ok=1
start_rx rx-7 "$ws/outage"
rx7=$rx
start_tx tx-7 "$ws/outage"
tx7=$tx
if wait_line rx-7 "$CHAIN" "$WANTED" "$rx7"; then
  kill -KILL "$srv"
  wait "$srv" 2>/dev/null
  from=$(next_line rx-7)
  if wait_line rx-7 "WARNING.*Signalling server unreachable" 1 "$rx7" &&
    wait_line rx-7 "$CHAIN" $((WANTED * 2)) "$rx7" "$from"; then
    echo "# media flowed with the server gone"
    if serve serve-again --listen "127.0.0.1:$port" &&
      wait_line serve-again "pair room=outage " 1 "$srv"; then
      from=$(next_line rx-7)
      wait_line rx-7 "$CHAIN" "$WANTED" "$rx7" "$from" &&
        [ "$(grep -c "WARNING.*Signalling" "$logs/rx-7.log")" = 1 ] && ok=0
    fi
  fi
fi
stop "$rx7" "$tx7"
report 7 "the server killed after pairing: media goes on, they rejoin" $ok \
  rx-7 tx-7 serve-again

# 8: no server when the peers start
ok=1
kill -KILL "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
start_rx rx-8 "$ws/late"
rx8=$rx
start_tx tx-8 "$ws/late"
tx8=$tx
if wait_line rx-8 "WARNING.*Signalling server unreachable" 1 "$rx8" &&
  serve serve-late --listen "127.0.0.1:$port"; then
  wait_line rx-8 "$CHAIN" "$WANTED" "$rx8" && ok=0
fi
stop "$rx8" "$tx8"
report 8 "a server that comes up late: warned, retried, paired" $ok rx-8 \
  tx-8 serve-late
kill -KILL "$srv" 2>/dev/null

# 9: wss:// with a self-signed certificate for 127.0.0.1
ok=1
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$logs/key.pem" \
  -out "$logs/cert.pem" >"$logs/openssl.log" 2>&1 &&
  serve serve-tls --tls-cert "$logs/cert.pem" --tls-key "$logs/key.pem"; then
  wss="wss://127.0.0.1:$port/tls"
  start_rx rx-9 "$wss" signaller-ca-file="$logs/cert.pem"
  rx9=$rx
  start_tx tx-9 "$wss" signaller-ca-file="$logs/cert.pem"
  tx9=$tx
  if wait_line rx-9 "$CHAIN" "$WANTED" "$rx9"; then
    start_rx untrusted-9 "wss://127.0.0.1:$port/other"
    expect_error untrusted-9 "$rx" "Signalling failed" && ok=0
  fi
  stop "$rx9" "$tx9"
fi
report 9 "wss:// with a test CA; an untrusted certificate is an error" $ok \
  openssl rx-9 untrusted-9 serve-tls
report 10 "the receiver restarted mid-call: media again" $status_10 \
  rx-10a rx-10b tx-10 serve
exit 0
