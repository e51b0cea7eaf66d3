#!/usr/bin/env bash
# All-reduce benchmarks of the allreduce module, with XGBoost4J's collective measured side by side
# in the same run (the machine is shared and noisy: compare ratios taken in one run).
#
#   scripts/bench-allreduce.sh            # full set (about 3-5 minutes on 2 cores)
#   ROUNDS=1 scripts/bench-allreduce.sh   # one round instead of two
#
# Writes every RESULT line to allreduce/target/bench-allreduce.txt as well as stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-2}"
MB100=100000000

# compile (offline when the local repository already has everything) and resolve XGBoost4J's class path
mvn -B -q -pl allreduce -Pxgboost-bench test-compile -o 2>/dev/null || mvn -B -q -pl allreduce -Pxgboost-bench test-compile
mvn -B -q -pl allreduce -Pxgboost-bench dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/allreduce/target/xgboost-bench.classpath" -o 2>/dev/null \
  || mvn -B -q -pl allreduce -Pxgboost-bench dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/allreduce/target/xgboost-bench.classpath"
CP="allreduce/target/classes:allreduce/target/test-classes:$(cat allreduce/target/xgboost-bench.classpath)"
OUT=allreduce/target/bench-allreduce.txt
: > "$OUT"
LOG=allreduce/target/bench-allreduce.log
: > "$LOG"
# a failed run is reported (details in $LOG) and the others go on
run() { timeout 600 java -Xmx1g -cp "$CP" "$@" 2>>"$LOG" | grep '^RESULT' | tee -a "$OUT" || echo "FAILED $* (see $LOG)" | tee -a "$OUT"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  # the loopback ceiling for a 2-rank all-reduce's traffic, under the same load (iperf3 stand-in)
  run io.embark.allreduce.bench.LoopbackProbe "$MB100" 10
  for p in 2 4; do
    run io.embark.allreduce.bench.XgboostBench xgb "$p" "$MB100" 10
    run io.embark.allreduce.bench.AllReduceBench tcp "$p" "$MB100" 10 direct
    run io.embark.allreduce.bench.AllReduceBench tcp "$p" "$MB100" 10 array
  done
  for p in 2 4; do
    run io.embark.allreduce.bench.AllReduceBench tcp "$p" 1024 2000 array
  done
  for p in 2 4; do
    # AUTO is the direct (shared-window) schedule in one JVM; the ring takes turns with it
    run io.embark.allreduce.bench.AllReduceBench inproc "$p" "$MB100" 20 AUTO,RING
  done
done
