#!/usr/bin/env python3
"""Soak: minutes of mixed load against one ddbd, memory sampled as it runs.

Starts DDBD_BIN (default build/ddbd) on a free loopback port with a throwaway
data directory, runs one ddbd_loadgen per workload at once (PutItem, GetItem,
Query, BatchWriteItem, TransactWriteItems) for SOAK_SECONDS (default 180),
and every SOAK_SAMPLE seconds (default 15) records the server's RSS (anonymous
memory, which a leak grows, and mapped file pages, which grow with the data),
threads and open descriptors.  Then checks that the server is alive and
answers, and that no request failed.

Exit status 0 when the server survived, no request failed and anonymous
memory grew by less than SOAK_MAX_ANON_GROWTH_MB (default 32) from the sample a
third of the way in (after warm-up) to the highest of the last third; the
table it prints goes in the README's Reliability section.

    make soak                      # = python3 bench/soak.py
    SOAK_SECONDS=30 python3 bench/soak.py
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("DDBD_BIN", os.path.join(REPO, "build", "ddbd"))
LOADGEN = os.environ.get("LOADGEN", os.path.join(REPO, "build", "ddbd_loadgen"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "180"))
SAMPLE = float(os.environ.get("SOAK_SAMPLE", "15"))
MAX_GROWTH_MB = float(os.environ.get("SOAK_MAX_ANON_GROWTH_MB", "32"))
WORKLOADS = os.environ.get("SOAK_WORKLOADS", "put get query batchwrite transact").split()
THREADS = os.environ.get("SOAK_THREADS", "4")  # server I/O threads


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def main():
    data = tempfile.mkdtemp(prefix="ddbd-soak-")
    srv = subprocess.Popen([BIN, "--port", "0", "--host", "127.0.0.1", "--data-dir", data + "/data",
                            "--log-level", "warn", "--threads", THREADS], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    loads = []
    try:
        line = srv.stdout.readline().decode()
        port = int(re.search(r"listening on \S+:(\d+)", line).group(1))
        url = f"http://127.0.0.1:{port}"
        print(f"ddbd pid {srv.pid} on {url}; {len(WORKLOADS)} loadgens for {SECONDS:.0f} s: {' '.join(WORKLOADS)}")
        for w in WORKLOADS:
            loads.append((w, subprocess.Popen(
                [LOADGEN, "--endpoint", url, "--workload", w, "--connections", "4",
                 "--duration", str(SECONDS), "--items", "2000"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
        samples = []
        t0 = time.monotonic()
        # The loadgens fill their tables first, then run SECONDS; sample until
        # they are all done (or a generous deadline passes).
        deadline = t0 + SECONDS + 600
        while time.monotonic() < deadline:
            for _ in range(int(SAMPLE * 10)):
                time.sleep(0.1)
                if all(p.poll() is not None for _, p in loads) or srv.poll() is not None:
                    break
            if srv.poll() is not None:
                break
            s = status(srv.pid)
            s["t"] = time.monotonic() - t0
            samples.append(s)
            print(f"t={s['t']:6.1f}s rss={s['VmRSS'] / 1024:7.1f} MB anon={s['RssAnon'] / 1024:6.1f} MB "
                  f"file={s['RssFile'] / 1024:7.1f} MB threads={s['Threads']} fds={s['fds']} cpu={s['cpu_s']:.1f}s",
                  flush=True)
            if all(p.poll() is not None for _, p in loads):
                break
        ok = True
        total = 0
        for w, p in loads:
            out = p.communicate(timeout=120)[0].decode()
            m = re.search(r"requests=(\d+) errors=(\d+).*req_per_s=([\d.]+).*p99_ms=([\d.]+)", out)
            if not m:
                print(f"{w}: no result line: {out[-500:]}")
                ok = False
                continue
            reqs, errs = int(m.group(1)), int(m.group(2))
            total += reqs
            print(f"{w:11s} requests={reqs} errors={errs} req/s={m.group(3)} p99_ms={m.group(4)}")
            ok = ok and errs == 0 and p.returncode == 0
        alive = srv.poll() is None
        if alive:
            with urllib.request.urlopen(url + "/", timeout=5) as r:
                alive = r.status == 200
        # Heaps, parser and buffer free lists and LMDB's cache of dirty-page
        # buffers fill up in the first minute; a leak keeps growing after it.
        # So: the highest anonymous memory of the last third of the run
        # against the sample a third of the way in.
        third = len(samples) // 3
        growth = (max(s["RssAnon"] for s in samples[-max(1, third):]) - samples[third]["RssAnon"]) / 1024 \
            if len(samples) > 2 else 0
        print(f"total requests={total}; server alive={alive}; anonymous memory {samples[0]['RssAnon'] / 1024:.1f} MB "
              f"at the first sample, {samples[third]['RssAnon'] / 1024:.1f} MB after warm-up, "
              f"{samples[-1]['RssAnon'] / 1024:.1f} MB at the end; growth after warm-up {growth:.1f} MB "
              f"(limit {MAX_GROWTH_MB:.0f}); peak RSS {samples[-1]['VmHWM'] / 1024:.1f} MB "
              f"(mostly the data file's mapped pages)")
        ok = ok and alive and growth < MAX_GROWTH_MB
        print("soak: PASS" if ok else "soak: FAIL")
        return 0 if ok else 1
    finally:
        if srv.poll() is not None and srv.returncode:
            print(f"ddbd exited with {srv.returncode}:\n{srv.stderr.read().decode(errors='replace')[-6000:]}")
        for _, p in loads:
            if p.poll() is None:
                p.kill()
        if srv.poll() is None:
            srv.terminate()
            try:
                srv.wait(timeout=15)
            except subprocess.TimeoutExpired:
                srv.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
