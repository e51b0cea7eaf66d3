#!/usr/bin/env bash
# split-edges.sh EDGES OUTDIR [TEST_FRACTION] [SEED]
# A random train/test split of a plain edge list with a fixed seed (PBG's LiveJournal protocol: 75/25), written as
# OUTDIR/train.tsv and OUTDIR/test.tsv. Comment lines (#) are dropped. Deterministic for a given seed.
set -euo pipefail
edges="$1"; out="$2"; frac="${3:-0.25}"; seed="${4:-1}"
mkdir -p "$out"
awk -v frac="$frac" -v seed="$seed" -v out="$out" 'BEGIN { srand(seed) }
  /^#/ || NF < 2 { next }
  { if (rand() < frac) print $1 "\t" $2 > (out "/test.tsv"); else print $1 "\t" $2 > (out "/train.tsv") }' "$edges"
wc -l "$out"/train.tsv "$out"/test.tsv
