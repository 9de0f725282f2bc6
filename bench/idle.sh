#!/usr/bin/env bash
# Idle memory and threads of a ddbd that has answered one request.
#
#   bench/idle.sh [BIN] [SETTLE_SECONDS] [-- SERVER FLAGS...]
#   bench/idle.sh build/ddbd
#   bench/idle.sh build/ddbd 3 -- --in-memory
#
# Starts BIN on a free loopback port with a fresh data directory, sends one
# `GET /`, waits SETTLE_SECONDS (default 3: the Lambda poller's first pass
# and its thread's linger are over by then), then prints from /proc/PID:
# VmRSS and its split (RssFile: pages of the binary and the shared objects;
# RssAnon: heap, stacks, relocated data), the thread count and the threads'
# names, and the resident kB of each mapped file (smaps).  The server is then
# stopped by PID (SIGTERM) and its directory removed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/ddbd}
SETTLE=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift
exec python3 - "$BIN" "$SETTLE" "$@" <<'EOF'
import collections, os, shutil, socket, subprocess, sys, tempfile, time

binary, settle, extra = sys.argv[1], float(sys.argv[2]), sys.argv[3:]

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
d = tempfile.mkdtemp(prefix="ddbd-idle-")
p = subprocess.Popen([binary, "--port", str(port), "--data-dir", d + "/data", "--log-level", "warn"] + extra,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
                c.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if c.recv(16).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        if p.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"idle.sh: {binary} did not answer")
        time.sleep(0.01)
    time.sleep(settle)
    status = {}
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    names = collections.Counter()
    for tid in os.listdir(f"/proc/{p.pid}/task"):
        with open(f"/proc/{p.pid}/task/{tid}/comm") as f:
            names[f.read().strip()] += 1
    files = collections.Counter()
    current = None
    with open(f"/proc/{p.pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                current = fields[5] if len(fields) > 5 else "[anon]"
            elif fields[0] == "Rss:":
                files[os.path.basename(current)] += int(fields[1])
    print(f"VmRSS={status['VmRSS']} RssFile={status['RssFile']} RssAnon={status['RssAnon']} "
          f"Threads={status['Threads']}")
    print("threads: " + ", ".join(f"{n} x{c}" for n, c in sorted(names.items())))
    print("resident kB by mapping: " + ", ".join(f"{n} {kb}" for n, kb in files.most_common(12) if kb))
finally:
    p.terminate()
    p.wait()
    shutil.rmtree(d, ignore_errors=True)
EOF
