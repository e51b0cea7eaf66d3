#!/usr/bin/env bash
# Old-vs-new training speed, alternated in one run: TrainBenchmark with the classes of two source trees.
#   scripts/bench-train-ab.sh OLD_TREE NEW_TREE PAIRS [TrainBenchmark key=value ...]
#   e.g. git worktree add ../old 5dc6ce0 && (cd ../old && mvn -B -o -q -pl partitioning,embedding -am test-compile)
#        scripts/bench-train-ab.sh ../old . 3 preset=pbg epochs=2 threads=2
# Each tree's embedding test-classes, classes and partitioning classes go first on the classpath; the third-party
# jars are this tree's (the two must agree). Runs old, new, old, new, ...; prints each RESULT line and the JVM's
# CPU seconds (user + sys) and wall time from /usr/bin/time, then the mean new/old ratios. A warm-up run per tree
# first builds that tree's dataset copy (its own format), so timed runs only load it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo "usage: $0 OLD_TREE NEW_TREE PAIRS [key=value ...]" >&2; exit 2; }
OLD=$(cd "$1" && pwd); NEW=$(cd "$2" && pwd); PAIRS=$3; shift 3
export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$(scripts/openblas-coretype)}"
export OMP_NUM_THREADS=1
for t in "$OLD" "$NEW"; do
  [ -d "$t/embedding/target/test-classes" ] && [ -d "$t/partitioning/target/classes" ] \
    || { echo "$t: build it first (mvn -B -o -q -pl partitioning,embedding -am test-compile)" >&2; exit 2; }
done
mvn -B -o -q -pl embedding dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
DEPS=$(tr ':' '\n' < embedding/target/bench.classpath | grep -v '/embark-' | paste -sd:)
LOG=$(mktemp -d)
run() { # tree label i args...
  local tree=$1 label=$2 i=$3; shift 3
  local cp="$tree/embedding/target/test-classes:$tree/embedding/target/classes:$tree/partitioning/target/classes:$tree/allreduce/target/classes:$DEPS"
  /usr/bin/time -f "TIME cpu=%U+%S wall=%e" -o "$LOG/$label-$i.time" \
    java --add-modules=jdk.incubator.vector $(scripts/jvm-hugepages) -Xmx${EMBARK_BENCH_XMX:-6g} \
      -cp "$cp" io.embark.embedding.bench.TrainBenchmark "$@" "work=$LOG/work-$label" > "$LOG/$label-$i.out" 2>&1 \
      || { tail -20 "$LOG/$label-$i.out"; exit 1; }
  local r; r=$(grep -m1 '^RESULT' "$LOG/$label-$i.out" || true)
  echo "$label #$i load $(cut -d' ' -f1 /proc/loadavg) $(tail -1 "$LOG/$label-$i.time") $r"
}
# warm-up: each tree builds its own copy of the dataset (not timed), one tiny epoch
run "$OLD" old 0 "$@" epochs=1 dim=8 > /dev/null
run "$NEW" new 0 "$@" epochs=1 dim=8 > /dev/null
echo "logs in $LOG"
for i in $(seq 1 "$PAIRS"); do
  run "$OLD" old "$i" "$@"
  run "$NEW" new "$i" "$@"
done
python3 - "$LOG" "$PAIRS" <<'PY'
import re, sys, glob
log, pairs = sys.argv[1], int(sys.argv[2])
def cpu(label):
    out = []
    for i in range(1, pairs + 1):
        t = open(f"{log}/{label}-{i}.time").read().splitlines()[-1]
        u, s = re.search(r"cpu=([\d.]+)\+([\d.]+)", t).groups(); w = re.search(r"wall=([\d.]+)", t).group(1)
        out.append((float(u) + float(s), float(w)))
    return out
o, n = cpu("old"), cpu("new")
mo = sum(c for c, _ in o) / pairs; mn = sum(c for c, _ in n) / pairs
wo = sum(w for _, w in o) / pairs; wn = sum(w for _, w in n) / pairs
print(f"MEAN old cpu {mo:.1f} s wall {wo:.1f} s | new cpu {mn:.1f} s wall {wn:.1f} s | new/old cpu {mn/mo:.3f} wall {wn/wo:.3f}")
PY
