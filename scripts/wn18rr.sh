#!/usr/bin/env bash
# Derives WN18RR (Dettmers et al. 2018) from WN18 (../shared/datasets/wn18): WN18RR is WN18 without the 7 relations
# that are inverses of others, i.e. these 11 relations' triples of each split. The counts it prints must be WN18RR's
# published ones, 86,835 / 3,034 / 3,134 triples (40,943 entities in WN18; 40,559 appear in WN18RR's train).
#   scripts/wn18rr.sh [OUT]     (default work/wn18rr; writes OUT/train.txt, valid.txt, test.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/datasets/wn18
out="${1:-work/wn18rr}"
[[ -f $src/train.txt ]] || { echo "wn18rr: needs $src (WN18)" >&2; exit 1; }
mkdir -p "$out"
keep='_(hypernym|derivationally_related_form|member_meronym|has_part|synset_domain_topic_of|instance_hypernym|also_see|verb_group|member_of_domain_region|member_of_domain_usage|similar_to)'
for split in train valid test; do
  grep -E "	${keep}	" "$src/$split.txt" > "$out/$split.txt.tmp"
  mv "$out/$split.txt.tmp" "$out/$split.txt"
done
printf 'wn18rr: %s triples train / valid / test (WN18RR: 86,835 / 3,034 / 3,134), %s relations, %s entities in train\n' \
  "$(wc -l < "$out/train.txt") / $(wc -l < "$out/valid.txt") / $(wc -l < "$out/test.txt")" \
  "$(cut -f2 "$out/train.txt" | sort -u | wc -l)" "$(cut -f1,3 "$out/train.txt" | tr '\t' '\n' | sort -u | wc -l)"
