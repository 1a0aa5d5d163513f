#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the mDNS seed corpus (tests/fuzz/corpus/mdns/*.bin): queries and
# responses as browsers and responders send them for host candidates, with
# and without compression, and a few malformed ones. The files are
# committed; run this again only to change them:
#   python3 tests/fuzz/make-corpus-mdns.py

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "mdns")
UUID = "1f528bd8-3a2b-4f2b-9b1c-6a1f0e2d3c4b"
A, AAAA, TXT, PTR, ANY = 1, 28, 16, 12, 255
IN, TOP = 1, 0x8000


def header(flags, qd=0, an=0, ns=0, ar=0, ident=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def name(text):
    out = b""
    for label in text.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def question(qname, qtype, qclass=IN):
    return qname + struct.pack("!HH", qtype, qclass)


def record(rname, rtype, rdata, ttl=120, rclass=IN | TOP):
    return rname + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


V4 = bytes([192, 168, 1, 23])
V6 = bytes([0xfe, 0x80] + [0] * 13 + [0x42])
HOST = name(UUID + ".local")

SEEDS = {
    "query-a": header(0, qd=1) + question(HOST, A),
    "query-a-aaaa-qu": header(0, qd=2) + question(HOST, A, IN | TOP)
    + question(b"\xc0\x0c", AAAA, IN | TOP),
    "query-any": header(0, qd=1) + question(HOST, ANY),
    "response-a": header(0x8400, an=1) + record(HOST, A, V4),
    "response-a-aaaa-compressed": header(0x8400, an=1, ar=1)
    + record(HOST, A, V4) + record(b"\xc0\x0c", AAAA, V6),
    "response-goodbye": header(0x8400, an=1) + record(HOST, A, V4, ttl=0),
    # DNS-SD traffic that shares the port: PTR and TXT are skipped
    "response-dns-sd": header(0x8400, an=2, ar=1)
    + record(name("_http._tcp.local"), PTR, b"\x03web\xc0\x0c", 4500, IN)
    + record(b"\x03web\xc0\x0c", TXT, b"\x05hello", 4500)
    + record(b"\x04host\xc0\x17", A, V4),
    "query-with-known-answer": header(0, qd=1, an=1) + question(HOST, A)
    + record(b"\xc0\x0c", A, V4),
    "malformed-loop": header(0, qd=1) + b"\x01a\xc0\x0c" + b"\0\1\0\1",
    "malformed-counts": header(0, qd=0xffff),
    "malformed-rdata": header(0x8400, an=1) + record(HOST, A, V4 + b"\0"),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, data in sorted(SEEDS.items()):
        with open(os.path.join(OUT, seed + ".bin"), "wb") as f:
            f.write(data)
        print("wrote", seed)


if __name__ == "__main__":
    main()
