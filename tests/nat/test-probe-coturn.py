#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `gst-ice probe` against a real coturn in RFC 5780 mode on 127.0.0.1 and
# 127.0.0.2 (alternate port = port + 1), started here and stopped by PID.
# On loopback there is no NAT and nothing filters, so the probe must say
# so. Also the tool's usage errors and a silent server.
# Usage: test-probe-coturn.py GST_ICE   (prints TAP; skips without coturn)

import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOOL = sys.argv[1]
COOKIE = 0x2112A442
READY_TIMEOUT_S = 15

tests = []


def test(fn):
    tests.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


class Run:
    def __init__(self, args):
        start = time.monotonic()
        proc = subprocess.run([TOOL, "probe"] + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)
        self.seconds = time.monotonic() - start
        self.status = proc.returncode
        self.stdout = proc.stdout.decode("utf-8")
        self.stderr = proc.stderr.decode("utf-8", "replace")
        self.json = None
        if self.stdout.startswith("{"):
            self.json = json.loads(self.stdout)


def port_is_free(ip, port):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind((ip, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port_pair():
    """A port P with P and P + 1 free on both loopback IPs."""
    for _ in range(200):
        port = random.randrange(20000, 60000, 2)
        if all(port_is_free(ip, p) for ip in ("127.0.0.1", "127.0.0.2")
               for p in (port, port + 1)):
            return port
    raise RuntimeError("no free port pair on 127.0.0.1/127.0.0.2")


def binding_answered(ip, port):
    """One Binding request; True when a success response comes back."""
    tid = os.urandom(12)
    request = struct.pack("!HHI", 0x0001, 0, COOKIE) + tid
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    try:
        s.sendto(request, (ip, port))
        data, _ = s.recvfrom(2048)
        return len(data) >= 20 and data[0:2] == b"\x01\x01" and \
            data[8:20] == tid
    except OSError:
        return False
    finally:
        s.close()


class Coturn:
    def __init__(self, tmpdir):
        self.port = free_port_pair()
        self.log = os.path.join(tmpdir, "turnserver.log")
        args = ["turnserver", "-n", "--no-cli", "--stun-only", "--no-auth",
                "--no-tls", "--no-dtls",
                "--listening-ip", "127.0.0.1", "--listening-ip", "127.0.0.2",
                "--listening-port", str(self.port),
                "--alt-listening-port", str(self.port + 1),
                "--log-file", self.log, "--simple-log",
                "--pidfile", os.path.join(tmpdir, "turnserver.pid")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

    def wait_ready(self):
        # Ready when the primary and the alternate address both answer.
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("turnserver exited with %d; see %s" %
                                   (self.proc.returncode, self.log))
            if binding_answered("127.0.0.1", self.port) and \
                    binding_answered("127.0.0.2", self.port + 1):
                return
        raise RuntimeError("turnserver did not answer within %d s" %
                           READY_TIMEOUT_S)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def uri():
    return "stun://127.0.0.1:%d" % SERVER.port


def check_no_nat(r):
    check_eq(r.status, 0, "exit status (stderr: %s)" % r.stderr)
    j = r.json
    check(j is not None, "JSON on stdout: %r" % r.stdout)
    check_eq(j["status"], "ok", "status")
    check_eq(j["behind_nat"], False, "behind_nat")
    check_eq(j["mapped"], j["local"], "mapped address is the local one")
    check(j["mapped"].startswith("127.0.0.1:"), "mapped %s" % j["mapped"])
    check_eq(j["other_address"], "127.0.0.2:%d" % (SERVER.port + 1),
             "OTHER-ADDRESS")
    check_eq(j["mapping"], "endpoint-independent", "mapping")
    check_eq(j["filtering"], "endpoint-independent", "filtering")
    check(j["summary"].startswith("no NAT"), "summary %r" % j["summary"])


@test
def probe_bound_to_loopback():
    check_no_nat(Run(["--json", "--local", "127.0.0.1", uri()]))


@test
def probe_bound_to_any():
    # bound to 0.0.0.0: the local IP comes from the route to the server
    check_no_nat(Run(["--json", uri()]))


@test
def probe_prints_sentence():
    r = Run([uri()])
    check_eq(r.status, 0, "exit status")
    check("mapping:   endpoint-independent" in r.stdout, r.stdout)
    check("no NAT (the mapped address is the local one), "
          "endpoint-independent filtering" in r.stdout, r.stdout)


@test
def probe_hairpinning():
    r = Run(["--json", "--hairpinning", uri()])
    check_eq(r.status, 0, "exit status")
    check_eq(r.json["hairpinning"], "yes", "hairpinning")


@test
def probe_lifetime_short():
    # without a NAT the mapping never expires: the search stops at the max
    r = Run(["--json", "--lifetime", "--lifetime-max", "2", uri()])
    check_eq(r.status, 0, "exit status")
    check_eq(r.json["lifetime_tested"], True, "lifetime_tested")
    check_eq(r.json["lifetime_reason"], None, "lifetime_reason")
    check_eq(r.json["lifetime_ms"], 2000, "lifetime_ms")
    check_eq(r.json["lifetime_expired_ms"], None, "lifetime_expired_ms")


@test
def silent_server_fails():
    r = Run(["--json", "stun://127.0.0.1:%d" % SILENT_PORT])
    check_eq(r.status, 1, "exit status")
    check("no answer from the STUN server" in r.stderr, r.stderr)
    check_eq(r.json["status"], "no-response", "status")
    check(r.seconds < 10, "gave up after %.1f s" % r.seconds)


@test
def usage_errors():
    for args in (["http://127.0.0.1"], ["stun://"], ["stun://host:99999"],
                 ["stun://[::1"], ["stun://a:1", "stun://b:2"], []):
        r = Run(args)
        check_eq(r.status, 2, "exit status for %r" % args)
        check("stun://host[:port]" in r.stderr,
              "stderr for %r: %r" % (args, r.stderr))
    r = Run(["--local", "not-an-ip", uri()])
    check_eq(r.status, 2, "exit status for a bad --local")
    check("--local" in r.stderr, r.stderr)


def silent_port():
    # a port nobody listens on: bound here, closed again
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    global SERVER, SILENT_PORT
    if shutil.which("turnserver") is None:
        print("1..0 # SKIP turnserver (coturn) is not installed")
        return 0
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="gst-ice-nat-") as tmpdir:
        SERVER = Coturn(tmpdir)
        try:
            SERVER.wait_ready()
            SILENT_PORT = silent_port()
            for i, fn in enumerate(tests, 1):
                try:
                    fn()
                    print("ok %d %s" % (i, fn.__name__))
                except Exception as e:  # report and go on with the rest
                    failed += 1
                    print("not ok %d %s" % (i, fn.__name__))
                    for line in str(e).splitlines():
                        print("# " + line)
                sys.stdout.flush()
        finally:
            SERVER.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
