#!/usr/bin/env bash
# bench-import.sh EDGES [PARTITIONS] [DRIVER_HEAP]
# Generates an R-MAT graph of EDGES edges (EDGES/10 nodes, 10 relation types) and imports it in Spark local mode
# with a capped driver heap, printing import wall time, edges/s and the peak RSS of the JVM (GNU time).
# Example: scripts/bench-import.sh 10M 4 2g
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
edges="${1:-10M}"; parts="${2:-4}"; heap="${3:-2g}"
n=$(python3 -c "import sys; s='$edges'; m={'k':10**3,'M':10**6,'G':10**9}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))")
ws="${BENCH_DIR:-$root/work/bench-import-$edges}"
cd "$root"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time; }
export EMBARK_DRIVER_MEMORY="$heap"
common=(--config conf/demo.conf --set workspace="$ws" --set generate.output="$ws/edges" --set generate.model=rmat
        --set generate.edges="$n" --set generate.nodes=$((n / 10)) --set generate.relations=10
        --set generate.validFraction=0 --set generate.testFraction=0 --set generate.files=$(( (n + 4999999) / 5000000 ))
        --set data.train="$ws/edges/train" --set data.valid=[] --set data.test=[]
        --set graph.entities.node.partitions="$parts")
if [[ ! -d "$ws/edges" ]]; then
  /usr/bin/time -f "generate: %e s wall, peak RSS %M KB" scripts/embark generate "${common[@]}" 2>&1 | grep -E 'generate|embark:'
fi
start=$(date +%s.%N)
/usr/bin/time -f "import: %e s wall, peak RSS %M KB" scripts/embark import "${common[@]}" --set import.overwrite=true 2>&1 \
  | grep -E 'import|embark:|Exception|Error'
end=$(date +%s.%N)
python3 - "$start" "$end" "$n" "$heap" "$parts" <<'PY'
import sys
s, e, n, heap, parts = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
print(f"RESULT edges={n} partitions={parts} heap={heap} import_seconds={e - s:.1f} edges_per_second={n / (e - s):,.0f}")
PY
