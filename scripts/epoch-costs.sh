#!/usr/bin/env bash
# The price of quality of shipped configs (issue 18, docs/BENCHMARKS.md "Price of quality"): trains
# each config as shipped, in a workspace of its own under DIR, with an evaluation after every epoch, and prints its
# training seconds per epoch, its final MRR on the evaluated split, the first epoch whose MRR reaches 95% of the final
# one and the minutes of training (evaluation excluded) up to the end of that epoch.
#   scripts/epoch-costs.sh DIR CONF [CONF ...]
#   e.g. scripts/epoch-costs.sh work/costs conf/demo.conf conf/ego-facebook.conf conf/fb15k-237-pbg.conf
# The split evaluated is valid where the config imports one, else test (the SNAP configs' 75/25 split has no valid).
# SNAP configs (data under work/<name>/split/) get their split from scripts/split-edges.sh first, as the README says.
# env: EXTRA (more --set arguments for every config), DATASETS (default ../shared/datasets)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: scripts/epoch-costs.sh DIR CONF [CONF ...]" >&2; exit 2; }
dir="$(realpath -m "$1")"; shift
datasets="${DATASETS:-../shared/datasets}"
mkdir -p "$dir"
for conf in "$@"; do
  name="$(basename "$conf" .conf)"
  ws="$dir/$name"
  split=valid
  grep -q '^[[:space:]]*valid[[:space:]]*=' "$conf" || split=test
  sets=(--set workspace="$ws" --set training.eval.every=1 --set training.eval.split="$split"
        --set import.overwrite=true --set training.overwrite=true)
  if grep -q "work/$name/split/" "$conf"; then
    edges="$datasets/$name/edges.txt"
    [[ -f "$edges" ]] || { echo "epoch-costs: $conf needs $edges for its split" >&2; exit 1; }
    scripts/split-edges.sh "$edges" "$ws/split" > /dev/null
    sets+=(--set data.train="$ws/split/train.tsv" --set data.test="$ws/split/test.tsv")
  fi
  # shellcheck disable=SC2206 # EXTRA is meant to be split into words
  sets+=(${EXTRA:-})
  steps=(import train)
  grep -q '^[[:space:]]*pipeline.stages[[:space:]]*=.*generate' "$conf" && steps=(generate import train)
  for step in "${steps[@]}"; do
    scripts/embark "$step" --config "$conf" "${sets[@]}" > "$ws.$step.log" 2>&1 \
      || { echo "epoch-costs: $step of $conf failed; see $ws.$step.log" >&2; exit 1; }
  done
  python3 - "$ws/checkpoints/stats.jsonl" "$conf" "$split" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
split = sys.argv[3]
missing = [r["epoch"] for r in rows if split + "_mrr" not in r.get("metrics", {})]
if missing:
    sys.exit(f"epoch-costs: {sys.argv[1]}: epochs {missing} have no {split}_mrr (expected an evaluation after every epoch)")
mrr = [r["metrics"][split + "_mrr"] for r in rows]
final = mrr[-1]
reach = next(i for i, m in enumerate(mrr) if m >= 0.95 * final)
secs = [r["seconds"] for r in rows]
print(f"RESULT {sys.argv[2]}: {len(rows)} epochs, {sum(secs) / len(secs):.1f} s/epoch ({sum(secs) / 60:.1f} min of "
      f"training); final {split} MRR {final:.4f}; 95% of it ({0.95 * final:.4f}) at epoch {reach + 1} "
      f"({mrr[reach]:.4f}), {sum(secs[:reach + 1]) / 60:.1f} min of training")
print("  " + split + " MRR per epoch: " + " ".join(f"{m:.4f}" for m in mrr))
PY
done
