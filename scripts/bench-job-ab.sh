#!/usr/bin/env bash
# Old-vs-new speed of the whole `train` command, alternated in one run: each tree's own scripts/embark and jars on
# one imported workspace, fresh checkpoints for every run (so no run resumes another's): it DELETES WORKSPACE/checkpoints
# before each run (training.overwrite would resume checkpoints that can be resumed), so give it a scratch workspace.
#   scripts/bench-job-ab.sh OLD_TREE NEW_TREE PAIRS CONFIG [--set key=value ...]
#   e.g. scripts/bench-job-ab.sh ../old . 3 ../pbg-bench/large.conf --set workspace=$PWD/work/pbg-bench/embark-large
# Both trees must be built (mvn -B -o -q -DskipTests package) and read the workspace's graph format. CONFIG and a
# relative workspace are resolved from this tree. Prints each run's last-epoch edges/s (the trainer's own figure:
# loading, training and checkpointing of the epoch) and the JVM's CPU seconds, then the mean new/old ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo "usage: $0 OLD_TREE NEW_TREE PAIRS CONFIG [--set key=value ...]" >&2; exit 2; }
OLD=$(cd "$1" && pwd); NEW=$(cd "$2" && pwd); PAIRS=$3; CONF=$(realpath "$4"); shift 4
for t in "$OLD" "$NEW"; do
  ls "$t"/jobs/target/embark-jobs-*[0-9T].jar >/dev/null 2>&1 || { echo "$t: build it first (mvn -B -o -q -DskipTests package)" >&2; exit 2; }
done
# the workspace, absolute, so that both trees train the same graph
WS=$(awk -F= '/^workspace/ {gsub(/ /, "", $2); print $2}' "$CONF")
ARGS=("$@")
for ((i = 0; i < ${#ARGS[@]}; i++)); do
  [[ "${ARGS[$i]}" == workspace=* ]] && WS=${ARGS[$i]#workspace=}
done
[[ "$WS" = /* ]] || WS="$PWD/$WS"
[ -d "$WS/graph" ] || { echo "$WS/graph: import the graph first (scripts/embark import --config $CONF ...)" >&2; exit 2; }
LOG=$(mktemp -d)
echo "workspace $WS; logs in $LOG"
run() { # tree label i
  local tree=$1 label=$2 i=$3
  rm -rf "$WS/checkpoints"
  /usr/bin/time -f "cpu=%U+%S wall=%e" -o "$LOG/$label-$i.time" \
    "$tree/scripts/embark" train --config "$CONF" "${ARGS[@]}" --set "workspace=$WS" > "$LOG/$label-$i.out" 2>&1 \
    || { tail -20 "$LOG/$label-$i.out"; exit 1; }
  local eps; eps=$(grep 'done:' "$LOG/$label-$i.out" | grep -oE '\(([0-9,]+) edges/s\)' | tail -1 | tr -dc '0-9')
  [ -n "$eps" ] || { echo "$label #$i: no 'epoch ... done: ... edges/s' line in $LOG/$label-$i.out (did it train?)" >&2; exit 1; }
  echo "$label #$i load $(cut -d' ' -f1 /proc/loadavg) $(cat "$LOG/$label-$i.time") edges/s $eps"
  echo "$label $eps" >> "$LOG/results"
}
for i in $(seq 1 "$PAIRS"); do
  run "$OLD" old "$i"
  run "$NEW" new "$i"
done
awk '{s[$1] += $2; n[$1]++} END {o = s["old"] / n["old"]; w = s["new"] / n["new"];
  printf "mean edges/s old %.0f new %.0f, new/old %.3f\n", o, w, w / o}' "$LOG/results"
