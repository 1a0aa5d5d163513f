# shellcheck shell=bash disable=SC2034
# (SC2034: the variables set here are read by the tests that source it)
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A test bed of real Linux NATs in network namespaces (docs/testing-netns.md).
# Sourced by the tests in this folder, which call bed_create and then run
# programs in the namespaces with in_ns / spawn_in.  Everything the bed makes
# carries the prefix gi<PID>- so that parallel runs and leftovers never
# clash, and bed_teardown (installed as the EXIT trap) removes it all.
#
#   public "internet" 203.0.113.0/24: bridge in namespace pub, with the STUN
#   server on 203.0.113.1 and .2 (RFC 5780 needs two addresses)
#   ra: NAT, WAN 203.0.113.11, LAN 10.0.1.1  -- ha 10.0.1.2
#   rb: NAT, WAN 203.0.113.12, LAN 10.0.2.1  -- hb 10.0.2.2
#   hd: a host straight on the public net, 203.0.113.30, no NAT

NETNS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NETNS_PREFIX="gi$$-"
PUB_IP=203.0.113.1
PUB_ALT_IP=203.0.113.2
STUN_PORT=3478
TURN_USER=gst
TURN_PASS=ice
TURN_REALM=gst-ice.test
declare -A WAN_IP=([ra]=203.0.113.11 [rb]=203.0.113.12)
declare -A HOST_IP=([ha]=10.0.1.2 [hb]=10.0.2.2 [hd]=203.0.113.30)
declare -A ROUTER_OF=([ha]=ra [hb]=rb)
PYTHON=${PYTHON:-python3}

BED_NAMESPACES=()
BED_PIDS=()
BED_TMP=
declare -A PEER_IN PEER_OUT

log () {
  echo "# $*"
}

fail () {
  echo "FAIL: $*"
  exit 1
}

# Exit 77 (meson: skipped) with a reason.
skip () {
  echo "SKIP: $*"
  exit 77
}

# Skips unless this process may build namespaces and NAT rules.
require_netns () {
  local tool

  [ "$(id -u)" = 0 ] || skip "needs root for ip netns and iptables"
  for tool in ip iptables conntrack sysctl; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
  done
  ip netns list >/dev/null 2>&1 || skip "ip netns is not available"
  # uid 0 in a container may still lack CAP_NET_ADMIN or nf_tables: try
  # what the bed needs in a namespace of its own before building it
  if ! ip netns add "${NETNS_PREFIX}check" 2>/dev/null; then
    skip "cannot create a network namespace"
  fi
  if ! ip -n "${NETNS_PREFIX}check" link add name probe0 type veth \
    peer name probe1 2>/dev/null ||
    ! ip netns exec "${NETNS_PREFIX}check" iptables -t nat -L -n \
      >/dev/null 2>&1; then
    ip netns del "${NETNS_PREFIX}check"
    skip "veth or iptables NAT does not work in a network namespace"
  fi
  ip netns del "${NETNS_PREFIX}check"
}

ns () {
  echo "${NETNS_PREFIX}$1"
}

# in_ns NAME CMD...: runs CMD in the bed's namespace NAME.
in_ns () {
  local name=$1
  shift
  ip netns exec "$(ns "$name")" "$@"
}

# spawn_in NAME LOG CMD...: starts CMD in namespace NAME in the background,
# output to LOG; its PID is in $SPAWNED and is stopped by bed_teardown.
spawn_in () {
  local name=$1 logfile=$2
  shift 2
  ip netns exec "$(ns "$name")" "$@" >"$logfile" 2>&1 &
  SPAWNED=$!
  BED_PIDS+=("$SPAWNED")
}

# wait_for SECONDS WHAT CMD...: polls CMD every 50 ms until it succeeds;
# fails the test with WHAT after SECONDS.
wait_for () {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s%N) + seconds * 1000000000))
  until "$@"; do
    if [ "$(date +%s%N)" -ge "$deadline" ]; then
      fail "timed out after ${seconds}s waiting for $what"
    fi
    sleep 0.05
  done
}

# udp_port_bound NAME IP PORT: true when a UDP socket in NAME is bound to it.
udp_port_bound () {
  in_ns "$1" ss -Hnlu "src $2:$3" 2>/dev/null | grep -q .
}

stop_pid () {
  local pid=$1 _

  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Stops what the bed started, deletes its namespaces and temp dir.  Safe to
# call twice and from the EXIT trap after a failure half-way through.
bed_teardown () {
  local pid name

  for pid in "${BED_PIDS[@]}"; do
    stop_pid "$pid"
  done
  BED_PIDS=()
  for name in "${BED_NAMESPACES[@]}"; do
    # anything still running inside is ours (started in our namespace)
    for pid in $(ip netns pids "$name" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$name" 2>/dev/null || true
  done
  BED_NAMESPACES=()
  if [ -n "$BED_TMP" ] && [ -d "$BED_TMP" ]; then
    if [ -n "${NETNS_KEEP_LOGS:-}" ]; then
      log "logs kept in $BED_TMP"
    else
      rm -rf "$BED_TMP"
    fi
  fi
  BED_TMP=
}

# Prints the tail of each log in the temp dir (for a failing test).
bed_dump_logs () {
  local f

  for f in "$BED_TMP"/*.log; do
    [ -f "$f" ] || continue
    echo "# --- $(basename "$f")"
    tail -n "${1:-20}" "$f" | sed 's/^/#   /'
  done
}

bed_on_exit () {
  local status=$?

  if [ "$status" != 0 ] && [ "$status" != 77 ]; then
    bed_dump_logs 25
  fi
  bed_teardown
  exit "$status"
}

netns_add () {
  local name
  name=$(ns "$1")
  ip netns add "$name"
  BED_NAMESPACES+=("$name")
  in_ns "$1" ip link set lo up
  # IPv4 only: no link-local IPv6 path that would bypass the NATs
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
}

# veth A IFA B IFB: a cable between two of the bed's namespaces, made inside
# them (never in the namespace the test runs in).
veth () {
  ip -n "$(ns "$1")" link add name "$2" type veth peer name "$4" \
    netns "$(ns "$3")"
  ip -n "$(ns "$1")" link set "$2" up
  ip -n "$(ns "$3")" link set "$4" up
}

# The public net: a bridge every WAN is plugged into.  pub does not forward
# IP, so packets to private addresses die there, as on the internet; its
# default route goes into a NOARP veth (no dummy driver everywhere) whose
# other end has no address, so a server's sends to unroutable
# candidates vanish instead of failing with ENETUNREACH (test-beds.md).
bed_create_public () {
  netns_add pub
  in_ns pub sysctl -qw net.ipv4.ip_forward=0
  ip -n "$(ns pub)" link add name br0 type bridge
  ip -n "$(ns pub)" addr add "$PUB_IP/24" dev br0
  ip -n "$(ns pub)" addr add "$PUB_ALT_IP/24" dev br0
  ip -n "$(ns pub)" link set br0 up
  ip -n "$(ns pub)" link add name void type veth peer name void-end
  ip -n "$(ns pub)" link set void arp off up
  ip -n "$(ns pub)" link set void-end up
  ip -n "$(ns pub)" route add default dev void
}

# bed_create_router R LAN-PREFIX (e.g. ra 10.0.1): router R with its host.
bed_create_router () {
  local r=$1 lan=$2 h

  h="h${r#r}"
  netns_add "$r"
  netns_add "$h"
  veth pub "$r" "$r" wan
  ip -n "$(ns pub)" link set "$r" master br0
  ip -n "$(ns "$r")" addr add "${WAN_IP[$r]}/24" dev wan
  ip -n "$(ns "$r")" route add default via "$PUB_IP"
  veth "$r" lan "$h" eth0
  ip -n "$(ns "$r")" addr add "$lan.1/24" dev lan
  ip -n "$(ns "$h")" addr add "${HOST_IP[$h]}/24" dev eth0
  ip -n "$(ns "$h")" route add default via "$lan.1"
  in_ns "$r" sysctl -qw net.ipv4.ip_forward=1
}

bed_create_direct_host () {
  netns_add hd
  veth pub hd hd eth0
  ip -n "$(ns pub)" link set hd master br0
  ip -n "$(ns hd)" addr add "${HOST_IP[hd]}/24" dev eth0
  ip -n "$(ns hd)" route add default via "$PUB_IP"
}

# bed_nat R eim|symmetric: (re)configures router R's NAT.
#   eim: MASQUERADE keeps the source port when it can: endpoint-independent
#        mapping, address-and-port-dependent filtering (conntrack).
#   symmetric: --random-fully picks a new port per destination.
# Unsolicited packets from the WAN are dropped in INPUT and FORWARD (only
# ESTABLISHED,RELATED pass), so a stray inbound packet cannot create a
# conntrack entry that moves a later mapping (test-beds.md).
bed_nat () {
  local r=$1 mode=$2 random=() chain

  case $mode in
    eim) ;;
    symmetric) random=(--random-fully) ;;
    *) fail "bed_nat: mode is eim or symmetric, not '$mode'" ;;
  esac
  in_ns "$r" iptables -t nat -F
  in_ns "$r" iptables -F
  in_ns "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE "${random[@]}"
  for chain in INPUT FORWARD; do
    in_ns "$r" iptables -A "$chain" -i wan \
      -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    in_ns "$r" iptables -A "$chain" -i wan -j DROP
  done
  in_ns "$r" conntrack -F >/dev/null 2>&1 || true
}

# nat_dropped R: packets router R dropped as unsolicited so far.
nat_dropped () {
  in_ns "$1" iptables -L INPUT -v -n -x |
    awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
  in_ns "$1" iptables -L FORWARD -v -n -x |
    awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
}

nat_dropped_total () {
  nat_dropped "$1" | awk '{ n += $1 } END { print n + 0 }'
}

# Removes what earlier runs left when they were killed without running
# their trap (SIGKILL, a crash of the shell): namespaces gi<PID>-* and temp
# dirs /tmp/gst-ice-netns-<PID>.* whose PID no longer runs.  Namespaces of
# runs that are still alive are left alone.
bed_remove_stale () {
  local name owner pid dir

  for name in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
    [[ $name =~ ^gi([0-9]+)- ]] || continue
    owner=${BASH_REMATCH[1]}
    [ "$owner" != $$ ] || continue
    kill -0 "$owner" 2>/dev/null && continue
    log "removing namespace $name left by process $owner"
    for pid in $(ip netns pids "$name" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$name" 2>/dev/null || true
  done
  for dir in /tmp/gst-ice-netns-*.*; do
    [ -d "$dir" ] || continue
    owner=${dir#/tmp/gst-ice-netns-}
    owner=${owner%%.*}
    [[ $owner =~ ^[0-9]+$ ]] || continue
    [ "$owner" != $$ ] || continue
    kill -0 "$owner" 2>/dev/null || rm -rf "$dir"
  done
}

# bed_create [eim|symmetric] [eim|symmetric]: the whole topology, the NAT
# modes of ra and rb, and the EXIT trap that removes it.
bed_create () {
  trap bed_on_exit EXIT
  trap 'exit 130' INT TERM
  bed_remove_stale
  BED_TMP=$(mktemp -d "/tmp/gst-ice-netns-$$.XXXXXX")
  bed_create_public
  bed_create_router ra 10.0.1
  bed_create_router rb 10.0.2
  bed_create_direct_host
  bed_nat ra "${1:-eim}"
  bed_nat rb "${2:-eim}"
}

# stun_server_start plain|rfc5780|turn: coturn in pub, on 203.0.113.1:3478.
#   plain: a STUN server only;
#   rfc5780: STUN also on 203.0.113.2 and the alternate port 3479, so that
#     it answers CHANGE-REQUEST (RFC 5780 behaviour discovery);
#   turn: also a TURN server (long-term credentials TURN_USER:TURN_PASS,
#     realm TURN_REALM) relaying from 203.0.113.1.
# Waits until its ports are bound.
stun_server_start () {
  local args=(-n --listening-ip "$PUB_IP" --listening-port "$STUN_PORT"
    --no-cli --no-tls --no-dtls --no-stdout-log --simple-log
    --log-file "$BED_TMP/turnserver-file.log"
    --pidfile "$BED_TMP/turnserver.pid" --userdb "$BED_TMP/turndb")

  command -v turnserver >/dev/null || skip "turnserver (coturn) is not installed"
  case $1 in
    plain) args+=(--stun-only --no-rfc5780) ;;
    rfc5780)
      args+=(--stun-only --listening-ip "$PUB_ALT_IP"
        --alt-listening-port $((STUN_PORT + 1)))
      ;;
    turn)
      args+=(--no-rfc5780 --lt-cred-mech --user "$TURN_USER:$TURN_PASS"
        --realm "$TURN_REALM" --relay-ip "$PUB_IP" --fingerprint
        --min-port 49152 --max-port 49999)
      ;;
    *) fail "stun_server_start: plain, rfc5780 or turn, not '$1'" ;;
  esac
  spawn_in pub "$BED_TMP/turnserver.log" turnserver "${args[@]}"
  wait_for 10 "the STUN server on $PUB_IP:$STUN_PORT" \
    udp_port_bound pub "$PUB_IP" "$STUN_PORT"
  if [ "$1" = rfc5780 ]; then
    wait_for 10 "the STUN server on $PUB_ALT_IP:$((STUN_PORT + 1))" \
      udp_port_bound pub "$PUB_ALT_IP" $((STUN_PORT + 1))
  fi
}

# peer_start ID NAME [PORT]: a udp-peer.py socket in namespace NAME on its
# host address, driven through two FIFOs; sets PEER_ADDR to "IP:PORT".
peer_start () {
  local id=$1 name=$2 port=${3:-0} in out fd reply

  in="$BED_TMP/$id.in"
  out="$BED_TMP/$id.out"
  mkfifo "$in" "$out"
  ip netns exec "$(ns "$name")" "$PYTHON" "$NETNS_DIR/udp-peer.py" \
    "${HOST_IP[$name]}" "$port" <"$in" >"$out" 2>"$BED_TMP/$id.log" &
  BED_PIDS+=("$!")
  exec {fd}>"$in"
  PEER_IN[$id]=$fd
  exec {fd}<"$out"
  PEER_OUT[$id]=$fd
  read -r -t 10 -u "${PEER_OUT[$id]}" reply || fail "peer $id did not start"
  PEER_ADDR=${reply#bound }
}

# peer ID COMMAND...: one command to a peer; its reply line in $REPLY.
peer () {
  local id=$1
  shift
  echo "$*" >&"${PEER_IN[$id]}"
  read -r -t 15 -u "${PEER_OUT[$id]}" REPLY ||
    fail "peer $id did not answer '$*'"
}

# mapped_address ID SERVER: sets MAPPED to the peer's address as SERVER
# sees it.
mapped_address () {
  peer "$1" stun "$2"
  case $REPLY in
    mapped\ *) MAPPED=${REPLY#mapped } ;;
    *) fail "no STUN answer from $2 to peer $1: $REPLY" ;;
  esac
}
