#!/usr/bin/env bash
# bench-import-ab.sh TSV ROUNDS [OLD_TREE] [PARTITIONS]
# Imports one edge list (lhs TAB relation TAB rhs) with this checkout's `scripts/embark import`, alternating, round by
# round, with another checkout's (OLD_TREE, optional: its jobs jar must be built) and with PyTorch-BigGraph's importer
# when PBG_BENCH names a folder set up as ../shared/bench/pbg/README.md says (pbg_driver.py, PBG's source in ./pbg).
# Embark's figure is the whole command's wall time (JVM and Spark start-up included); PBG's is the driver's import_s
# (its converter, in a Python process that has already imported torch), as docs/BENCHMARKS.md has always compared.
# The config is ../shared/bench/pbg/large.conf (one entity type, relations from the data) with the given partitions.
# Example: PBG_BENCH=../pbg-bench scripts/bench-import-ab.sh work/pbg-bench/large/train.txt 2 ../embark-old
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tsv="$(realpath "$1")"; rounds="${2:-2}"; old="${3:-}"; parts="${4:-1}"
conf="$(realpath "$root/../shared/bench/pbg/large.conf")"
scratch="${BENCH_DIR:-$root/work/bench-import-ab}"
need=$(( $(stat -c %s "$tsv") * 6 / 1024 ))
avail=$(df -k --output=avail "$(dirname "$scratch")" 2>/dev/null | tail -1 || df -k --output=avail . | tail -1)
if (( avail < need )); then
  echo "bench-import-ab: needs about $((need / 1024)) MB free for the imports' shuffles and outputs, $((avail / 1024)) MB left" >&2
  exit 1
fi
mkdir -p "$scratch"
embark() {  # embark TREE TAG
  local ws="$scratch/ws-$2" log="$scratch/import-$2.log" s e
  rm -rf "$ws"
  s=$(date +%s.%N)
  "$1/scripts/embark" import --config "$conf" --set workspace="$ws" --set data.train="$tsv" \
    --set graph.entities.entity.partitions="$parts" > "$log" 2>&1 || { echo "embark $2 failed: $log" >&2; exit 1; }
  e=$(date +%s.%N)
  grep -q "import committed" "$log" || { echo "embark $2: no commit in $log" >&2; exit 1; }
  python3 -c "print(f'$2 import_s={$e - $s:.1f} load={open(\"/proc/loadavg\").read().split()[0]}')"
}
pbg() {
  local w="$scratch/pbg" d="$scratch/pbg-data"
  rm -rf "$w" "$d"; mkdir -p "$d"; ln -s "$tsv" "$d/train.txt"
  "$root/scripts/pbg-driver" --config "$PBG_BENCH/configs/large_config.py" --data-dir "$d" --work-dir "$w" \
    --train-only --rel-col -1 --no-eval --epochs 0 -p entities.all.num_partitions="$parts" > "$scratch/pbg.log" 2>&1 \
    || { echo "pbg failed: $scratch/pbg.log" >&2; exit 1; }
  python3 - "$scratch/pbg.log" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r'"import_s":\s*([0-9.]+)', text)
print(f"pbg import_s={float(m.group(1)):.1f} load={open('/proc/loadavg').read().split()[0]}" if m else "pbg: no import_s in " + sys.argv[1])
PY
}
for r in $(seq 1 "$rounds"); do
  [[ -n "${PBG_BENCH:-}" ]] && pbg
  [[ -n "$old" ]] && embark "$(realpath "$old")" old
  embark "$root" new
done
