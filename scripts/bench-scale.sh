#!/usr/bin/env bash
# bench-scale.sh SIZE [PARTITIONS] [DIMENSION]
#
# The whole pipeline at scale on this machine, in Spark local mode: generate (clusters model: planted structure, so
# quality is measurable; Parquet input) -> import -> train one epoch -> eval on a held-out sample with 1000 sampled
# candidates -> export (Parquet). For every stage it records wall time, edges/s, the peak RSS of the stage's JVM (local
# mode: one JVM per stage), bytes on disk and number of files written, and appends one line per stage to
# work/bench-scale/results.tsv. SIZE is the edge count (10M, 100M, 1G, 1.46G...); nodes = edges / 35 (Twitter's ratio,
# 1.46B edges over 41.6M nodes). Defaults: 16 partitions, dimension 100.
#
# Environment:
#   BENCH_DIR          where to work (default work/bench-scale/SIZE); everything under it is replaced
#   IMPORT_HEAP        driver heap of generate, import, eval and export (default 2g: the import goal's budget)
#   TRAIN_HEAP         driver heap of train (default: 4 resident partitions + 2 GB, computed below)
#   BASELINE=1         also train a checkpoint with a vanishing learning rate (random embeddings) and evaluate it the
#                      same way: the quality floor to beat (costs one more epoch)
#   KEEP=1             keep the edge files and dataset afterwards (default: delete the run's directory at the end)
#   STAGES             subset of "generate import train eval export" (default all)
#   BENCH_SETS         more overrides for every stage, e.g. "--set spark.io.compression.codec=lz4"
#
# It refuses to start when the file system lacks the space the run needs, printing the estimate.
set -euo pipefail
# Bash reads a script as it runs: run from a private copy, so that editing or checking out this file during a
# run of hours does not change the commands the run executes.
if [[ -z "${BENCH_SCALE_ROOT:-}" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  copy="$(mktemp /tmp/bench-scale.XXXXXX.sh)"
  cp "${BASH_SOURCE[0]}" "$copy"
  BENCH_SCALE_ROOT="$root" exec bash "$copy" "$@"
fi
root="$BENCH_SCALE_ROOT"
cd "$root"
size="${1:?usage: bench-scale.sh SIZE [PARTITIONS] [DIMENSION]}"; parts="${2:-16}"; dim="${3:-100}"
edges=$(python3 -c "import sys; s='$size'; m={'k':10**3,'M':10**6,'G':10**9}; print(int(float(s[:-1])*m[s[-1]]) if s[-1] in m else int(s))")
nodes=$(( edges / 35 ))
ws="${BENCH_DIR:-$root/work/bench-scale/$size}"
results="$root/work/bench-scale/results.tsv"
stages="${STAGES:-generate import train eval export}"
heap="${IMPORT_HEAP:-2g}"
# a partition's table: rows x dim floats + one row-wise Adagrad float per row; 4 resident (bucket + prefetch) + 2 GB
part_mb=$(( (nodes / parts + 1) * (dim + 1) * 4 / 1048576 + 1 ))
train_heap="${TRAIN_HEAP:-$(( 4 * part_mb + 2048 ))m}"
test_fraction=$(python3 -c "print(min(0.01, 100000 / $edges))")

# Disk (docs/BENCHMARKS.md, "scale"): the Parquet input is 14 B per edge (counted only when this run generates it);
# the import's peak is its edge phase, 46 B per edge: the zstd-compressed shuffles of the two dictionary joins (13 B
# each), the route shuffle (7 B) and its output (12 B), all gone but the output when it ends (the dictionary's name
# shuffle, 32 B per edge, is deleted before the edge phase starts); then the checkpoint (embeddings + row-wise state;
# a version may be written while the previous one still exists) and the Parquet export. The run needs the input, the
# larger of the two phases, and 2 GB.
input_phase=0
[[ " ${STAGES:-generate} " == *" generate "* ]] && input_phase=$(( edges * 14 ))
import_phase=$(( edges * 46 ))
later_phase=$(( edges * 13 + nodes * (dim + 1) * 4 * 2 + nodes * (dim * 4 + 40) ))
need=$(( input_phase + (import_phase > later_phase ? import_phase : later_phase) + (2 << 30) ))
mkdir -p "$(dirname "$ws")" "$(dirname "$results")"
avail=$(df -P -B1 "$(dirname "$ws")" | awk 'NR==2 {print $4}')
if (( avail < need )); then
  echo "bench-scale: $size edges need about $(( need >> 30 )) GiB free under $(dirname "$ws"), only $(( avail >> 30 )) GiB are:" \
       "use a smaller SIZE or free space" >&2
  exit 2
fi
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time; }
[[ -f "$results" ]] || printf 'date\tsize\tedges\tnodes\tpartitions\tdim\tstage\tseconds\tunits_per_s\tpeak_rss_mb\tbytes\tfiles\tdisk_peak_bytes\tnote\n' > "$results"

common=(--config conf/demo.conf --set workspace="$ws" --set generate.output="$ws/edges" --set generate.model=clusters
        --set generate.edges="$edges" --set generate.nodes="$nodes" --set generate.clusters=1000 --set generate.relations=1
        --set generate.noise=0.1 --set generate.format=parquet --set generate.overwrite=true
        --set generate.files=$(( (edges + 9999999) / 10000000 ))
        --set generate.validFraction=0 --set generate.testFraction="$test_fraction"
        --set data.train="$ws/edges/train" --set data.valid=[] --set data.test="$ws/edges/test" --set data.format=parquet
        --set graph.entities.node.partitions="$parts" --set import.overwrite=true
        --set model.dimension="$dim" --set model.comparator=dot --set model.relation.operator=none
        --set training.epochs=1 --set training.loss=softmax --set training.learningRate=0.1 --set training.threads=2
        --set training.negatives.chunkSize=50 --set training.negatives.uniform=50 --set training.keepCheckpoints=1
        --set training.overwrite=true --set training.eval.every=0
        --set eval.split=test --set eval.filter=[] --set eval.candidates=1000 --set eval.limit=100000
        --set export.formats=[parquet] --set export.overwrite=true)
# shellcheck disable=SC2206
common+=(${BENCH_SETS:-})

echo "bench-scale: $size = $edges edges, $nodes nodes, $parts partitions, d $dim in $ws (disk: need ~$(( need >> 30 )) GiB," \
     "free $(( avail >> 30 )) GiB; heaps: $heap, train $train_heap)"

# stage NAME HEAP OUTPUT_DIR NOTE UNITS -- command...: runs one stage under GNU time and appends its line to
# results.tsv; UNITS is what the stage's rate counts (the graph's edges, or the sampled test edges eval ranks)
stage() {
  local name="$1" h="$2" out="$3" note="$4" units="$5"; shift 6
  local log="$ws/logs/$name.log" tv="$ws/logs/$name.time"
  mkdir -p "$ws/logs"
  echo "bench-scale: $name ... (log: $log)"
  # the file system's peak use during the stage, above its use at the start (Spark's shuffle files included)
  local used0 peakf="$ws/logs/$name.diskpeak"
  used0=$(df -P -B1 "$ws" | awk 'NR==2 {print $3}')
  echo 0 > "$peakf"
  ( while sleep 2; do u=$(df -P -B1 "$ws" | awk 'NR==2 {print $3}'); p=$(cat "$peakf");
      (( u - used0 > p )) && echo $(( u - used0 )) > "$peakf"; done ) &
  local sampler=$!
  if ! EMBARK_DRIVER_MEMORY="$h" /usr/bin/time -v -o "$tv" "$@" > "$log" 2>&1; then
    kill "$sampler" 2>/dev/null || true
    echo "bench-scale: $name failed; the end of $log:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak
  peak=$(cat "$peakf")
  local wall rss bytes files
  wall=$(python3 - "$tv" <<'PY'
import sys, re
for l in open(sys.argv[1]):
    if 'Elapsed (wall clock)' in l:
        t = l.rsplit(' ', 1)[1].strip().split(':')
        print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(t))))
PY
)
  rss=$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv") / 1024 ))
  bytes=$(du -sb "$out" 2>/dev/null | cut -f1 || echo 0)
  files=$(find "$out" -type f 2>/dev/null | wc -l)
  local rate
  rate=$(python3 -c "print(f'{$units / $wall:.0f}')")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$size" "$edges" "$nodes" "$parts" \
    "$dim" "$name" "$wall" "$rate" "$rss" "$bytes" "$files" "$peak" "$note" >> "$results"
  printf 'bench-scale: %-14s %8.1f s  %12s units/s  peak RSS %6s MB  %14s bytes in %7s files  disk peak +%s bytes  %s\n' "$name" \
    "$wall" "$rate" "$rss" "$bytes" "$files" "$peak" "$note"
}

has() { [[ " $stages " == *" $1 "* ]]; }

if has generate; then
  rm -rf "$ws/edges"
  stage generate "$heap" "$ws/edges" "parquet, clusters model" "$edges" -- scripts/embark generate "${common[@]}"
fi
if has import; then
  stage import "$heap" "$ws/graph" "heap $heap" "$edges" -- scripts/embark import "${common[@]}"
  python3 - "$ws/graph/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for name, s in m["splits"].items():
    print(f"bench-scale: import {name}: {s['edges']:,} edges in {s['bucketIndex']['files']:,} bucket files "
          f"({m['lhsPartitions']} x {m['rhsPartitions']} buckets, at most {s['bucketIndex']['slots']} file(s) each)")
PY
fi
if has train; then
  stage train "$train_heap" "$ws/checkpoints" "1 epoch, heap $train_heap" "$edges" -- scripts/embark train "${common[@]}"
  # opening the dataset's index and planning the epoch, then the epoch itself, from the trainer's log
  grep -E 'planned|done:' "$ws/logs/train.log" | head -2 || true
fi
# eval ranks the first 100,000 test edges (eval.limit), both sides
ranked=$(python3 -c "import json; m=json.load(open('$ws/graph/manifest.json')); print(min(100000, m['splits']['test']['edges']))" \
         2>/dev/null || echo 100000)
if has eval; then
  stage eval "$heap" "$ws/checkpoints" "units: test edges ranked (both sides), 1000 sampled candidates, raw" "$ranked" -- scripts/embark eval "${common[@]}"
  grep -E 'side +MRR|raw +both' "$ws/logs/eval.log" | tail -2 || true
fi
if has export; then
  stage export "$heap" "$ws/export" "parquet; units: entities" "$nodes" -- scripts/embark export "${common[@]}"
fi
if [[ "${BASELINE:-0}" == 1 ]]; then
  base=(--set workspace="$ws/baseline" --set data.train="$ws/edges/train" --set training.learningRate=1e-12)
  mkdir -p "$ws/baseline"
  ln -sfn "$ws/graph" "$ws/baseline/graph"
  stage baseline-train "$train_heap" "$ws/baseline/checkpoints" "learning rate 1e-12: random embeddings" "$edges" -- \
    scripts/embark train "${common[@]}" "${base[@]}"
  stage baseline-eval "$heap" "$ws/baseline/checkpoints" "random embeddings, same eval" "$ranked" -- \
    scripts/embark eval "${common[@]}" "${base[@]}"
  grep -E 'side +MRR|raw +both' "$ws/logs/baseline-eval.log" | tail -2 || true
fi
echo "bench-scale: results appended to $results"
if [[ "${KEEP:-0}" != 1 ]]; then
  rm -rf "$ws/edges" "$ws/graph" "$ws/checkpoints" "$ws/export" "$ws/baseline"
fi
