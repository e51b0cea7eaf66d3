#!/usr/bin/env bash
# A hyperparameter search on FB15k-237 (embark tune, docs/training.md "Hyperparameter search"): imports
# ../shared/datasets/fb15k-237 with conf/fb15k-237.conf once, then searches the learning rate, the N3 weight, the
# dimension and the initial scale around the tuned config by successive halving on the valid split, within a time
# budget (4 hours by default). Rerun the same command to continue a search that was killed or ran out of time: the
# trials recorded in OUT/trials.json are not rerun. The winner's config is OUT/best.conf:
#   scripts/embark train --config OUT/best.conf && scripts/embark eval --config OUT/best.conf
#
#   scripts/tune-fb15k.sh [WORKSPACE]             (default work/fb15k-237-tune; the search goes to WORKSPACE/tune)
# env: TRIALS (27), MAX_MINUTES (240), PARALLEL (1: on 2 cores one trial with both threads is faster than two with
#      one each), THREADS (2), EPOCHS (20), MIN_EPOCHS (1), REDUCTION (3), DIMS ([200, 400]), SEED (0),
#      VALID_LIMIT (17535: every valid edge; the trials are ranked on the valid edges training evaluates, and on the
#      5,000 of training.eval.limit's default the winner's lead was mostly selection: docs/BENCHMARKS.md),
#      EXTRA (more --set arguments)
# Refuses to start without enough free disk for every trial's two kept checkpoint versions.
set -euo pipefail
cd "$(dirname "$0")/.."
ws="$(realpath -m "${1:-work/fb15k-237-tune}")"
conf=conf/fb15k-237.conf
data=../shared/datasets/fb15k-237
trials="${TRIALS:-27}" parallel="${PARALLEL:-1}" threads="${THREADS:-2}" epochs="${EPOCHS:-20}"
dims="${DIMS:-[200, 400]}"
[[ -f "$data/train.txt" ]] || { echo "tune-fb15k: $data/train.txt is missing (the dataset comes with ../shared/datasets)" >&2; exit 2; }

# disk: per trial, 2 kept versions of 14,541 entities x the largest dimension x (vector + element-wise Adagrad state)
# x 4 bytes, plus the dataset (about 10 MB) and room for one version in progress
maxdim=$(tr -c '0-9\n' ' ' <<< "$dims" | tr ' ' '\n' | sort -n | tail -1)
need=$(( (trials * 3 + 1) * 14541 * maxdim * 2 * 4 + (64 << 20) ))
mkdir -p "$ws"
avail=$(df -P -B1 "$ws" | awk 'NR==2 {print $4}')
if (( avail < need )); then
  echo "tune-fb15k: $trials trials at d $maxdim need about $(( need >> 20 )) MiB free under $ws, only $(( avail >> 20 )) MiB are" \
       "(fewer TRIALS, smaller DIMS, or another WORKSPACE)" >&2
  exit 1
fi

sets=(--set workspace="$ws" --set training.threads="$threads" --set training.epochs="$epochs"
      --set training.eval.limit="${VALID_LIMIT:-17535}")
if [[ ! -f "$ws/graph/manifest.json" ]]; then
  echo "tune-fb15k: importing $data into $ws/graph"
  scripts/embark import --config "$conf" "${sets[@]}" > "$ws/import.log" 2>&1 || { tail -5 "$ws/import.log" >&2; exit 1; }
fi
sets+=(--set tune.trials="$trials" --set tune.parallel="$parallel" --set tune.maxMinutes="${MAX_MINUTES:-240}"
       --set tune.minEpochs="${MIN_EPOCHS:-1}" --set tune.reduction="${REDUCTION:-3}" --set tune.seed="${SEED:-0}"
       --set "tune.space.training.learningRate.log=[0.02, 0.5]"
       --set "tune.space.model.regularization.log=[0.005, 0.2]"
       --set "tune.space.model.initScale.log=[0.0001, 0.01]"
       --set "tune.space.model.dimension.choice=$dims")
# shellcheck disable=SC2206 # EXTRA is meant to be split into words
sets+=(${EXTRA:-})
echo "tune-fb15k: $trials trials, at most ${MAX_MINUTES:-240} min, in $ws/tune (log: $ws/tune.log)"
scripts/embark tune --config "$conf" "${sets[@]}" 2> "$ws/tune.log" | tee "$ws/tune.txt"
echo "tune-fb15k: best config $ws/tune/best.conf, report $ws/tune/report.html"
