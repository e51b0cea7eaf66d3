#!/usr/bin/env bash
# How often the query entity outranks the true answer, and what removing that costs or gains (issue 18 item 0,
# docs/BENCHMARKS.md "The query entity"). Trains one workspace per variant with the same config and reports, after
# the last epoch, the filtered valid MRR, Hits@10 and query_above (the fraction of rankings whose query entity scored
# above the answer) from training's own evaluation, and the mean epoch time.
#   scripts/query-entity.sh CONF DIR NAME:KEY=VALUE[,KEY=VALUE...] ...
#   e.g. scripts/query-entity.sh conf/wn18.conf work/qe-wn18rr identity:model.relation.init=identity random:model.relation.init=random
# env: EPOCHS (5), DATA (a directory with train.txt, valid.txt, test.txt in place of the config's data paths),
#      EXTRA (more --set arguments for every variant)
set -euo pipefail
cd "$(dirname "$0")/.."
conf=$1 dir="$(realpath -m "$2")"; shift 2
epochs="${EPOCHS:-5}"
mkdir -p "$dir"
for spec in "$@"; do
  name=${spec%%:*}
  sets=(--set workspace="$dir/$name" --set training.epochs="$epochs" --set training.eval.every="$epochs"
        --set training.eval.split=valid --set import.overwrite=true --set training.overwrite=true)
  if [[ -n "${DATA:-}" ]]; then
    sets+=(--set data.train="$DATA/train.txt" --set data.valid="$DATA/valid.txt" --set data.test="$DATA/test.txt")
  fi
  IFS=',' read -r -a kvs <<< "${spec#*:}"
  for kv in "${kvs[@]}"; do [[ -n "$kv" ]] && sets+=(--set "$kv"); done
  # shellcheck disable=SC2206 # EXTRA is meant to be split into words
  sets+=(${EXTRA:-})
  scripts/embark import --config "$conf" "${sets[@]}" > "$dir/$name.import.log" 2>&1
  scripts/embark train --config "$conf" "${sets[@]}" > "$dir/$name.train.log" 2>&1
  python3 - "$dir/$name/checkpoints/stats.jsonl" "$name" "${spec#*:}" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
last = rows[-1]
m = last["metrics"]
secs = sum(r["seconds"] for r in rows) / len(rows)
print(f"RESULT {sys.argv[2]} ({sys.argv[3]}): epoch {last['epoch']}: valid MRR {m['valid_mrr']:.4f}, Hits@10 "
      f"{m['valid_hits_at_10']:.4f}, query above the answer {m['valid_query_above']:.4f}; {secs:.1f} s/epoch")
PY
done
