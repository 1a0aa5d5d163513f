#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the seed corpora of the stateful fuzz targets
# (tests/fuzz/corpus/turn/*.bin, tests/fuzz/corpus/session/*.bin): a setup
# byte, then records of op byte, 16-bit length and payload (fuzz-input.h).
# The targets sign "signed" records themselves, so the seeds need no key.
# The files are committed; run this again only to change them:
#   python3 tests/fuzz/make-corpus-records.py

import importlib.util
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "stun_corpus", os.path.join(HERE, "make-corpus.py"))
stun = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stun)

REQUEST, INDICATION, SUCCESS, ERROR = (stun.REQUEST, stun.INDICATION,
                                       stun.SUCCESS, stun.ERROR)


def op_byte(n_ops, kind, high=0):
    """The op byte that is @kind modulo @n_ops with @high in bits 4-7."""
    for b in range(high << 4, (high + 1) << 4):
        if b % n_ops == kind:
            return b
    raise ValueError("no op byte for kind %d high %d" % (kind, high))


def record(op, payload=b""):
    return struct.pack("!BH", op, len(payload)) + payload


def script(setup, records):
    return bytes([setup]) + b"".join(records)


# ---- fuzz-turn (fuzz-turn.c) ------------------------------------------------

TURN_OPS = 6
T_RAW, T_SIGNED, T_FINGERPRINT, T_CHANNEL, T_TIME, T_ACTION = range(6)
TCP, NO_CHANNEL, PENDING_PERMISSION = 0x01, 0x02, 0x04
PEER_A, PEER_B = ("192.0.2.1", 1000), ("192.0.2.2", 2000)


def t(kind, payload=b"", high=0):
    return record(op_byte(TURN_OPS, kind, high), payload)


def signed(method_class, attrs=(), latest=0):
    """A response to the client's request @latest requests back."""
    return t(T_SIGNED, stun.message(method_class, list(attrs)), latest)


def data_indication(peer, data):
    return t(T_FINGERPRINT, stun.message(INDICATION | stun.DATA, [
        stun.xaddr(0x0012, peer[0], peer[1]), stun.attribute(0x0013, data)]))


def channel_data(channel, data, lying_length=False):
    return t(T_CHANNEL, data, (channel - 0x4000) | (8 if lying_length else 0))


def next_timer():
    return t(T_TIME, b"", 8)


def action(kind, peer_index, data=b""):
    return t(T_ACTION, bytes([kind, peer_index]) + data)


def turn_seeds():
    lifetime = stun.u32(0x000D, 600)
    yield "udp-channel-data", script(0, [
        channel_data(0x4000, b"\x80\x60rtp payload"),
        channel_data(0x4001, b"unbound"),
        channel_data(0x4000, b"\xff\xfflong", lying_length=True)])
    yield "udp-data-indication", script(0, [
        data_indication(PEER_A, b"hello"), data_indication(PEER_B, b"no")])
    yield "permission-granted", script(PENDING_PERMISSION, [
        signed(SUCCESS | stun.CREATE_PERMISSION),
        data_indication(PEER_B, b"now allowed")])
    yield "permission-stale-nonce", script(PENDING_PERMISSION, [
        signed(ERROR | stun.CREATE_PERMISSION, [
            stun.error_code(438, "Stale Nonce"), stun.text(0x0014, "r"),
            stun.text(0x0015, "nonce-2")]),
        signed(ERROR | stun.CREATE_PERMISSION, [
            stun.error_code(403, "Forbidden")])])
    yield "refresh-cycle", script(NO_CHANNEL, [
        next_timer(), next_timer(), signed(SUCCESS | stun.REFRESH, [lifetime]),
        next_timer(), signed(ERROR | stun.REFRESH, [
            stun.error_code(437, "Allocation Mismatch")])])
    yield "refresh-timeout", script(NO_CHANNEL, [next_timer()] * 12)
    yield "bind-second-channel", script(0, [
        action(1, 1), signed(SUCCESS | stun.CHANNEL_BIND),
        channel_data(0x4001, b"second"), action(4, 1), action(3, 1, b"x")])
    yield "bind-ipv6-refused", script(NO_CHANNEL, [
        action(1, 2), signed(ERROR | stun.CHANNEL_BIND, [
            stun.error_code(400, "Bad Request")]), action(0, 2),
        signed(SUCCESS | stun.CREATE_PERMISSION)])
    yield "wrap-send-indication", script(NO_CHANNEL, [
        action(3, 0, b"media"), action(3, 2, b"v6 media"), action(4, 0)])
    yield "deallocate", script(0, [
        action(2, 0), signed(SUCCESS | stun.REFRESH, [stun.u32(0x000D, 0)]),
        channel_data(0x4000, b"late")])
    yield "unauthenticated-response", script(PENDING_PERMISSION, [
        t(T_FINGERPRINT, stun.message(SUCCESS | stun.CREATE_PERMISSION, [])),
        t(T_RAW, stun.message(SUCCESS | stun.BINDING, [
            stun.xaddr(0x0020, "203.0.113.4", 5000)]))])
    cd = struct.pack("!HH", 0x4000, 5) + b"tcp!!" + b"\0\0\0"
    ind = stun.add_fingerprint(stun.message(INDICATION | stun.DATA, [
        stun.xaddr(0x0012, PEER_A[0], PEER_A[1]),
        stun.attribute(0x0013, b"over tcp")]))
    stream = cd + ind + cd
    yield "tcp-stream", script(TCP, [
        t(T_RAW, stream[:7]), t(T_RAW, stream[7:30]), t(T_RAW, stream[30:]),
        channel_data(0x4000, b"pad me"), data_indication(PEER_A, b"framed")])
    yield "tcp-lost-framing", script(TCP, [
        t(T_RAW, b"\x80garbage"), channel_data(0x4000, b"after reset")])


# ---- fuzz-session (fuzz-session.c) ------------------------------------------

SESSION_OPS = 6
S_RAW, S_REQUEST, S_RESPONSE, S_TIME, S_ACTION, S_RELAYED = range(6)
CONTROLLED, AGGRESSIVE, NO_CONSENT, NO_REMOTE_CANDIDATE = 0x01, 0x02, 0x04, 0x08
TWO_COMPONENTS, END_OF_CANDIDATES, REMOTE_LITE = 0x10, 0x20, 0x40
RELAY = 0x80
# sources: the remote candidates of components 1 and 2, an unknown IPv4
# address (peer-reflexive), an IPv6 address (the TURN server with RELAY)
SRC_R1, SRC_R1_RTCP, SRC_PRFLX, SRC_V6 = range(4)
SRC_TURN = SRC_V6
RELAYED_1 = ("203.0.113.1", 50000)
LOCAL_1, LOCAL_2 = ("192.0.2.10", 5000), ("192.0.2.10", 5001)
RTP = b"\x80\x60\x00\x01" + bytes(8) + b"media"


def s_op(kind, payload=b"", high=0):
    return record(op_byte(SESSION_OPS, kind, high), payload)


def from_peer(kind, payload, source=SRC_R1, local=0, unknown_local=False):
    return s_op(kind, payload, source | (local << 2) | (unknown_local << 3))


def check(role_attr, n=1, use_candidate=False, priority=0x6e7fffff,
          tie_breaker=0x1122334455667788, ufrag="LOCL:RMTE"):
    attrs = [stun.text(0x0006, ufrag), stun.u32(0x0024, priority),
             stun.attribute(role_attr, struct.pack("!Q", tie_breaker))]
    if use_candidate:
        attrs.append(stun.attribute(0x0025, b""))
    return stun.message(REQUEST | stun.BINDING, attrs, n)


CONTROLLING_ATTR, CONTROLLED_ATTR = 0x802A, 0x8029


def success(mapped=LOCAL_1):
    return stun.message(SUCCESS | stun.BINDING,
                        [stun.xaddr(0x0020, mapped[0], mapped[1])])


def response(payload, latest=0, asymmetric=False):
    return s_op(S_RESPONSE, payload, latest | (8 if asymmetric else 0))


def s_next_timer():
    return s_op(S_TIME, b"", 8)


def s_wait(ms):
    return s_op(S_TIME, struct.pack("!H", ms))


def s_action(kind, arg=0, text=b""):
    return s_op(S_ACTION, bytes([kind, arg]) + text)


REMOTE_CANDIDATE = b"candidate:1 1 udp 2130706431 198.51.100.20 6000 typ host"
DESCRIPTION = (b"a=ice-ufrag:RMTE\r\na=ice-pwd:remotepasswordremotepasswd\r\n"
               b"a=ice-options:trickle ice2\r\n"
               b"a=candidate:1 1 UDP 2130706431 198.51.100.20 6000 typ host\r\n"
               b"a=candidate:2 1 UDP 1694498815 198.51.100.21 7000 typ srflx "
               b"raddr 10.0.0.1 rport 7000\r\na=end-of-candidates\r\n")


def through_relay(payload, sign=False, source=SRC_R1, channel=None, base=0):
    """A peer's datagram as the TURN server relays it: a Data indication,
    or ChannelData on 0x4000 + @channel."""
    high = source | (8 if channel is not None else 0)
    if channel is not None:
        high = channel | 8
    return s_op(S_RELAYED, bytes([(base << 1) | int(sign)]) + payload, high)


def relay_seeds():
    yield "relay-connect", script(RELAY, [
        s_wait(50), response(success(RELAYED_1)),
        through_relay(check(CONTROLLED_ATTR), sign=True),
        through_relay(RTP), s_wait(600), s_next_timer(),
        response(success(RELAYED_1)), s_next_timer(),
        response(stun.message(SUCCESS | stun.CHANNEL_BIND, [])),
        through_relay(RTP, channel=0), s_action(5, 0)])
    yield "relay-controlled", script(RELAY | CONTROLLED | NO_REMOTE_CANDIDATE, [
        through_relay(check(CONTROLLING_ATTR, use_candidate=True), sign=True,
                      source=SRC_PRFLX),
        s_next_timer(), response(stun.message(
            SUCCESS | stun.CREATE_PERMISSION, [])),
        s_next_timer(), response(success(RELAYED_1)),
        through_relay(RTP, source=SRC_PRFLX)])
    yield "relay-server-errors", script(RELAY | NO_CONSENT, [
        s_wait(60000), s_wait(60000), s_wait(60000), s_wait(60000),
        s_wait(60000), s_next_timer(),
        response(stun.message(ERROR | stun.REFRESH, [
            stun.error_code(438, "Stale Nonce"), stun.text(0x0014, "r"),
            stun.text(0x0015, "nonce-2")])),
        response(stun.message(ERROR | stun.REFRESH, [
            stun.error_code(437, "Allocation Mismatch")]))])
    yield "relay-raw", script(RELAY | TWO_COMPONENTS, [
        from_peer(S_RAW, stun.add_fingerprint(stun.message(
            INDICATION | stun.DATA, [
                stun.xaddr(0x0012, "198.51.100.20", 6000),
                stun.attribute(0x0013, RTP)])), SRC_TURN),
        from_peer(S_RAW, struct.pack("!HH", 0x4000, 4) + b"abcd", SRC_TURN),
        through_relay(RTP, base=1, source=SRC_R1_RTCP), s_action(2),
        s_next_timer()])


def session_seeds():
    yield from relay_seeds()
    yield "connect-controlling", script(0, [
        s_next_timer(), response(success()), s_wait(600), s_next_timer(),
        response(success()), from_peer(S_REQUEST, check(CONTROLLED_ATTR)),
        from_peer(S_RAW, RTP), s_next_timer(), s_next_timer()])
    yield "connect-controlled", script(CONTROLLED, [
        from_peer(S_REQUEST, check(CONTROLLING_ATTR, use_candidate=True)),
        s_next_timer(), response(success()), from_peer(S_RAW, RTP),
        s_action(5, 0)])
    yield "aggressive", script(AGGRESSIVE | END_OF_CANDIDATES, [
        s_next_timer(), response(success()), s_next_timer(),
        from_peer(S_RAW, RTP)])
    yield "peer-reflexive", script(NO_REMOTE_CANDIDATE | CONTROLLED, [
        from_peer(S_REQUEST, check(CONTROLLING_ATTR, use_candidate=True),
                  source=SRC_PRFLX),
        s_next_timer(), response(success()), from_peer(S_RAW, RTP, SRC_PRFLX)])
    yield "local-peer-reflexive", script(0, [
        s_next_timer(), response(success(("203.0.113.50", 40000))),
        s_next_timer()])
    yield "role-conflict", script(0, [
        from_peer(S_REQUEST, check(CONTROLLING_ATTR,
                                   tie_breaker=0xffffffffffffffff)),
        s_next_timer(), response(stun.message(ERROR | stun.BINDING, [
            stun.error_code(487, "Role Conflict")])), s_next_timer()])
    yield "asymmetric-and-errors", script(0, [
        s_next_timer(), response(success(), asymmetric=True),
        s_next_timer(), response(stun.message(ERROR | stun.BINDING, [
            stun.error_code(400, "Bad Request")])),
        from_peer(S_REQUEST, check(CONTROLLED_ATTR, ufrag="WRONG:RMTE")),
        from_peer(S_REQUEST, check(CONTROLLED_ATTR), unknown_local=True)])
    yield "two-components", script(TWO_COMPONENTS, [
        s_next_timer(), response(success()), s_next_timer(),
        response(success(LOCAL_2)),
        from_peer(S_REQUEST, check(CONTROLLED_ATTR), SRC_R1_RTCP, local=1),
        s_wait(600), s_next_timer(), response(success()),
        from_peer(S_RAW, RTP, SRC_R1_RTCP, local=1)])
    yield "trickle", script(NO_REMOTE_CANDIDATE, [
        s_action(0, 0, REMOTE_CANDIDATE), s_next_timer(),
        response(success()), s_action(1), s_wait(9000), s_next_timer()])
    yield "description", script(NO_REMOTE_CANDIDATE, [
        s_action(7, 0, DESCRIPTION), s_next_timer(), response(success()),
        s_next_timer()])
    yield "restart", script(0, [
        s_next_timer(), response(success()), s_action(2), s_action(3, 1),
        s_next_timer(), s_action(8), s_action(4, 1), s_next_timer()])
    yield "consent-lost", script(CONTROLLED, [
        from_peer(S_REQUEST, check(CONTROLLING_ATTR, use_candidate=True)),
        s_next_timer(), response(success()), s_wait(20000), s_wait(20000),
        s_next_timer(), s_action(5, 0)])
    yield "failure", script(END_OF_CANDIDATES | NO_CONSENT,
                            [s_next_timer()] * 14)
    yield "remote-lite", script(REMOTE_LITE, [
        s_action(6, 3), s_next_timer(), response(success()), s_next_timer()])
    yield "malformed", script(0, [
        from_peer(S_RAW, stun.message(REQUEST | stun.BINDING, [
            stun.text(0x0006, "LOCL:RMTE")])),
        from_peer(S_RAW, b"\x00\x01\x00\x04\x21\x12\xa4\x42" + bytes(16)),
        from_peer(S_RAW, stun.add_fingerprint(stun.message(
            INDICATION | stun.BINDING, []))),
        from_peer(S_RAW, RTP, SRC_V6),
        from_peer(S_REQUEST, check(CONTROLLED_ATTR), SRC_V6)])


# ---- main ---------------------------------------------------------------------

def write(name, seeds):
    out = os.path.join(HERE, "corpus", name)
    os.makedirs(out, exist_ok=True)
    n = 0
    for seed_name, data in seeds:
        with open(os.path.join(out, seed_name + ".bin"), "wb") as f:
            f.write(data)
        n += 1
    print("wrote %d seeds to %s" % (n, out))


def main():
    write("turn", turn_seeds())
    write("session", session_seeds())


if __name__ == "__main__":
    main()
