#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs `gst-ice stun-dump` on the RFC 5769 / RFC 8489 vectors and on
# messages built here, and checks its JSON, stderr and exit status.
# Usage: test-stun-dump.py GST_ICE VECTORS_DIR CORPUS_DIR   (prints TAP)

import hashlib
import hmac
import json
import os
import random
import struct
import subprocess
import sys
import zlib

TOOL = sys.argv[1]
VECTORS = sys.argv[2]
CORPUS = sys.argv[3]
EXPECTED = json.load(open(os.path.join(VECTORS, "expected.json"),
                          encoding="utf-8"))
SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt"
USER = "\u30de\u30c8\u30ea\u30c3\u30af\u30b9"
REALM = "example.org"
LONG_TERM_PASSWORD = "TheMatrIX"
COOKIE = 0x2112A442
TID = bytes(range(1, 13))

tests = []


def test(fn):
    tests.append(fn)
    return fn


class Run:
    def __init__(self, args, stdin=None):
        proc = subprocess.run([TOOL] + args, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=60)
        self.status = proc.returncode
        self.stdout = proc.stdout.decode("utf-8")
        self.stderr = proc.stderr.decode("utf-8", "replace")
        self.json = None
        if self.stdout.startswith("{"):
            self.json = json.loads(self.stdout)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def vector_path(name):
    return os.path.join(VECTORS, name + ".hex")


def vector_bytes(name):
    digits = []
    with open(vector_path(name), encoding="utf-8") as f:
        for line in f:
            digits.append(line.split("#", 1)[0])
    return bytes.fromhex("".join(digits))


def credentials(expected):
    if expected["credential"] == "short-term":
        return ["--password", expected["password"]]
    return ["--user", USER, "--realm", REALM,
            "--password", expected["password"]]


def attr(doc, name):
    found = [a for a in doc["attributes"] if a["name"] == name]
    check(len(found) == 1, "one %s attribute" % name)
    return found[0]


def check_vector(name):
    exp = EXPECTED[name]
    run = Run(["stun-dump", "--hex", vector_path(name)] + credentials(exp))
    check_eq(run.status, 0, "exit status (stderr: %s)" % run.stderr)
    check_eq(run.stderr, "", "stderr")
    doc = run.json
    check_eq(doc["valid"], True, "valid")
    for key in ("type", "class", "method", "transaction_id"):
        check_eq(doc[key], exp[key], key)
    check_eq(doc["size"], exp["total_len"], "size")
    check_eq(doc["length"], exp["total_len"] - 20, "length")
    check_eq([a["name"] for a in doc["attributes"]], exp["attributes"],
             "attribute names in order")
    for a in doc["attributes"]:
        check(isinstance(a["type"], int) and isinstance(a["length"], int),
              "numeric type and length")
    check_eq(doc["integrity"], "ok", "integrity")
    check_eq(doc["integrity_checked"], True, "integrity_checked")
    check_eq(doc["integrity_key"], exp["credential"], "integrity_key")
    want_fp = "ok" if "fingerprint" in exp else "absent"
    check_eq(doc["fingerprint"], want_fp, "fingerprint check")
    return exp, doc


@test
def rfc5769_sample_request():
    exp, doc = check_vector("rfc5769-2.1-sample-request")
    check_eq(attr(doc, "SOFTWARE")["value"], exp["software"], "SOFTWARE")
    check_eq(attr(doc, "USERNAME")["value"], exp["username"], "USERNAME")
    check_eq(attr(doc, "PRIORITY")["value"], exp["priority"], "PRIORITY")
    check_eq(attr(doc, "ICE-CONTROLLED")["value"], exp["ice_controlled"],
             "ICE-CONTROLLED")
    check_eq(attr(doc, "FINGERPRINT")["value"], exp["fingerprint"],
             "FINGERPRINT value")
    check_eq(attr(doc, "MESSAGE-INTEGRITY")["value"],
             "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2", "MAC as hex")
    check_eq(attr(doc, "MESSAGE-INTEGRITY")["type"], 0x0008, "MI type")


@test
def rfc5769_ipv4_response():
    exp, doc = check_vector("rfc5769-2.2-sample-ipv4-response")
    check_eq(attr(doc, "XOR-MAPPED-ADDRESS")["value"],
             exp["xor_mapped_address"], "XOR-MAPPED-ADDRESS")
    check_eq(attr(doc, "SOFTWARE")["value"], exp["software"], "SOFTWARE")
    check_eq(attr(doc, "FINGERPRINT")["value"], exp["fingerprint"],
             "FINGERPRINT value")


@test
def rfc5769_ipv6_response():
    exp, doc = check_vector("rfc5769-2.3-sample-ipv6-response")
    check_eq(attr(doc, "XOR-MAPPED-ADDRESS")["value"],
             exp["xor_mapped_address"], "XOR-MAPPED-ADDRESS")
    check_eq(attr(doc, "FINGERPRINT")["value"], exp["fingerprint"],
             "FINGERPRINT value")


@test
def rfc5769_long_term_md5():
    exp, doc = check_vector("rfc5769-2.4-sample-request-long-term")
    check_eq(attr(doc, "USERNAME")["value"], exp["username"], "USERNAME")
    check_eq(attr(doc, "NONCE")["value"], exp["nonce"], "NONCE")
    check_eq(attr(doc, "REALM")["value"], exp["realm"], "REALM")


@test
def rfc8489_b1_errata_sha256():
    exp, doc = check_vector("rfc8489-B.1-errata6268")
    check_eq(attr(doc, "USERHASH")["value"], exp["userhash"], "USERHASH")
    check_eq(attr(doc, "NONCE")["value"], exp["nonce"], "NONCE")
    check_eq(attr(doc, "REALM")["value"], exp["realm"], "REALM")
    check_eq(attr(doc, "PASSWORD-ALGORITHM")["value"], 2,
             "PASSWORD-ALGORITHM")
    check_eq(attr(doc, "MESSAGE-INTEGRITY-SHA256")["length"], 32,
             "SHA256 MAC length")


@test
def wrong_short_term_password_is_bad():
    run = Run(["stun-dump", "--hex",
               vector_path("rfc5769-2.1-sample-request"),
               "--password", "not-the-password"])
    check_eq(run.status, 1, "exit status")
    check_eq(run.json["valid"], False, "valid")
    check_eq(run.json["integrity"], "bad", "integrity")
    check_eq(run.json["fingerprint"], "ok", "fingerprint still ok")
    check("MESSAGE-INTEGRITY" in run.stderr, "reason on stderr")
    check_eq(run.json["error"] in run.stderr, True, "same reason in JSON")


@test
def wrong_long_term_password_is_bad():
    for name in ("rfc5769-2.4-sample-request-long-term",
                 "rfc8489-B.1-errata6268"):
        run = Run(["stun-dump", "--hex", vector_path(name), "--user", USER,
                   "--realm", REALM, "--password", "TheMatrix"])
        check_eq(run.status, 1, name + " exit status")
        check_eq(run.json["integrity"], "bad", name + " integrity")


@test
def no_password_means_unchecked():
    run = Run(["stun-dump", "--hex",
               vector_path("rfc5769-2.1-sample-request")])
    check_eq(run.status, 0, "exit status")
    check_eq(run.json["integrity"], "absent", "integrity")
    check_eq(run.json["integrity_checked"], False, "integrity_checked")
    check_eq(run.json["fingerprint"], "ok", "fingerprint")


@test
def rfc8489_b1_as_published_is_rejected():
    run = Run(["stun-dump", "--hex",
               vector_path("rfc8489-B.1-as-published"), "--user", USER,
               "--realm", REALM, "--password", LONG_TERM_PASSWORD])
    check_eq(run.status, 1, "exit status")
    check_eq(run.json["valid"], False, "valid")
    check(len(run.json["error"]) > 0, "an error sentence")
    check(run.json["error"] in run.stderr, "the sentence on stderr")
    check_eq(run.json["length"], 0x9c, "the length field as sent")
    check("attributes" not in run.json, "no attributes when unparsed")


@test
def truncated_input_is_rejected():
    whole = vector_bytes("rfc5769-2.1-sample-request")
    for cut in (0, 7, 20, 50, len(whole) - 1):
        run = Run(["stun-dump", "-"], stdin=whole[:cut])
        check_eq(run.status, 1, "exit status for %d bytes" % cut)
        check_eq(run.json["valid"], False, "valid for %d bytes" % cut)
        check_eq(run.json["size"], cut, "size")
        check(run.stderr.strip() != "", "a reason on stderr")


@test
def binary_and_hex_stdin():
    whole = vector_bytes("rfc5769-2.2-sample-ipv4-response")
    run = Run(["stun-dump", "-", "--password", SHORT_TERM_PASSWORD],
              stdin=whole)
    check_eq(run.status, 0, "binary stdin exit status")
    check_eq(run.json["integrity"], "ok", "binary stdin integrity")
    with open(vector_path("rfc5769-2.2-sample-ipv4-response"), "rb") as f:
        text = f.read()
    run = Run(["stun-dump", "--hex", "-"], stdin=text)
    check_eq(run.status, 0, "hex stdin exit status")
    check_eq(attr(run.json, "XOR-MAPPED-ADDRESS")["value"],
             "192.0.2.1:32853", "hex stdin address")


@test
def corrupt_fingerprint_is_bad():
    whole = bytearray(vector_bytes("rfc5769-2.1-sample-request"))
    whole[-1] ^= 0x01
    run = Run(["stun-dump", "-"], stdin=bytes(whole))
    check_eq(run.status, 1, "exit status")
    check_eq(run.json["fingerprint"], "bad", "fingerprint")
    check("FINGERPRINT" in run.stderr, "reason on stderr")


@test
def usage_errors_exit_2():
    path = vector_path("rfc5769-2.1-sample-request")
    cases = [
        [],
        ["no-such-command"],
        ["help", "no-such-command"],
        ["stun-dump"],
        ["stun-dump", path, path],
        ["stun-dump", "--no-such-option", path],
        ["stun-dump", "--user", USER, "--password", "x", path],
        ["stun-dump", "--user", USER, "--realm", REALM, path],
        ["stun-dump", "--password", "a\x07b", path],
        ["stun-dump", "/nonexistent/message.bin"],
    ]
    for args in cases:
        run = Run(args)
        check_eq(run.status, 2, "exit status of %r" % args)
        check_eq(run.stdout, "", "stdout of %r" % args)
        check(run.stderr.strip() != "", "message for %r" % args)
    for text in (b"00 01 zz", b"00 01 0"):
        run = Run(["stun-dump", "--hex", "-"], stdin=text)
        check_eq(run.status, 2, "exit status of hex %r" % text)
        check("hex" in run.stderr, "hex error for %r" % text)


@test
def help_texts():
    run = Run(["--help"])
    check_eq(run.status, 0, "--help exit status")
    check("stun-dump" in run.stdout, "--help lists stun-dump")
    run = Run(["help", "stun-dump"])
    check_eq(run.status, 0, "help stun-dump exit status")
    check("--password" in run.stdout and "--hex" in run.stdout,
          "help stun-dump shows the options")


# Messages built here, to reach the attribute kinds the vectors lack.

def attribute(atype, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", atype, len(value)) + value + b"\0" * pad


def message(mtype, attrs, tid=TID):
    body = b"".join(attrs)
    return struct.pack("!HHI", mtype, len(body), COOKIE) + tid + body


def xor_ipv4(atype, ip, port):
    raw = bytes(int(x) for x in ip.split("."))
    xip = bytes(a ^ b for a, b in zip(raw, struct.pack("!I", COOKIE)))
    return attribute(atype, struct.pack("!BBH", 0, 1, port ^ (COOKIE >> 16))
                     + xip)


def with_fingerprint(msg):
    body_len = len(msg) - 20 + 8
    msg = msg[:2] + struct.pack("!H", body_len) + msg[4:]
    crc = (zlib.crc32(msg) & 0xffffffff) ^ 0x5354554e
    return msg + attribute(0x8028, struct.pack("!I", crc))


@test
def allocate_response_values():
    msg = message(0x0103, [
        xor_ipv4(0x0016, "203.0.113.5", 49152),
        xor_ipv4(0x0020, "198.51.100.7", 40000),
        attribute(0x000D, struct.pack("!I", 600)),
        attribute(0x8022, b'say "hi"\tnow\\'),
        attribute(0x0001, struct.pack("!BBH", 0, 1, 3478) + bytes([10, 0, 0, 1])),
    ])
    run = Run(["stun-dump", "-"], stdin=with_fingerprint(msg))
    check_eq(run.status, 0, "exit status (stderr %s)" % run.stderr)
    doc = run.json
    check_eq((doc["class"], doc["method"], doc["type"]),
             ("success", "allocate", "0x0103"), "class and method")
    check_eq(attr(doc, "XOR-RELAYED-ADDRESS")["value"], "203.0.113.5:49152",
             "relayed")
    check_eq(attr(doc, "XOR-MAPPED-ADDRESS")["value"], "198.51.100.7:40000",
             "mapped")
    check_eq(attr(doc, "LIFETIME")["value"], 600, "lifetime")
    check_eq(attr(doc, "SOFTWARE")["value"], 'say "hi"\tnow\\',
             "escaped text round-trips")
    check_eq(attr(doc, "MAPPED-ADDRESS")["value"], "10.0.0.1:3478",
             "plain address")
    check_eq(doc["fingerprint"], "ok", "fingerprint")


@test
def error_response_values():
    reason = "Unknown Attribute"
    msg = message(0x0111, [
        attribute(0x0009, struct.pack("!HBB", 0, 4, 20) + reason.encode()),
        attribute(0x000A, struct.pack("!HH", 0x0fff, 0x0abc)),
        attribute(0x8fff, b"\x01\x02\x03"),
    ])
    run = Run(["stun-dump", "-"], stdin=msg)
    check_eq(run.status, 0, "exit status (stderr %s)" % run.stderr)
    doc = run.json
    check_eq(doc["class"], "error", "class")
    err = attr(doc, "ERROR-CODE")
    check_eq((err["code"], err["reason"]), (420, reason), "ERROR-CODE")
    check_eq(attr(doc, "UNKNOWN-ATTRIBUTES")["value"], [0x0fff, 0x0abc],
             "UNKNOWN-ATTRIBUTES")
    unknown = [a for a in doc["attributes"] if a["type"] == 0x8fff]
    check_eq(len(unknown), 1, "unknown optional attribute listed")
    check_eq(unknown[0]["value"], "010203", "unknown attribute as hex")
    check_eq(unknown[0]["length"], 3, "unpadded length")
    check_eq(doc["fingerprint"], "absent", "no fingerprint")


@test
def controlling_request_with_sha256_short_term():
    key = b"shortpass"
    msg = message(0x0001, [
        attribute(0x0006, b"ab:cd"),
        attribute(0x802A, struct.pack("!Q", 0x0123456789abcdef)),
        attribute(0x0025, b""),
    ])
    body_len = len(msg) - 20 + 36
    head = msg[:2] + struct.pack("!H", body_len) + msg[4:]
    mac = hmac.new(key, head, hashlib.sha256).digest()
    msg = head + attribute(0x001C, mac)
    run = Run(["stun-dump", "-", "--password", "shortpass"], stdin=msg)
    check_eq(run.status, 0, "exit status (stderr %s)" % run.stderr)
    doc = run.json
    check_eq(attr(doc, "ICE-CONTROLLING")["value"], "0x0123456789abcdef",
             "ICE-CONTROLLING")
    check_eq(attr(doc, "USE-CANDIDATE")["value"], True, "USE-CANDIDATE")
    check_eq(attr(doc, "MESSAGE-INTEGRITY-SHA256")["value"], mac.hex(),
             "MAC as hex")
    check_eq((doc["integrity"], doc["integrity_key"]), ("ok", "short-term"),
             "SHA-256 short-term integrity")
    run = Run(["stun-dump", "-", "--password", "other"], stdin=msg)
    check_eq((run.status, run.json["integrity"]), (1, "bad"),
             "wrong key on SHA-256")


@test
def unknown_required_attribute_is_invalid_but_shown():
    msg = message(0x0001, [attribute(0x0fff, b"\xaa\xbb\xcc\xdd")])
    run = Run(["stun-dump", "-"], stdin=msg)
    check_eq(run.status, 1, "exit status")
    check_eq(run.json["valid"], False, "valid")
    check_eq(run.json["unknown_required"], [0x0fff], "unknown_required")
    check_eq(run.json["attributes"][0]["value"], "aabbccdd", "shown as hex")
    check(run.stderr.strip() != "", "reason on stderr")


@test
def method_and_class_names():
    cases = [(0x0008, "request", "create-permission"),
             (0x0119, "error", "channel-bind"),
             (0x0016, "indication", "send"),
             (0x0eef, "request", "0x3ff")]
    for mtype, klass, method in cases:
        run = Run(["stun-dump", "-"], stdin=message(mtype, []))
        check_eq(run.status, 0, "exit status for 0x%04x" % mtype)
        check_eq((run.json["class"], run.json["method"]), (klass, method),
                 "names for 0x%04x" % mtype)


def check_any_input(data, what):
    run = Run(["stun-dump", "-", "--password", SHORT_TERM_PASSWORD],
              stdin=data)
    check(run.status in (0, 1), "%s: exit status %d" % (what, run.status))
    check(run.json is not None, "%s: a JSON object" % what)
    check_eq(run.json["valid"], run.status == 0, what + ": valid")
    check_eq(run.json["size"], len(data), what + ": size")
    if run.status == 1:
        check(run.json["error"] in run.stderr, what + ": reason on stderr")


@test
def fuzz_seeds_give_json():
    names = sorted(os.listdir(CORPUS))
    check(len(names) > 20, "the seed corpus is there")
    for name in names:
        with open(os.path.join(CORPUS, name), "rb") as f:
            check_any_input(f.read(), name)


@test
def mutated_seeds_give_json():
    # libFuzzer proves the dumper does not crash; this checks that what it
    # prints for damaged input is still JSON (seeded, so reproducible).
    rng = random.Random(5769)
    seeds = []
    for name in sorted(os.listdir(CORPUS)):
        with open(os.path.join(CORPUS, name), "rb") as f:
            seeds.append(bytearray(f.read()))
    for i in range(150):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        check_any_input(bytes(data), "mutation %d (%s)" % (i, data.hex()))


def main():
    failed = 0
    for number, fn in enumerate(tests, 1):
        try:
            fn()
            print("ok %d - %s" % (number, fn.__name__))
        except Exception as e:  # report every failure, keep going
            failed += 1
            print("not ok %d - %s" % (number, fn.__name__))
            for line in ("%s: %s" % (type(e).__name__, e)).splitlines():
                print("# " + line)
    print("1..%d" % len(tests))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
