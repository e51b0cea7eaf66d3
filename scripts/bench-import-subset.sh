#!/usr/bin/env bash
# bench-import-subset.sh INPUT_DIR FILES [TAG]
#
# Imports the first FILES Parquet files of INPUT_DIR (e.g. work/bench-scale/1G/edges/train, written by
# `scripts/bench-scale.sh 1G`) with bench-scale's import settings (16 partitions, driver heap 2 GB), and prints the
# wall time of the whole import and of its dictionary phase. A few files of a big run's input keep that run's
# per-task shape (10M edges per file over the big run's node namespace, so most names in a task are distinct) at a
# fraction of its cost: the way to A/B an import change for the big run. Work and logs go to work/import-subset/TAG.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
in="${1:?usage: bench-import-subset.sh INPUT_DIR FILES [TAG]}"; n="${2:?FILES}"; tag="${3:-run}"
ws="$root/work/import-subset/$tag"
rm -rf "$ws"; mkdir -p "$ws/in"
mapfile -t files < <(ls "$in"/*.parquet | head -"$n")
(( ${#files[@]} == n )) || { echo "bench-import-subset: $in has ${#files[@]} Parquet files, not $n" >&2; exit 2; }
ln "${files[@]}" "$ws/in/" 2>/dev/null || cp "${files[@]}" "$ws/in/"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time; }
EMBARK_DRIVER_MEMORY="${IMPORT_HEAP:-2g}" /usr/bin/time -v -o "$ws/time" scripts/embark import --config conf/demo.conf \
  --set workspace="$ws" --set data.train="$ws/in" --set data.valid=[] --set data.test=[] --set data.format=parquet \
  --set graph.entities.node.partitions=16 --set import.overwrite=true --set progress.intervalSeconds=10 > "$ws/import.log" 2>&1
secs() { date -d "$1" +%s; }
start=$(sed -n 's/^\([0-9:]*\) INFO  ImportJob: import: building dictionaries.*/\1/p' "$ws/import.log")
end=$(grep -m1 -E '^[0-9:]+ INFO  (StageProgress: import train|ImportJob: import train)' "$ws/import.log" | cut -d' ' -f1)
echo "bench-import-subset $tag: $n files; import $(sed -n 's/.*Elapsed (wall clock).*: //p' "$ws/time") wall," \
     "dictionary phase about $(( $(secs "$end") - $(secs "$start") )) s (log lines $start -> $end)," \
     "peak RSS $(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$ws/time") / 1024 )) MB"
rm -rf "$ws/in" "$ws/graph"
