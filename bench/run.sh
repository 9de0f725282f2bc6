#!/usr/bin/env bash
# Benchmarks ddbd with its own load generator (bench/loadgen.cc).
#
# Starts build/ddbd on a free loopback port with a throwaway data directory,
# pinned to CPU ${SERVER_CPU:-0}; runs build/ddbd_loadgen pinned to CPU
# ${CLIENT_CPU:-1} for each workload; prints one line per workload, the
# server's idle RSS and the time to the first answered request; stops the
# server it started (by PID).
#
#   bench/run.sh                       # put get query scan batchwrite transact
#   WORKLOADS="put get" DURATION=5 bench/run.sh
#   WORKLOADS=scan SCAN_ROUNDS=5 bench/run.sh   # 5 full scans of one filled table
#
# For figures against other emulators in the same run, use the workplace's
# peer harness (../shared/bench-peers, see README.md "Benchmarks").
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOADS=${WORKLOADS:-"put get query scan batchwrite transact"}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
ITEMS=${ITEMS:-10000}
SCAN_ITEMS=${SCAN_ITEMS:-100000}
SCAN_ROUNDS=${SCAN_ROUNDS:-1}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BIN=${DDBD_BIN:-build/ddbd}
LOADGEN=${LOADGEN:-build/ddbd_loadgen}

data=$(mktemp -d)
log=$(mktemp)
t0=$(date +%s%N)
taskset -c "$SERVER_CPU" "$BIN" --port 0 --data-dir "$data/data" --log-level warn --threads 1 >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data" "$log"; }
trap cleanup EXIT
for _ in $(seq 1 200); do grep -q listening "$log" && break; sleep 0.01; done
port=$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' "$log")
until exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; do sleep 0.001; done
printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3; head -c 12 <&3 >/dev/null; exec 3>&-
t1=$(date +%s%N)
echo "startup_to_first_answer_ms=$(( (t1 - t0) / 1000000 ))"
echo "idle_rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')"
for w in $WORKLOADS; do
  extra=()
  items=$ITEMS
  [ "$w" = scan ] && items=$SCAN_ITEMS && extra=(--scan-rounds "$SCAN_ROUNDS")
  taskset -c "$CLIENT_CPU" "$LOADGEN" --endpoint "http://127.0.0.1:$port" --workload "$w" \
    --connections "$CONNECTIONS" --duration "$DURATION" --items "$items" --server-pid "$pid" "${extra[@]}"
done
echo "loaded_rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')"
