#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the RFC 4571 seed corpus (tests/fuzz/corpus/rfc4571/*.bin): a
# setup byte (maximum and piece size, see fuzz-rfc4571.c) and a stream of
# length-prefixed frames as ICE-TCP carries them: STUN checks, RTP, an
# empty frame, a length above the maximum, a truncated tail. The files are
# committed; run this again only to change them:
#   python3 tests/fuzz/make-corpus-rfc4571.py

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "rfc4571")

STUN = bytes.fromhex("000100082112a442") + bytes(12) + bytes.fromhex(
    "8028000412345678")
RTP = bytes([0x80, 0x60]) + bytes(10) + bytes(range(160))


def frame(payload):
    return struct.pack("!H", len(payload)) + payload


# setup byte: maximum = maxima[b % 6] (0, 1, 20, 548, 1500, 65535),
# piece = 1 + (b >> 3)
SEEDS = {
    "stun-rtp-1500": bytes([4]) + frame(STUN) + frame(RTP) + frame(STUN),
    "pieces-of-3": bytes([4 | (2 << 3)]) + frame(STUN) + frame(RTP),
    "empty-frame": bytes([3]) + frame(b"") + frame(STUN),
    "too-large-for-20": bytes([2]) + frame(STUN) + frame(RTP),
    "truncated": bytes([5]) + frame(RTP)[:-7],
    "max-length-header": bytes([5]) + b"\xff\xff" + bytes(64),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(data)
