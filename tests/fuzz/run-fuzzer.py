#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs a libFuzzer target for a bounded time on a temporary copy of its
# seed corpus (libFuzzer adds the inputs it finds to the corpus directory,
# and the source tree must stay untouched). Fails if the target crashes;
# the crashing input is kept in ARTIFACTS and printed as hex.
#
# Usage: run-fuzzer.py FUZZER CORPUS ARTIFACTS [SECONDS] [--regressions DIR]
# SECONDS defaults to $GST_ICE_FUZZ_SECONDS, else 50. The files in DIR
# (inputs that once crashed the target) are run once each first; a missing
# DIR is no error.

import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def print_artifacts(artifacts, prefix):
    for name in sorted(os.listdir(artifacts)):
        if not name.startswith(prefix):
            continue
        path = os.path.join(artifacts, name)
        with open(path, "rb") as f:
            print("%s: %s" % (path, f.read(4096).hex()))


def run_regressions(fuzzer, directory):
    """Runs each kept input once; returns the fuzzer's exit status."""
    if directory is None or not os.path.isdir(directory):
        return 0
    inputs = sorted(os.path.join(directory, n) for n in os.listdir(directory)
                    if os.path.isfile(os.path.join(directory, n)))
    if not inputs:
        return 0
    print("replaying %d regression input(s) from %s" % (len(inputs),
                                                         directory),
          flush=True)
    status = subprocess.call([fuzzer, "-runs=1"] + inputs)
    if status != 0:
        print("a regression input failed again (status %d)" % status)
    return status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fuzzer")
    parser.add_argument("corpus")
    parser.add_argument("artifacts")
    parser.add_argument("seconds", nargs="?", type=int,
                        default=int(os.environ.get("GST_ICE_FUZZ_SECONDS",
                                                   "50")))
    parser.add_argument("--regressions")
    args = parser.parse_args()

    if run_regressions(args.fuzzer, args.regressions) != 0:
        return 1
    os.makedirs(args.artifacts, exist_ok=True)
    prefix = os.path.join(args.artifacts,
                          os.path.basename(args.fuzzer) + "-")
    with tempfile.TemporaryDirectory(prefix="gst-ice-fuzz-") as tmp:
        work = os.path.join(tmp, "corpus")
        shutil.copytree(args.corpus, work)
        cmd = [args.fuzzer, work,
               "-max_total_time=%d" % args.seconds,
               "-timeout=10",
               "-rss_limit_mb=2048",
               "-max_len=4096",
               "-print_final_stats=1",
               "-artifact_prefix=" + prefix]
        print("running:", " ".join(cmd), flush=True)
        status = subprocess.call(cmd)
    if status == 0:
        print("no crash in %d s" % args.seconds)
        return 0
    print("the fuzzer failed with status %d" % status)
    print_artifacts(args.artifacts, os.path.basename(prefix))
    return 1


if __name__ == "__main__":
    sys.exit(main())
