#!/bin/bash
# Server instructions per request for one workload, counted by callgrind:
# steadier than CPU time on a shared machine (the count barely depends on
# other load), so before/after comparisons of the request path use it.
#
#   bench/instructions.sh build/ddbd build/ddbd_loadgen put [LOADGEN FLAGS...]
# (e.g. `--stream NEW_AND_OLD_IMAGES` to measure a table with a stream)
#
# Starts BIN under valgrind's callgrind with instrumentation off, warms it
# up (3 s of LOADGEN's workload, which also loads its items), counts 8 s of
# the workload with instrumentation on (from after the load generator's
# table set-up to the end of its timed run, with its --before-run and
# --after-run), and prints Ir per answered request.  The count includes
# LMDB's work, which depends on how full the store is, so compare binaries
# over the same workload and duration (±5% run to run), with the same
# LOADGEN.  KEEP=1 keeps the callgrind files (for callgrind_annotate) and
# prints where.
set -u
BIN=$1; LG=$2; W=$3; shift 3
d=$(mktemp -d); log=$d/log
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$d/cg.%p $BIN --port 0 --data-dir $d/data --log-level warn --threads 1 >$log 2>&1 &
pid=$!
for _ in $(seq 1 500); do grep -q listening $log && break; sleep 0.05; done
port=$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' $log)
taskset -c 1 $LG --endpoint http://127.0.0.1:$port --workload $W --connections 4 --duration 3 --items 2000 --server-pid $pid "$@" >/dev/null 2>&1
out=$(taskset -c 1 $LG --endpoint http://127.0.0.1:$port --workload $W --connections 4 --duration 8 --items 2000 --server-pid $pid \
  --before-run "callgrind_control -i on $pid >/dev/null" --after-run "callgrind_control -i off $pid >/dev/null" "$@" 2>&1)
callgrind_control -d $pid >/dev/null
sleep 0.5
kill $pid; wait $pid 2>/dev/null
reqs=$(echo "$out" | sed -n 's/.*requests=\([0-9]*\).*/\1/p' | head -1)
ins=$(cat $d/cg.* | sed -n "s/^\(summary\|totals\): \([0-9]*\).*/\2/p" | sort -n | tail -1)
echo "$W reqs=$reqs Ir=$ins Ir_per_req=$(( ins / reqs ))"
if [ "${KEEP:-0}" = 1 ]; then echo "callgrind files kept in $d"; else rm -rf $d; fi
