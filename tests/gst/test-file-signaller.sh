#!/usr/bin/env bash
# gst-launch-1.0 processes meet through the file:// signaller and carry RTP
# audio (DESIGN §4, docs/signalling-file.md):
#  1, 2: started in both orders, in a room that holds a leftover file with
#        an mtime in the future (an old rule picked "the freshest" file)
#        and, for the second run, whatever the first run left;
#  3:    the exact commands of the docs, without bind-address, in a network
#        namespace that has only loopback (the elements must fall back to
#        it); skipped when namespaces are not available (not root);
#  4:    a room the signaller creates is 0700, the files in it 0600;
#  5:    both peers' wall clocks run an hour ahead of the disk's (their
#        files' mtimes look an hour old), the files are touched into the
#        past too: content decides, they still meet;
#  6:    a third peer in the room is told the room is busy and waits; the
#        pair's media keeps flowing;
#  7:    a read-only room (a bind mount in a private mount namespace) fails
#        the element's start: an ERROR, gst-launch exits non-zero, promptly;
#  8:    a room removed under a running peer: an ERROR on the bus while
#        PLAYING, gst-launch exits non-zero, promptly;
#  9:    the room I/O of a pair runs on the gst-ice-signal thread, never on
#        the gst-ice packet thread (the GST_DEBUG log names the thread).
# Receivers' fakesinks print a line per buffer; we wait for enough. Every
# wait is bounded and waits on an event (a log line, a file, an exit).
# TAP output. Traffic stays on loopback.
set -u
export CAPS="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
export WANTED=20 TIMEOUT_S=30
room=$(mktemp -d /tmp/gst-ice-room.XXXXXX)
logs=$(mktemp -d /tmp/gst-ice-logs.XXXXXX)
export room logs
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$room" "$logs"
}
trap cleanup EXIT
export CHAIN="fakesink0: last-message = chain"

# start_rx NAME ROOM [ARGS...] / start_tx NAME ROOM [ARGS...]: a receiver
# or sender in the background; its PID in $rx / $tx, its log logs/NAME.log.
start_rx() {
  local name=$1 dir=$2
  shift 2
  : >"$logs/$name.log" # before wait_line's tail opens it
  gst-launch-1.0 -m icesrc signaller="file://$dir" "$@" caps="$CAPS" \
    ! rtpL16depay ! fakesink silent=false -v >"$logs/$name.log" 2>&1 &
  rx=$!
  PIDS+=("$rx")
}
start_tx() {
  local name=$1 dir=$2
  shift 2
  : >"$logs/$name.log" # before wait_line's tail opens it
  gst-launch-1.0 -m audiotestsrc is-live=true ! rtpL16pay \
    ! icesink signaller="file://$dir" "$@" >"$logs/$name.log" 2>&1 &
  tx=$!
  PIDS+=("$tx")
}
export -f start_rx start_tx

# wait_line NAME PATTERN COUNT PID [FROM-LINE]: COUNT lines matching
# PATTERN in logs/NAME.log (from FROM-LINE on) before PID ends or
# TIMEOUT_S passes.
wait_line() {
  local n
  n=$(timeout "$TIMEOUT_S" grep -c -m "$3" -e "$2" \
    < <(tail -n +"${5:-1}" -f --pid="$4" "$logs/$1.log"))
  [ "${n:-0}" -ge "$3" ]
}
export -f wait_line

# stop PID...: SIGINT lets gst-launch go to NULL (the element removes its
# room file); whatever is still alive after 5 s is killed.
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
export -f stop

# run_pair ORDER NAME ROOM [ARGS...]: sender and receiver in ORDER; TRUE if
# the receiver gets WANTED buffers.
run_pair() {
  local order=$1 name=$2 dir=$3 ok
  shift 3
  if [ "$order" = sender-first ]; then
    start_tx "tx-$name" "$dir" "$@"; start_rx "rx-$name" "$dir" "$@"
  else
    start_rx "rx-$name" "$dir" "$@"; start_tx "tx-$name" "$dir" "$@"
  fi
  wait_line "rx-$name" "$CHAIN" "$WANTED" "$rx"
  ok=$?
  stop "$rx" "$tx"
  return $ok
}
export -f run_pair

report() { # number, description, status, log names...
  local n=$1 what=$2 status=$3 log
  shift 3
  if [ "$status" -eq 0 ]; then
    echo "ok $n - $what"
  else
    echo "not ok $n - $what"
    for log in "$@"; do
      tail -15 "$logs/$log.log" 2>/dev/null | sed "s/^/# $log: /"
    done
  fi
}

# wait_for SECONDS COMMAND...: polls a condition on the filesystem (no
# event to wait on for a file's appearance from bash), bounded.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
remove_dir() { rm -rf "$1" 2>/dev/null; [ ! -e "$1" ]; }
has_files() { # DIR N: at least N room files in DIR
  local files=("$1"/*.ice)
  [ -e "${files[0]}" ] && [ "${#files[@]}" -ge "$2" ]
}

echo "1..9"

# A file left behind by a peer that died: content from an old session
# (never changes), an mtime in the future. Both runs must ignore it.
printf 'a=mid:0\r\na=ice-ufrag:STALE\r\na=ice-pwd:stalestalestalestalestale\r\n%s\r\n' \
  'a=candidate:1 1 UDP 2130706431 127.0.0.1 9 typ host' >"$room/STALE.ice"
touch -d '+1 hour' "$room/STALE.ice"

run_pair sender-first 1 "$room" bind-address=127.0.0.1
report 1 "file signaller, sender first, leftover file ignored" $? rx-1 tx-1
run_pair receiver-first 2 "$room" bind-address=127.0.0.1
report 2 "file signaller, receiver first" $? rx-2 tx-2

if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
  rm -rf "${room:?}"/*
  unshare -n bash -c 'ip link set lo up &&
    run_pair receiver-first 3 "$room"'
  report 3 "file signaller, default gathering on a loopback-only host" $? \
    rx-3 tx-3
else
  echo "ok 3 # SKIP network namespaces need root"
fi

# 4: modes of a room the signaller creates
fresh="$room/new/sub"
start_rx rx-4 "$fresh" bind-address=127.0.0.1
start_tx tx-4 "$fresh" bind-address=127.0.0.1
ok=1
if wait_line rx-4 "$CHAIN" "$WANTED" "$rx"; then
  modes=$(stat -c '%a %n' "$room/new" "$fresh" "$fresh"/*.ice)
  echo "$modes" | sed 's/^/# /'
  [ "$(echo "$modes" | grep -c '^700 ')" = 2 ] &&
    [ "$(echo "$modes" | grep -c '^600 .*\.ice$')" = 2 ] &&
    [ "$(echo "$modes" | wc -l)" = 4 ] && ok=0
fi
stop "$rx" "$tx"
report 4 "room created 0700, files 0600" $ok rx-4 tx-4

# 5: clock skew between the peers and the disk, and mtimes far off
skewed="$room/skew"
mkdir "$skewed"
(
  export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$GST_ICE_CLOCK_SKEW_LIB"
  export GST_ICE_TEST_CLOCK_SKEW_S=3600
  start_rx rx-5 "$skewed" bind-address=127.0.0.1
  wait_for 20 has_files "$skewed" 1 && touch -d '-2 hours' "$skewed"/*.ice
  start_tx tx-5 "$skewed" bind-address=127.0.0.1
  wait_line rx-5 "$CHAIN" "$WANTED" "$rx"
  ok=$?
  stop "$rx" "$tx"
  exit $ok
)
report 5 "peers with skewed clocks and odd mtimes still meet" $? rx-5 tx-5

# 6: a third peer waits and does not break the pair
three="$room/three"
mkdir "$three"
ok=1
start_rx rx-6 "$three" bind-address=127.0.0.1
start_tx tx-6 "$three" bind-address=127.0.0.1
if wait_line rx-6 "$CHAIN" "$WANTED" "$rx"; then
  pair_rx=$rx pair_tx=$tx
  start_rx third-6 "$three" bind-address=127.0.0.1
  third=$rx
  if wait_line third-6 "Signalling room busy" 1 "$third"; then
    from=$(($(wc -l <"$logs/rx-6.log") + 1))
    wait_line rx-6 "$CHAIN" "$WANTED" "$pair_rx" "$from" &&
      ! grep -q "$CHAIN" "$logs/third-6.log" && ok=0
  fi
  stop "$third" "$pair_rx" "$pair_tx"
else
  stop "$rx" "$tx"
fi
report 6 "a third peer waits, the pair's media keeps flowing" $ok \
  rx-6 tx-6 third-6

# expect_error NAME PID PATTERN: gst-launch posted an ERROR matching
# PATTERN and exited non-zero within TIMEOUT_S.
expect_error() {
  local status
  timeout "$TIMEOUT_S" tail -f --pid="$2" /dev/null
  if kill -0 "$2" 2>/dev/null; then
    stop "$2"
    return 1
  fi
  wait "$2"
  status=$?
  [ "$status" -ne 0 ] && grep -q -e "$3" "$logs/$1.log"
}

# 7: a read-only room, even for root: a read-only bind mount of it in a
# private mount namespace
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  ro="$room/ro"
  mkdir "$ro"
  unshare -m bash -c 'mount --bind "$1" "$1" &&
    mount -o remount,bind,ro "$1" &&
    exec gst-launch-1.0 icesrc signaller="file://$1" \
      bind-address=127.0.0.1 caps="$CAPS" ! fakesink' _ "$ro" \
    >"$logs/ro-7.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  # found at READY→PAUSED: the start fails
  expect_error ro-7 "$pid" "ERROR.*Could not start ICE stream" &&
    grep -q "cannot write to the signalling room.*Read-only" "$logs/ro-7.log"
  report 7 "a read-only room is an error on the bus" $? ro-7
else
  echo "ok 7 # SKIP mount namespaces need root"
fi

# 8: the room goes away under a running peer
gone="$room/gone"
start_rx gone-8 "$gone" bind-address=127.0.0.1
ok=1
# PLAYING first: gst-launch-1.0 loses an error posted while it prerolls
if wait_line gone-8 "New clock" 1 "$rx" && wait_for 20 has_files "$gone" 1; then
  # the peer may be rewriting its file (a temporary file, then a rename):
  # rm -rf then finds the directory not empty; remove until it is gone
  wait_for 20 remove_dir "$gone"
  expect_error gone-8 "$rx" "ERROR.*Signalling room unusable" && ok=0
else
  stop "$rx"
fi
report 8 "a room removed under us is an error on the bus" $ok gone-8

# 9: which thread does the room I/O
threads="$room/threads"
(
  export GST_DEBUG=icesignaller:5 GST_DEBUG_NO_COLOR=1
  start_rx rx-9 "$threads" bind-address=127.0.0.1
  start_tx tx-9 "$threads" bind-address=127.0.0.1
  wait_line rx-9 "$CHAIN" "$WANTED" "$rx"
  ok=$?
  stop "$rx" "$tx"
  exit $ok
)
ok=$?
io=$(cat "$logs/rx-9.log" "$logs/tx-9.log" | grep -E 'wrote .*\[thread ')
echo "$io" | grep -c . | sed 's/^/# room writes logged: /'
[ "$ok" -eq 0 ] && [ -n "$io" ] &&
  ! echo "$io" | grep -v '\[thread gst-ice-signal\]' | grep -q .
report 9 "room I/O runs on the gst-ice-signal thread only" $? rx-9 tx-9
