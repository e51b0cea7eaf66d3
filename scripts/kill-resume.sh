#!/usr/bin/env bash
# Crash test of `embark train`: one run trains undisturbed; a second identical run is killed with kill -9 during
# epoch 3 and restarted with the same command (it resumes from the last complete checkpoint). Both are evaluated with
# `embark eval`; the script prints both metrics and the MRR difference.
#
#   scripts/kill-resume.sh [--config FILE] [--set key=value ...]
#
# Defaults: conf/fb15k-237-pbg.conf with --set model.dimension=100 training.epochs=5 (about 10 minutes on 2 quiet
# cores). Every --set given replaces those defaults entirely. The runs use WORK=work/kill-resume (override with the
# environment variable KILL_RESUME_WORK); the graph is imported once and copied.
# With training.threads = 1 training is deterministic, so the resumed run must reproduce the undisturbed metrics
# exactly; with HOGWILD threads they agree within run-to-run noise.
set -euo pipefail
cd "$(dirname "$0")/.."

config=conf/fb15k-237-pbg.conf
sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--config FILE] [--set key=value ...]" >&2; exit 2 ;;
  esac
done
if [[ ${#sets[@]} -eq 0 ]]; then
  sets=(model.dimension=100 training.epochs=5)
fi
work="${KILL_RESUME_WORK:-work/kill-resume}"
rm -rf "$work"
mkdir -p "$work"

args() { # args WORKSPACE: --config and --set options for one run
  printf '%s\n' --config "$config" --set "workspace=$1"
  for s in "${sets[@]}"; do printf '%s\n' --set "$s"; done
}
embark() { # embark COMMAND WORKSPACE LOG
  local -a opts
  mapfile -t opts < <(args "$2")
  scripts/embark "$1" "${opts[@]}" >>"$3" 2>&1
}
mrr() { # mrr WORKSPACE: the test metrics (all entities ranked) of its newest checkpoint
  local m
  m="$(ls -d "$1"/checkpoints/v*/metrics-test-all.json | sort | tail -1)"
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("%.4f %.4f %.4f %s" % (m["mrr"], m["hits_at_1"], m["hits_at_10"], m["checkpoint_version"]))' "$m"
}

a="$work/undisturbed"
b="$work/killed"
echo "import -> $a (log $work/import.log)"
embark import "$a" "$work/import.log"
mkdir -p "$b"
cp -r "$a/graph" "$b/graph"

echo "train, undisturbed (log $work/undisturbed.log)"
embark train "$a" "$work/undisturbed.log"
embark eval "$a" "$work/undisturbed.log"

echo "train, to be killed during epoch 3 (log $work/killed.log)"
mapfile -t targs < <(args "$b")
scripts/embark train "${targs[@]}" >>"$work/killed.log" 2>&1 &
pid=$! # scripts/embark execs java, so this is the JVM
done_file() { echo "$b/checkpoints/v0000000$1/checkpoint.json"; }
while [[ ! -f "$(done_file 1)" ]]; do sleep 0.5; kill -0 "$pid"; done
t1=$(date +%s.%N)
while [[ ! -f "$(done_file 2)" ]]; do sleep 0.5; kill -0 "$pid"; done
t2=$(date +%s.%N)
# epoch 3 has started: kill it about half-way through (half the length of epoch 2)
delay=$(python3 -c "print(max(1.0, ($t2 - $t1) / 2))")
sleep "$delay"
if [[ -f "$(done_file 3)" ]]; then
  echo "epoch 3 finished before the kill; rerun with more work per epoch" >&2
  exit 1
fi
kill -9 "$pid"
wait "$pid" || true
echo "killed JVM $pid ${delay}s into epoch 3 (complete checkpoints: $(ls "$b/checkpoints" | tr '\n' ' '))"

echo "train again: resume (log $work/killed.log)"
embark train "$b" "$work/killed.log"
grep -h 'resuming from checkpoint' "$work/killed.log" | tail -1 || true
embark eval "$b" "$work/killed.log"

read -r ma h1a h10a va <<<"$(mrr "$a")"
read -r mb h1b h10b vb <<<"$(mrr "$b")"
echo "RESULT undisturbed: MRR $ma Hits@1 $h1a Hits@10 $h10a (checkpoint $va)"
echo "RESULT killed during epoch 3 + resumed: MRR $mb Hits@1 $h1b Hits@10 $h10b (checkpoint $vb)"
python3 -c "print('RESULT MRR difference %+.4f' % ($mb - $ma))"
