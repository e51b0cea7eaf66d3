#!/usr/bin/env bash
# Out-of-core check (conf/out-of-core.conf): generate and import with the default driver memory, then train with a
# JVM capped well below the size of the model (heap EMBARK_OOC_HEAP, default 700m; direct and JavaCPP off-heap
# EMBARK_OOC_OFFHEAP, default 100m) and report the model size, the cap and the trainer's peak RSS (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
config=conf/out-of-core.conf
heap="${EMBARK_OOC_HEAP:-700m}"
off="${EMBARK_OOC_OFFHEAP:-100m}"
if [[ "${1:-}" != "--train-only" ]]; then
  scripts/embark generate --config "$config"
  scripts/embark import --config "$config"
fi
rm -rf work/out-of-core/checkpoints
EMBARK_DRIVER_MEMORY="$heap" \
EMBARK_JAVA_OPTS="-XX:MaxDirectMemorySize=$off -Dorg.bytedeco.javacpp.maxbytes=$off -Dorg.bytedeco.javacpp.maxphysicalbytes=$heap" \
  /usr/bin/time -v -o work/out-of-core/time.txt scripts/embark train --config "$config"
entities=$(python3 -c 'import json; m=json.load(open("work/out-of-core/graph/manifest.json")); print(sum(t["count"] for t in m["entityTypes"]))')
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' work/out-of-core/time.txt)
python3 - "$entities" "$heap" "$off" "$rss_kb" <<'PY'
import sys
ent, heap, off, rss = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def mb(s):
    return float(s[:-1]) * (1024 if s[-1] in 'gG' else 1)
model = ent * (64 * 4 + 4) / 2**20
cap = mb(heap) + mb(off)
print(f"RESULT out-of-core: {ent:,} entities x 64: embeddings + Adagrad state {model:,.0f} MiB; "
      f"JVM cap {cap:,.0f} MiB (heap {heap} + off-heap {off}), model / cap = {model / cap:.2f}; peak RSS {rss / 1024:,.0f} MiB")
PY
