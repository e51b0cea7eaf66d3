#!/usr/bin/env bash
# Incremental training on FB15k-237 (docs/BENCHMARKS.md "incremental"): hold out 10% of the entities (all their
# edges; fixed seed), train PyTorch-BigGraph's FB15k config (conf/fb15k-237-pbg.conf) on the rest, then add the
# held-out entities' edges as a delta and compare
#   (a) training.freeze = existing, the delta only      (import.mode = delta)
#   (b) warm start, the delta + a replayed sample        (import.mode = append, training.replay = $REPLAY)
#   (c) a full retrain from scratch on everything
# Each is ranked (filtered by every train and test edge) on the test edges that touch a new entity ("new", imported as
# the test split) and on the others ("old", imported as the valid split; FB15k-237's own valid split is not used).
# Prints one RESULT line per run (MRR new / old / all, wall time of train) and leaves the workspaces in $DIR.
#   scripts/incremental-fb15k.sh [DIR]     env: EPOCHS (20), DELTA_EPOCHS (5), REPLAY (0.1), FRACTION (0.1), SEED (1),
#                                           NEW_ROW_NEGATIVES (0: training.newRowNegatives of (a) and (b))
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/datasets/fb15k-237
[[ -f $data/train.txt ]] || { echo "incremental-fb15k: needs $data (FB15k-237)" >&2; exit 1; }
dir="$(realpath -m "${1:-work/incremental-fb15k}")"
epochs="${EPOCHS:-20}"
delta_epochs="${DELTA_EPOCHS:-5}"
replay="${REPLAY:-0.1}"
nrn="${NEW_ROW_NEGATIVES:-0}"
fraction="${FRACTION:-0.1}"
seed="${SEED:-1}"
mkdir -p "$dir/data"

python3 - "$data" "$dir/data" "$fraction" "$seed" <<'PY'
import random, sys
data, out, fraction, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
def read(name):
    return [l.rstrip('\n').split('\t') for l in open(f"{data}/{name}") if l.strip()]
train, test = read("train.txt"), read("test.txt")
entities = sorted({e for h, r, t in train for e in (h, t)})
held = set(random.Random(seed).sample(entities, int(len(entities) * fraction)))
def write(name, rows):
    with open(f"{out}/{name}", "w") as f:
        f.writelines("\t".join(r) + "\n" for r in rows)
touches = lambda r: r[0] in held or r[2] in held
write("base-train.tsv", [r for r in train if not touches(r)])
write("delta-train.tsv", [r for r in train if touches(r)])
write("all-train.tsv", train)
write("test-new.tsv", [r for r in test if touches(r)])
write("test-old.tsv", [r for r in test if not touches(r)])
print(f"incremental-fb15k: {len(held):,} of {len(entities):,} entities held out; train {len(train):,} edges = base "
      f"{sum(1 for r in train if not touches(r)):,} + delta {sum(1 for r in train if touches(r)):,}; test new "
      f"{sum(1 for r in test if touches(r)):,}, old {sum(1 for r in test if not touches(r)):,}")
PY

# one workspace per run, each with the model and training keys of conf/fb15k-237-pbg.conf
pbg=conf/fb15k-237-pbg.conf
sets() { # workspace train-file
  echo "--set workspace=$dir/$1 --set data.train=$dir/data/$2 --set data.valid=$dir/data/test-old.tsv"
  echo "--set data.test=$dir/data/test-new.tsv --set import.overwrite=true --set training.overwrite=true"
}
seconds() { python3 -c "import time; print(time.time())"; }
train() { # workspace sets...
  local name=$1; shift
  rm -rf "$dir/$name/checkpoints"
  local t0; t0=$(seconds)
  scripts/embark train --config $pbg "$@" > "$dir/$name.train.log" 2>&1
  python3 -c "import time; print(f'{time.time() - $t0:.1f}')" > "$dir/$name.seconds"
}
evaluate() { # workspace label sets...
  local name=$1 label=$2; shift 2
  scripts/embark eval --config $pbg --set eval.split=test "$@" > "$dir/$name.eval-new.log" 2>&1
  scripts/embark eval --config $pbg --set eval.split=valid "$@" > "$dir/$name.eval-old.log" 2>&1
  python3 - "$dir/$name" "$label" "$(cat "$dir/$name.seconds")" <<'PY'
import glob, json, os, sys
ws, name, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
latest = sorted(glob.glob(f"{ws}/checkpoints/v*[0-9]"))[-1]
m = {s: json.load(open(f"{latest}/metrics-{s}-all.json")) for s in ("test", "valid")}
n_new, n_old = m["test"]["count"], m["valid"]["count"]
overall = (m["test"]["mrr"] * n_new + m["valid"]["mrr"] * n_old) / (n_new + n_old)
print(f"RESULT {name}: filtered MRR new-entity edges {m['test']['mrr']:.4f} ({n_new:,} ranks), other edges "
      f"{m['valid']['mrr']:.4f} ({n_old:,}), all {overall:.4f}; train {secs:.0f} s")
PY
}

# shellcheck disable=SC2046 # sets() prints words meant to be split
scripts/embark import --config $pbg $(sets base base-train.tsv) --set data.valid=[] --set data.test=[] > "$dir/base.import.log" 2>&1
train base $(sets base base-train.tsv) --set training.epochs="$epochs"
scripts/embark import --config $pbg $(sets delta delta-train.tsv) --set import.base="$dir/base/graph" --set import.mode=delta > "$dir/delta.import.log" 2>&1
scripts/embark import --config $pbg $(sets append delta-train.tsv) --set import.base="$dir/base/graph" --set import.mode=append > "$dir/append.import.log" 2>&1
scripts/embark import --config $pbg $(sets full all-train.tsv) > "$dir/full.import.log" 2>&1

init="$dir/base/checkpoints"
train delta $(sets delta delta-train.tsv) --set training.init="$init" --set training.freeze=existing --set training.epochs="$delta_epochs" --set training.newRowNegatives="$nrn"
evaluate delta "(a) freeze = existing, delta only, newRowNegatives $nrn, $delta_epochs epochs" $(sets delta delta-train.tsv)
train append $(sets append delta-train.tsv) --set training.init="$init" --set training.replay="$replay" --set training.epochs="$delta_epochs" --set training.newRowNegatives="$nrn"
evaluate append "(b) warm start, delta + replay $replay, newRowNegatives $nrn, $delta_epochs epochs" $(sets append delta-train.tsv)
train full $(sets full all-train.tsv) --set training.epochs="$epochs"
evaluate full "(c) full retrain, $epochs epochs" $(sets full all-train.tsv)
echo "incremental-fb15k: base model trained in $(cat "$dir/base.seconds") s ($epochs epochs on the base edges)"
