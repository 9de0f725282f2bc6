#!/usr/bin/env bash
# Time from starting ddbd to its first answered request, over N runs.
#
#   bench/startup.sh [BIN] [RUNS] [-- SERVER FLAGS...]
#   bench/startup.sh build/ddbd 30
#   bench/startup.sh build/ddbd 30 -- --in-memory
#
# Each run picks a free loopback port, starts BIN (pinned to CPU
# ${SERVER_CPU:-0}) with a fresh data directory, and sends `GET /` in a
# tight loop (a refused connect is retried at once) until a 200 answer
# arrives; the time from just before the fork to that answer is one sample.
# The server is then stopped by PID (SIGTERM) and its directory removed.
# Prints the median, min and max in ms, and the same figures for starting
# /bin/true the same way (the machine's own cost of a fork, exec and wait,
# which no server can go below), so figures from different machines or
# loads can be compared as "ms above /bin/true".
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/ddbd}
RUNS=${2:-20}
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift
SERVER_CPU=${SERVER_CPU:-0}
exec python3 - "$BIN" "$RUNS" "$SERVER_CPU" "$@" <<'EOF'
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

binary, runs, cpu, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answered(port):
    with socket.socket() as s:
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(REQUEST)
            return s.recv(16).startswith(b"HTTP/1.1 200")
        except OSError:
            return False


def server_once():
    port = free_port()
    d = tempfile.mkdtemp(prefix="ddbd-startup-")
    cmd = ["taskset", "-c", cpu, binary, "--port", str(port), "--data-dir", d + "/data", "--log-level", "warn"]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not answered(port):
            if p.poll() is not None:
                sys.exit(f"startup.sh: {binary} exited with {p.returncode} before answering")
            if time.perf_counter() - t0 > 10:
                sys.exit(f"startup.sh: {binary} did not answer within 10 s")
        return (time.perf_counter() - t0) * 1e3
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)


def true_once():
    t0 = time.perf_counter()
    subprocess.run(["taskset", "-c", cpu, "/bin/true"], check=True)
    return (time.perf_counter() - t0) * 1e3


def line(name, xs):
    return f"{name}: median_ms={statistics.median(xs):.2f} min_ms={min(xs):.2f} max_ms={max(xs):.2f} runs={len(xs)}"


server = [server_once() for _ in range(runs)]
ref = [true_once() for _ in range(runs)]
print(line("start_to_first_answer", server))
print(line("bin_true_reference", ref))
print(f"above_bin_true_ms={statistics.median(server) - statistics.median(ref):.2f}")
EOF
