#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
"""One UDP socket driven by line commands on stdin, for the netns test bed.

A shell test starts it inside a namespace with two FIFOs (lib.sh:
peer_start) and asks it to send, receive or ask a STUN server for its
mapped address, so one socket - one NAT mapping - lives across several
steps of a test.  Each command gets exactly one reply line:

  stun HOST:PORT [SECONDS]   -> "mapped IP:PORT" | "timeout"
  send HOST:PORT WORD        -> "sent"
  recv SECONDS               -> "got IP:PORT WORD" | "none"
  quit                       -> "bye"

The first line printed is "bound IP:PORT".  Datagrams that arrive while a
STUN answer is awaited are kept for the next "recv".
"""

import os
import socket
import struct
import sys
import time

# RFC 8489 §5: the magic cookie; §18.2: XOR-MAPPED-ADDRESS is 0x0020
MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
XOR_MAPPED_ADDRESS = 0x0020
# RFC 8489 §6.2.1 uses 500 ms; the bed's links are lossless and fast
RETRANSMIT_S = 0.25


def parse_addr(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def xor_mapped_address(data, txid):
    """The XOR-MAPPED-ADDRESS of a Binding success response, or None."""
    if len(data) < 20:
        return None
    mtype, length, cookie = struct.unpack("!HHI", data[:8])
    if mtype != BINDING_SUCCESS or cookie != MAGIC_COOKIE:
        return None
    if data[8:20] != txid or len(data) < 20 + length:
        return None
    pos = 20
    while pos + 4 <= 20 + length:
        atype, alen = struct.unpack("!HH", data[pos:pos + 4])
        value = data[pos + 4:pos + 4 + alen]
        if atype == XOR_MAPPED_ADDRESS and alen == 8 and value[1] == 1:
            port = struct.unpack("!H", value[2:4])[0] ^ (MAGIC_COOKIE >> 16)
            raw = struct.unpack("!I", value[4:8])[0] ^ MAGIC_COOKIE
            return "%s:%d" % (socket.inet_ntoa(struct.pack("!I", raw)), port)
        pos += 4 + ((alen + 3) & ~3)  # RFC 8489 §14: 32-bit padding
    return None


class Peer:
    def __init__(self, sock):
        self.sock = sock
        self.pending = []

    def stun(self, server, timeout):
        txid = os.urandom(12)
        request = struct.pack("!HHI", BINDING_REQUEST, 0, MAGIC_COOKIE) + txid
        deadline = time.monotonic() + timeout
        next_send = 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                return "timeout"
            if now >= next_send:
                self.sock.sendto(request, parse_addr(server))
                next_send = now + RETRANSMIT_S
            self.sock.settimeout(max(0.001, min(next_send, deadline) - now))
            try:
                data, src = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            mapped = xor_mapped_address(data, txid)
            if mapped:
                return "mapped " + mapped
            self.pending.append((data, src))

    def recv(self, timeout):
        if not self.pending:
            self.sock.settimeout(timeout if timeout > 0 else None)
            if timeout <= 0:
                self.sock.setblocking(False)
            try:
                self.pending.append(self.sock.recvfrom(2048))
            except (socket.timeout, BlockingIOError):
                return "none"
        data, src = self.pending.pop(0)
        word = data.decode("ascii", "replace").split()
        return "got %s:%d %s" % (src[0], src[1], word[0] if word else "-")

    def handle(self, words):
        if words[0] == "stun":
            return self.stun(words[1],
                             float(words[2]) if len(words) > 2 else 2.0)
        if words[0] == "send":
            self.sock.sendto(words[2].encode("ascii"), parse_addr(words[1]))
            return "sent"
        if words[0] == "recv":
            return self.recv(float(words[1]))
        return "error unknown command " + words[0]


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: udp-peer.py BIND-IP [PORT]\n")
        return 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 0))
    peer = Peer(sock)
    print("bound %s:%d" % sock.getsockname(), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            print("bye", flush=True)
            break
        print(peer.handle(words), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
