#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Writes the SDP seed corpus (tests/fuzz/corpus/sdp/*.txt): descriptions
# as browsers and libnice write them, trickled candidate lines of every
# type and transport, and lines that the parser must refuse. The files are
# committed; run this again only to change them:
#   python3 tests/fuzz/make-corpus-sdp.py

import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "sdp")

SEEDS = {
    "offer-browser": (
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n"
        "t=0 0\r\na=group:BUNDLE 0\r\na=ice-options:trickle\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
        "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:EsAw\r\n"
        "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
        "a=candidate:1467250027 1 udp 2122260223 192.0.2.3 46243 typ host "
        "generation 0 network-id 1\r\n"
        "a=candidate:435653019 1 tcp 1845501695 192.0.2.3 0 typ host "
        "tcptype active generation 0\r\n"
        "a=candidate:1853887674 1 udp 1518280447 203.0.113.7 46243 typ srflx "
        "raddr 192.0.2.3 rport 46243 generation 0\r\n"
        "a=end-of-candidates\r\na=rtpmap:111 opus/48000/2\r\n"),
    "session-level": (
        "a=ice-ufrag:sess1234\na=ice-pwd:sessionpasswordsessionpwd\n"
        "a=ice-options:ice2 trickle\na=ice-pacing:50\na=ice-lite\n"
        "m=video 9 RTP/AVP 96\na=ice-ufrag:media+/1\n"
        "a=candidate:1 1 UDP 2130706431 2001:db8::1 5000 typ host\n"
        "a=candidate:2 2 UDP 2130706430 fe80::1%3 5001 typ host\n"),
    "mdns-and-relay": (
        "a=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuvwxyz\n"
        "a=candidate:3 1 udp 2113937151 "
        "1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54321 typ host\n"
        "a=candidate:4 1 udp 16777215 198.51.100.4 3478 typ relay "
        "raddr 203.0.113.9 rport 60000\n"
        "a=candidate:5 1 udp 1686052607 203.0.113.9 60000 typ srflx "
        "raddr 1f4712db.local rport 9\n"
        "a=candidate:6 1 TCP 1518214911 192.0.2.5 9 typ prflx "
        "tcptype passive ufrag abcd\n"
        "a=candidate:7 1 tcp 1518214911 192.0.2.5 9 typ host tcptype so\n"),
    "trickle-host": "candidate:842163049 1 udp 1677729535 192.0.2.1 "
                    "61665 typ host generation 0 ufrag EsAw network-cost 999",
    "trickle-ipv6-srflx": "a=candidate:9 1 udp 1677729535 2001:db8::9 "
                          "61666 typ srflx raddr :: rport 0",
    "trickle-ipv4-mapped": "candidate:10 1 udp 100 ::ffff:192.0.2.1 7 typ "
                           "host",
    "bad-lines": (
        "a=candidate:1 0 udp 1 192.0.2.1 1 typ host\n"
        "a=candidate:1 1 sctp 1 192.0.2.1 1 typ host\n"
        "a=candidate:1 1 udp 0 192.0.2.1 1 typ host\n"
        "a=candidate:1 1 udp 1 192.0.2.1 0 typ host\n"
        "a=candidate:1 1 udp 1 1.2.3 1 typ host\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 type host\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ local\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ host raddr 192.0.2.2\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ host tcptype active\n"
        "a=candidate:1 1 tcp 1 192.0.2.1 1 typ host\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ host generation\n"
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ host rport 1 rport 2\n"
        "a=candidate:123456789012345678901234567890123 1 udp 1 192.0.2.1 1 "
        "typ host\n"
        "a=ice-ufrag:ab\na=ice-pwd:short\na=ice-options:\n"
        "a=ice-pacing:99999999999\na=ice-lite:yes\na=end-of-candidates:x\n"
        "a=candidate\na=candidate:\n"),
    "long-extensions": (
        "a=candidate:1 1 udp 1 192.0.2.1 1 typ host" +
        "".join(" ext%d %s" % (i, "v" * 20) for i in range(16)) + "\n"),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, text in sorted(SEEDS.items()):
        with open(os.path.join(OUT, name + ".txt"), "w", newline="") as f:
            f.write(text)
        print("wrote", name)


if __name__ == "__main__":
    main()
