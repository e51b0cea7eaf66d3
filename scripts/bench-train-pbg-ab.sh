#!/usr/bin/env bash
# Training speed side by side with PyTorch-BigGraph, alternating round by round: PBG (PBG_BENCH names a folder set up
# as ../shared/bench/pbg/README.md says; always with that README's GLIBC_TUNABLES), then an old checkout's
# `scripts/embark train` (OLD_TREE, optional: its jobs jar must be built), then this checkout's. Each side imports once
# (not timed) and trains from fresh checkpoints every round.
#   scripts/bench-train-pbg-ab.sh large TSV ROUNDS [PARTITIONS] [OLD_TREE]
#     ../shared/bench/pbg/large.conf (the d-100 config: operator none, dot, 50 batch + 50 uniform negatives per side,
#     batches of 1000, 1 epoch) on an edge list TSV (lhs TAB relation TAB rhs) with PARTITIONS partitions. PBG's figure
#     is the file's edges over its whole `train` call (train_total_s: the driver's per-epoch figure counts one bucket
#     only when P > 1), Embark's the trainer's epoch figure.
#   scripts/bench-train-pbg-ab.sh fb15k ROUNDS [OLD_TREE]
#     PBG's FB15k config on FB15k-237 (d 400, complex_diagonal, 50 batch + 1000 uniform negatives per side, 2 workers,
#     2 epochs) against conf/fb15k-237-pbg.conf with training.epochs=2; both figures are the mean edges/s of the two
#     epochs (PBG's edges_per_s_over_pbg_train_time: its epochs' own time, without worker start-up; Embark's epoch lines).
# EMBARK_SETS: extra config settings for both Embark runs, space-separated KEY=VALUE (e.g.
# EMBARK_SETS="training.negatives.shared=true"); PBG's side is unchanged.
# Each line: the system, edges/s, Embark's last loss, the load average when it ended.
# Example: PBG_BENCH=../pbg-bench scripts/bench-train-pbg-ab.sh large work/pbg-bench/large/train.txt 2 4 ../embark-old
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"; shift || true
case "$mode" in
  large)
    tsv="$(realpath "$1")"; rounds="${2:-2}"; parts="${3:-1}"; old="${4:-}"
    conf="$(realpath "$root/../shared/bench/pbg/large.conf")"
    scratch="${BENCH_DIR:-$root/work/bench-train-pbg-ab}/large-p$parts"
    sets=(--set graph.entities.entity.partitions="$parts")
    import_sets=(--set data.train="$tsv")
    edges=$(wc -l < "$tsv")
    need=$(( $(stat -c %s "$tsv") * 4 / 1024 ));;
  fb15k)
    rounds="${1:-2}"; old="${2:-}"
    conf="$root/conf/fb15k-237-pbg.conf"
    data="$(realpath "$root/../shared/datasets/fb15k-237")"
    scratch="${BENCH_DIR:-$root/work/bench-train-pbg-ab}/fb15k"
    sets=(--set training.epochs=2)
    import_sets=(--set data.train="$data/train.txt" --set data.valid="$data/valid.txt" --set data.test="$data/test.txt")
    need=$(( 200 * 1024 ));;
  *) echo "usage: $0 large TSV ROUNDS [PARTITIONS] [OLD_TREE] | fb15k ROUNDS [OLD_TREE]" >&2; exit 2;;
esac
for kv in ${EMBARK_SETS:-}; do sets+=(--set "$kv"); done
mkdir -p "$scratch"
ws="$scratch/ws"
avail=$(df -k --output=avail "$scratch" | tail -1)
if [[ ! -f "$ws/graph/manifest.json" ]] && (( avail < need )); then
  echo "bench-train-pbg-ab: needs about $((need / 1024)) MB free for the two imports and checkpoints, $((avail / 1024)) MB left" >&2
  exit 1
fi
if [[ ! -f "$ws/graph/manifest.json" ]]; then
  "$root/scripts/embark" import --config "$conf" --set workspace="$ws" "${import_sets[@]}" "${sets[@]}" \
    > "$scratch/import.log" 2>&1 || { echo "import failed: $scratch/import.log" >&2; exit 1; }
fi
embark() {  # embark TREE TAG
  local log="$scratch/train-$2.log"
  rm -rf "$ws/checkpoints"
  "$1/scripts/embark" train --config "$conf" --set workspace="$ws" "${sets[@]}" > "$log" 2>&1 \
    || { echo "embark $2 failed: $log" >&2; exit 1; }
  python3 - "$log" "$2" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1]) if re.search(r'Trainer: epoch \d+/\d+ done:', l)]
eps = [int(re.search(r'\(([0-9,]+) edges/s\)', l).group(1).replace(',', '')) for l in lines]
loss = re.search(r'loss ([0-9.]+)', lines[-1]).group(1)
print(f"{sys.argv[2]} edges/s={sum(eps) / len(eps):.0f} loss={loss} load={open('/proc/loadavg').read().split()[0]}")
PY
}
pbg() {
  local w="$scratch/pbg" args
  if [[ "$mode" == large ]]; then
    local d="$scratch/pbg-data"
    mkdir -p "$d"; ln -sf "$tsv" "$d/train.txt"
    args=(--config "$PBG_BENCH/configs/large_config.py" --data-dir "$d" --train-only --rel-col -1 -p entities.all.num_partitions="$parts")
  else
    args=(--data-dir "$data" --epochs 2 --dim 400 --workers 2)
  fi
  "$root/scripts/pbg-driver" "${args[@]}" --work-dir "$w" --no-eval --keep-import > "$scratch/pbg.log" 2>&1 \
    || { echo "pbg failed: $scratch/pbg.log" >&2; exit 1; }
  python3 - "$scratch/pbg.log" "$mode" "${edges:-0}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
load = open('/proc/loadavg').read().split()[0]
if sys.argv[2] == "large":
    t = re.search(r'"train_total_s":\s*([0-9.]+)', text)
    print(f"pbg edges/s={int(sys.argv[3]) / float(t.group(1)):.0f} load={load}" if t else "pbg: no train_total_s in " + sys.argv[1])
else:
    e = re.search(r'"edges_per_s_over_pbg_train_time":\s*([0-9.]+)', text)
    print(f"pbg edges/s={float(e.group(1)):.0f} load={load}" if e else "pbg: no edges_per_s_over_pbg_train_time in " + sys.argv[1])
PY
}
for r in $(seq 1 "$rounds"); do
  [[ -n "${PBG_BENCH:-}" ]] && pbg
  [[ -n "$old" ]] && embark "$(realpath "$old")" old
  embark "$root" new
done
