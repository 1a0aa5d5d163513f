#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the STUN seed corpus (tests/fuzz/corpus/stun/*.bin): the RFC 5769
# and RFC 8489 vectors, messages of each method and class with the
# attributes that go with them, and a few malformed ones. The files are
# committed; run this again only to change them:
#   python3 tests/fuzz/make-corpus.py

import hashlib
import hmac
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "tools", "vectors")
OUT = os.path.join(HERE, "corpus", "stun")
COOKIE = 0x2112A442
SHORT_KEY = b"VOkJxbRl1RmTxUk/WvJxBt"
USER = "\u30de\u30c8\u30ea\u30c3\u30af\u30b9".encode()
REALM = b"example.org"
SHA256_KEY = hashlib.sha256(USER + b":" + REALM + b":TheMatrIX").digest()

# RFC 8489 §5: class bits C1 (0x100) and C0 (0x010) around the method.
REQUEST, INDICATION, SUCCESS, ERROR = 0x000, 0x010, 0x100, 0x110
BINDING, ALLOCATE, REFRESH, SEND, DATA = 0x001, 0x003, 0x004, 0x006, 0x007
CREATE_PERMISSION, CHANNEL_BIND, CONNECT = 0x008, 0x009, 0x00a


def tid(n):
    return bytes((n * 7 + i) & 0xff for i in range(12))


def attribute(atype, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", atype, len(value)) + value + b"\0" * pad


def message(mtype, attrs, n=1):
    body = b"".join(attrs)
    return struct.pack("!HHI", mtype, len(body), COOKIE) + tid(n) + body


def set_length(msg, body_len):
    return msg[:2] + struct.pack("!H", body_len) + msg[4:]


def add_integrity(msg, key=SHORT_KEY, sha256=False):
    size = 32 if sha256 else 20
    msg = set_length(msg, len(msg) - 20 + 4 + size)
    mac = hmac.new(key, msg, hashlib.sha256 if sha256 else hashlib.sha1)
    return msg + attribute(0x001C if sha256 else 0x0008, mac.digest())


def add_fingerprint(msg):
    msg = set_length(msg, len(msg) - 20 + 8)
    crc = (zlib.crc32(msg) & 0xffffffff) ^ 0x5354554e
    return msg + attribute(0x8028, struct.pack("!I", crc))


def address(atype, ip, port, xor_with=None):
    raw = bytes(int(x) for x in ip.split(".")) if "." in ip else \
        bytes.fromhex(ip)
    family = 1 if len(raw) == 4 else 2
    if xor_with is not None:
        mask = struct.pack("!I", COOKIE) + xor_with
        raw = bytes(a ^ b for a, b in zip(raw, mask))
        port ^= COOKIE >> 16
    return attribute(atype, struct.pack("!BBH", 0, family, port) + raw)


def xaddr(atype, ip, port, n=1):
    return address(atype, ip, port, xor_with=tid(n))


def u32(atype, value):
    return attribute(atype, struct.pack("!I", value))


def text(atype, value):
    return attribute(atype, value.encode())


def error_code(code, reason):
    return attribute(0x0009, struct.pack("!HBB", 0, code // 100, code % 100)
                     + reason.encode())


V6 = "20010db8000000000000000000000001"


def built_messages():
    yield "binding-request-ice", add_fingerprint(add_integrity(message(
        REQUEST | BINDING, [
            text(0x0006, "abcd:efgh"), u32(0x0024, 0x6e0001ff),
            attribute(0x802A, struct.pack("!Q", 0x1122334455667788)),
            attribute(0x0025, b""), text(0x8022, "gst-ice seed")])))
    yield "binding-success-ipv4", add_fingerprint(add_integrity(message(
        SUCCESS | BINDING, [xaddr(0x0020, "192.0.2.1", 32853)])))
    yield "binding-success-ipv6", add_fingerprint(message(
        SUCCESS | BINDING, [xaddr(0x0020, V6, 40000),
                            address(0x0001, "192.0.2.9", 1234)]))
    yield "binding-indication", add_fingerprint(message(
        INDICATION | BINDING, []))
    yield "binding-error-401", message(ERROR | BINDING, [
        error_code(401, "Unauthorized"), text(0x0014, "example.org"),
        text(0x0015, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"),
        attribute(0x8002, struct.pack("!HHHH", 1, 0, 2, 0))])
    yield "binding-error-420", message(ERROR | BINDING, [
        error_code(420, "Unknown Attribute"),
        attribute(0x000A, struct.pack("!HHH", 0x0fff, 0x0abc, 0x1234))])
    yield "binding-error-300", message(ERROR | BINDING, [
        error_code(300, "Try Alternate"),
        address(0x8023, "198.51.100.2", 3478),
        text(0x8003, "stun.example.org")])
    yield "binding-rfc5780", message(REQUEST | BINDING, [
        u32(0x0003, 0x6), attribute(0x0027, struct.pack("!HH", 5000, 0)),
        attribute(0x0026, b"\0" * 64)])
    yield "binding-rfc5780-response", message(SUCCESS | BINDING, [
        xaddr(0x0020, "203.0.113.4", 5000),
        address(0x802B, "192.0.2.10", 3478),
        address(0x802C, "192.0.2.11", 3479)])
    yield "allocate-request", add_fingerprint(add_integrity(message(
        REQUEST | ALLOCATE, [
            text(0x0006, "user"), text(0x0014, "example.org"),
            text(0x0015, "nonce-1"),
            attribute(0x0019, struct.pack("!BBH", 17, 0, 0)),
            u32(0x000D, 600), attribute(0x001A, b""),
            attribute(0x0018, b"\x80"),
            attribute(0x0017, b"\x02\0\0\0"),
            attribute(0x001D, struct.pack("!HH", 2, 0))]),
        key=SHA256_KEY, sha256=True))
    yield "allocate-success", add_fingerprint(add_integrity(message(
        SUCCESS | ALLOCATE, [
            xaddr(0x0016, "203.0.113.5", 49152),
            xaddr(0x0016, V6, 49153),
            xaddr(0x0020, "198.51.100.7", 40000), u32(0x000D, 600),
            attribute(0x0022, bytes(range(8)))])))
    yield "allocate-error-437", message(ERROR | ALLOCATE, [
        error_code(437, "Allocation Mismatch")])
    yield "refresh-request", add_integrity(message(
        REQUEST | REFRESH, [u32(0x000D, 0)]))
    yield "create-permission", add_integrity(message(
        REQUEST | CREATE_PERMISSION, [
            xaddr(0x0012, "192.0.2.20", 0), xaddr(0x0012, "192.0.2.21", 0),
            xaddr(0x0012, V6, 0)]))
    yield "channel-bind", add_integrity(message(
        REQUEST | CHANNEL_BIND, [
            attribute(0x000C, struct.pack("!HH", 0x4001, 0)),
            xaddr(0x0012, "192.0.2.20", 5000)]))
    yield "send-indication", message(INDICATION | SEND, [
        xaddr(0x0012, "192.0.2.20", 5000),
        attribute(0x0013, b"\x80\x60" + bytes(30))])
    yield "data-indication", message(INDICATION | DATA, [
        xaddr(0x0012, V6, 5000), attribute(0x0013, b"hello")])
    yield "connect-request", message(REQUEST | CONNECT, [
        xaddr(0x0012, "192.0.2.30", 80)])
    yield "connect-success", message(SUCCESS | CONNECT, [
        u32(0x002A, 0xdeadbeef)])
    yield "userhash-sha256", add_integrity(message(REQUEST | BINDING, [
        attribute(0x001E, hashlib.sha256(USER + b":" + REALM).digest()),
        text(0x0015, "obMatJos2AAACnonce"), text(0x0014, "example.org"),
        attribute(0x001D, struct.pack("!HH", 2, 0))]),
        key=SHA256_KEY, sha256=True)


def malformed_messages(good):
    yield "bad-too-short", good[:19]
    yield "bad-not-stun", b"\x80" + good[1:]
    yield "bad-cookie", good[:4] + b"\x21\x12\xa4\x43" + good[8:]
    yield "bad-length", set_length(good, len(good) - 20 + 4)
    yield "bad-misaligned", set_length(good[:-2], len(good) - 22)
    yield "bad-truncated-attribute", message(REQUEST | BINDING, [
        struct.pack("!HH", 0x8022, 40) + b"abcd"])
    yield "bad-after-fingerprint", message(REQUEST | BINDING, [
        u32(0x8028, 0), u32(0x0024, 1)])
    yield "bad-xor-address-size", message(SUCCESS | BINDING, [
        attribute(0x0020, b"\0\x01\0\0\0")])
    yield "bad-address-family", message(SUCCESS | BINDING, [
        attribute(0x0020, b"\0\x03\0\0\0\0\0\0")])
    yield "bad-integrity-size", message(REQUEST | BINDING, [
        attribute(0x0008, bytes(19))])
    yield "bad-unknown-required", message(REQUEST | BINDING, [
        u32(0x0fff, 0), u32(0x7ffe, 0)])
    yield "bad-too-many", message(INDICATION | BINDING, [
        u32(0x8fff, i) for i in range(60)])
    yield "bad-integrity-wrong-key", add_integrity(message(
        REQUEST | BINDING, [text(0x0006, "a:b")]), key=b"wrong")


def vector_messages():
    for name in sorted(os.listdir(VECTORS)):
        if not name.endswith(".hex"):
            continue
        with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
            digits = "".join(line.split("#", 1)[0] for line in f)
        yield "vector-" + name[:-4], bytes.fromhex(digits)


def main():
    os.makedirs(OUT, exist_ok=True)
    built = list(built_messages())
    seeds = list(vector_messages()) + built + \
        list(malformed_messages(built[0][1]))
    for name, data in seeds:
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
