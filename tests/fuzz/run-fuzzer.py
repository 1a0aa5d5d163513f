#!/usr/bin/env python3
# gst-ice
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs a libFuzzer target for a bounded time on a temporary copy of its
# seed corpus (libFuzzer adds the inputs it finds to the corpus directory,
# and the source tree must stay untouched). Fails if the target crashes;
# the crashing input is kept in ARTIFACTS and printed as hex.
#
# Usage: run-fuzzer.py FUZZER CORPUS ARTIFACTS [SECONDS]
# SECONDS defaults to $GST_ICE_FUZZ_SECONDS, else 60.

import os
import shutil
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write("usage: run-fuzzer.py FUZZER CORPUS ARTIFACTS "
                         "[SECONDS]\n")
        return 2
    fuzzer, corpus, artifacts = sys.argv[1:4]
    seconds = int(sys.argv[4] if len(sys.argv) == 5 else
                  os.environ.get("GST_ICE_FUZZ_SECONDS", "60"))
    os.makedirs(artifacts, exist_ok=True)
    prefix = os.path.join(artifacts, os.path.basename(fuzzer) + "-")
    with tempfile.TemporaryDirectory(prefix="gst-ice-fuzz-") as tmp:
        work = os.path.join(tmp, "corpus")
        shutil.copytree(corpus, work)
        cmd = [fuzzer, work,
               "-max_total_time=%d" % seconds,
               "-timeout=10",
               "-rss_limit_mb=2048",
               "-max_len=4096",
               "-print_final_stats=1",
               "-artifact_prefix=" + prefix]
        print("running:", " ".join(cmd), flush=True)
        status = subprocess.call(cmd)
    if status == 0:
        print("no crash in %d s" % seconds)
        return 0
    print("the fuzzer failed with status %d" % status)
    for name in sorted(os.listdir(artifacts)):
        path = os.path.join(artifacts, name)
        with open(path, "rb") as f:
            print("%s: %s" % (path, f.read(4096).hex()))
    return 1


if __name__ == "__main__":
    sys.exit(main())
