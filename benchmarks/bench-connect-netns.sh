#!/usr/bin/env bash
# gst-ice benchmarks
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Connect time through real Linux NATs (issue 10's netns cells), gst-ice
# against libnice in the same run.  Root only, like tests/netns: it builds
# the bed of tests/netns/lib.sh (docs/testing-netns.md) and runs ONE side
# of each connection per namespace with bench-connect-peer: the
# controlling side in ha (behind ra), the controlled side in hb (behind
# rb), talking through two FIFOs in the bed's temp dir.  The figure is the
# controlling side's time from "both have each other's complete
# description" to "both have a selected pair and a usable state"
# (bench-connect-peer.c); gathering is NOT included.
#
# Cells (coturn in pub on 203.0.113.1:3478, in TURN mode for all cells, so
# that it answers STUN too):
#   eim-stun  ra eim, rb eim; both sides get the STUN server only;
#             the selected pair must join the two NAT mappings (remote
#             address on the other router's WAN, no relay)
#   eim-turn  the same NATs, both sides get the STUN and the TURN server:
#             still no relay allowed in the selected pair
#   sym-turn  ra eim, rb symmetric (--random-fully); STUN and TURN on both:
#             the selected pair must have a relayed end
# Pairings, interleaved in every round: controlling:controlled in
# ice:nice nice:ice ice:ice nice:nice.
#
# Usage: sudo benchmarks/bench-connect-netns.sh [BUILD_DIR]   (default build)
# Environment: ROUNDS (7) rounds per cell; CELLS ("eim-stun eim-turn
#   sym-turn"); NOMINATION (regular, or aggressive: both implementations);
#   KEEP=FILE keeps the raw RESULT lines; LOGS=DIR keeps every
#   connection's logs (run with NICE_DEBUG=all G_MESSAGES_DEBUG=all for
#   both implementations' traces).
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$SRC_DIR/build}")
ROUNDS=${ROUNDS:-7}
CELLS=${CELLS:-eim-stun eim-turn sym-turn}
NOMINATION=${NOMINATION:-regular}
PAIRINGS="ice:nice nice:ice ice:ice nice:nice"
PEER="$BUILD_DIR/benchmarks/bench-connect-peer"

# shellcheck source-path=SCRIPTDIR source=../tests/netns/lib.sh
source "$SRC_DIR/tests/netns/lib.sh"

require_netns
command -v turnserver >/dev/null || skip "turnserver (coturn) is not installed"
[ -x "$PEER" ] || skip "$PEER is not built (meson compile -C $BUILD_DIR)"

# pair_ok CELL PAIR: the selected pair is the one the cell must select;
# PAIR is LOCAL/REMOTE, each TYPE:ADDRESS:PORT, as seen by one side.
pair_ok () {
  case $1 in
    eim-*)
      case $2 in
        *relay:*) return 1 ;;
        */srflx:203.0.113.1[12]:* | */prflx:203.0.113.1[12]:*) return 0 ;;
        *) return 1 ;;
      esac
      ;;
    sym-turn) [[ $2 == *relay:* ]] ;;
  esac
}

# connect_once CELL ROUND CONTROLLING CONTROLLED: one connection; appends
# its RESULT line (with cell, pairing and whether the pair is right) or a
# FAIL line to $RAW.
connect_once () {
  local cell=$1 round=$2 ctl=$3 ctd=$4 dir args=() pid line pair peer_pair

  dir="$BED_TMP/$cell-$round-$ctl-$ctd"
  mkdir "$dir"
  mkfifo "$dir/a2b" "$dir/b2a"
  args=(--stun "$PUB_IP:$STUN_PORT" --nomination "$NOMINATION" --timeout 20)
  [ "$cell" = eim-stun ] ||
    args+=(--turn "turn://$TURN_USER:$TURN_PASS@$PUB_IP:$STUN_PORT")
  # fresh NAT state for every connection: no mapping left from the last one
  in_ns ra conntrack -F >/dev/null 2>&1 || true
  in_ns rb conntrack -F >/dev/null 2>&1 || true
  in_ns hb "$PEER" --role controlled --impl "$ctd" "${args[@]}" \
    --in "$dir/a2b" --out "$dir/b2a" >"$dir/controlled.log" 2>&1 &
  pid=$!
  in_ns ha "$PEER" --role controlling --impl "$ctl" "${args[@]}" \
    --in "$dir/b2a" --out "$dir/a2b" >"$dir/controlling.log" 2>&1 || true
  wait "$pid" || true
  line=$(grep '^RESULT' "$dir/controlling.log" || true)
  if [ -z "$line" ]; then
    echo "FAIL cell=$cell ctl=$ctl ctd=$ctd round=$round" >>"$RAW"
    sed 's/^/#   /' "$dir/controlling.log" "$dir/controlled.log" | tail -n 6
    return
  fi
  pair=$(sed -n 's/.* pair=\([^ ]*\).*/\1/p' <<<"$line")
  peer_pair=$(sed -n 's/.* peer_pair=\([^ ]*\).*/\1/p' <<<"$line")
  if pair_ok "$cell" "$pair" && pair_ok "$cell" "$peer_pair"; then
    line="$line right=1"
  else
    line="$line right=0"
  fi
  echo "$line cell=$cell ctl=$ctl ctd=$ctd round=$round" >>"$RAW"
  echo "# $cell $ctl:$ctd round $round: ${line#RESULT }"
}

# Medians per cell and pairing, and gst-ice controlling / libnice
# controlling, as a Markdown table (pairs that are not right are counted
# apart and left out of the figures).
summarize () {
  awk -v cells="$CELLS" -v pairings="$PAIRINGS" '
    function med(list,    n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
          t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
        }
      lo[list] = a[1]; hi[list] = a[n]
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function field(name,    i) {
      for (i = 1; i <= NF; i++)
        if (index($i, name "=") == 1)
          return substr($i, length(name) + 2)
      return ""
    }
    {
      k = field("cell") SUBSEP field("ctl") ":" field("ctd")
      runs[k]++
    }
    /^RESULT/ && field("right") == 1 {
      ok[k]++; ms[k] = ms[k] " " field("ms")
      pairs[k] = field("pair")
    }
    /^RESULT/ && field("right") == 0 { wrong[k]++ }
    END {
      nc = split(cells, c, " "); np = split(pairings, p, " ")
      print "| cell | controlling:controlled | median ms | range | ok/runs " \
        "| wrong pair | a selected pair (controlling side) |"
      print "|---|---|---|---|---|---|---|"
      for (i = 1; i <= nc; i++)
        for (j = 1; j <= np; j++) {
          k = c[i] SUBSEP p[j]
          m[k] = ok[k] ? med(ms[k]) : ""
          printf "| %s | %s | %s | %s | %d/%d | %d | %s |\n", c[i], p[j],
            m[k] == "" ? "n/a" : sprintf("%.1f", m[k]),
            m[k] == "" ? "" : lo[ms[k]] "-" hi[ms[k]], ok[k], runs[k],
            wrong[k], pairs[k]
        }
      print ""
      for (i = 1; i <= nc; i++) {
        a = m[c[i] SUBSEP "ice:nice"]; b = m[c[i] SUBSEP "nice:ice"]
        printf "RATIO cell=%s ice_controls_nice/nice_controls_ice=%s\n", c[i],
          (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2fx", a / b)
      }
    }' "$RAW"
}

bed_create eim eim
RAW=${KEEP:-$BED_TMP/raw.txt}
: >"$RAW"
stun_server_start turn
echo "# machine: nproc $(nproc), kernel $(uname -r), $(date -u '+%F %H:%M UTC')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for cell in $CELLS; do
  case $cell in
    eim-stun | eim-turn) bed_nat rb eim ;;
    sym-turn) bed_nat rb symmetric ;;
    *) fail "unknown cell '$cell'" ;;
  esac
  for round in $(seq "$ROUNDS"); do
    for pairing in $PAIRINGS; do
      connect_once "$cell" "$round" "${pairing%:*}" "${pairing#*:}"
    done
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $ROUNDS rounds, nomination $NOMINATION; ms = controlling side's" \
  "clock from both descriptions known to both selected; raw: $RAW"
echo
summarize
if [ -n "${LOGS:-}" ]; then
  mkdir -p "$LOGS"
  cp -r "$BED_TMP"/. "$LOGS"/
  echo "# logs in $LOGS"
fi
