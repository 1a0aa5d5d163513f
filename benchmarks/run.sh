#!/bin/bash
# gst-ice benchmarks driver (DESIGN §6): builds the benchmark programs, runs
# every case for udp, nice and ice in ONE run, and prints the figures and
# their ratios to udp (and to nice) measured in that same run.
#
# Usage: benchmarks/run.sh [BUILD_DIR]       (default: build-bench)
# Environment: REPS (5) repetitions of each throughput case, interleaved
#   across transports, median kept; DURATION (1.5) measured seconds per case;
#   CONNECT_RUNS (21) connections timed per connect case; KEEP=FILE keeps
#   the raw RESULT lines.
# All traffic stays on 127.0.0.1. The whole run takes about 3.5 minutes.
set -u

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$SRC_DIR/build-bench}")
REPS=${REPS:-5}
DURATION=${DURATION:-1.5}
CONNECT_RUNS=${CONNECT_RUNS:-21}
PACED_RATE=20000
OVERLOAD_S=3
RAW=${KEEP:-$(mktemp)}

die () { echo "run.sh: $*" >&2; exit 1; }

build () {
  [ -f "$BUILD_DIR/build.ninja" ] || meson setup "$BUILD_DIR" "$SRC_DIR" \
    > /dev/null || die "meson setup failed"
  local targets="benchmarks/bench-throughput" t
  # The ice targets exist only once their sources are in the build.
  for t in benchmarks/bench-connect gst/libgstice.so; do
    ninja -C "$BUILD_DIR" -t query "$t" > /dev/null 2>&1 \
      && targets="$targets $t"
  done
  ninja -C "$BUILD_DIR" $targets > /dev/null || die "build failed"
}

# Runs one throughput case; a failure becomes a FAIL line, not an abort.
throughput () {
  local t=$1 mode=$2 list=$3
  shift 3
  timeout 60 "$BUILD_DIR/benchmarks/bench-throughput" -t "$t" -m "$mode" \
    -l "$list" -r "$PACED_RATE" "$@" 2> "$RAW.err" | grep '^RESULT' \
    >> "$RAW" \
    || { echo "FAIL transport=$t mode=$mode list=$list" >> "$RAW";
         sed 's/^/  /' "$RAW.err" | tail -n 3 >&2; }
}

run_all () {
  local rep t
  for rep in $(seq "$REPS"); do
    echo "round $rep/$REPS" >&2
    for t in $TRANSPORTS; do
      throughput "$t" unpaced 1 -d "$DURATION"
      throughput "$t" unpaced 32 -d "$DURATION"
      throughput "$t" paced 1 -d "$DURATION"
      throughput "$t" overload 1 -d "$OVERLOAD_S"
    done
  done
  echo "connect times" >&2
  for impl in $CONNECT_IMPLS; do
    for nom in regular aggressive; do
      timeout 120 "$BUILD_DIR/benchmarks/bench-connect" -i "$impl" \
        -n "$nom" -r "$CONNECT_RUNS" | grep '^RESULT' >> "$RAW" \
        || echo "FAIL impl=$impl nomination=$nom" >> "$RAW"
    done
  done
  # gst-ice nominates aggressively only toward peers without "ice2".
  if [ "$CONNECT_IMPLS" != nice ]; then
    timeout 120 "$BUILD_DIR/benchmarks/bench-connect" -i ice -n aggressive \
      --legacy-peer -r "$CONNECT_RUNS" | grep '^RESULT' >> "$RAW" \
      || echo "FAIL impl=ice-legacy nomination=aggressive" >> "$RAW"
  fi
}

build
export GST_PLUGIN_PATH="$BUILD_DIR/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
TRANSPORTS="udp nice"
CONNECT_IMPLS="nice"
if gst-inspect-1.0 icesrc > /dev/null 2>&1; then
  TRANSPORTS="udp nice ice"
fi
[ -x "$BUILD_DIR/benchmarks/bench-connect" ] && CONNECT_IMPLS="ice nice"

echo "machine: nproc $(nproc), kernel $(uname -r), $(date -u '+%F %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$RAW"
run_all
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cases: $REPS rounds x ${DURATION}s (paced $PACED_RATE pkt/s), overload" \
  "${OVERLOAD_S}s, $CONNECT_RUNS connects per case; medians; raw: $RAW"
echo

awk -f "$SRC_DIR/benchmarks/table.awk" "$RAW"
[ -n "${KEEP:-}" ] || rm -f "$RAW" "$RAW.err"
