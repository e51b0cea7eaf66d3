#!/usr/bin/env bash
# Distributed training throughput on a loopback standalone cluster: the same graph and config trained with 1 and
# with 2 workers (one executor of 1 core per worker, training.threads=1), printing each epoch's edges/s and the
# split of worker time into compute, I/O wait, relation sync (all-reduce) and round barriers.
#
#   scripts/bench-distributed.sh [EPOCHS [WORKER_COUNTS]]      # default: 2 epochs, "1 2"
#
# Graph: fb15k-237 from ../shared/datasets in 4 partitions when it is there (PyTorch-BigGraph's FB15k config:
# d 400, complex_diagonal, dot, softmax, chunks of 50 + 1000 uniform negatives, lr 0.1, N3 1e-3), otherwise the
# demo's generated graph. Results: lines starting with RESULT.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-2}"
counts="${2:-1 2}"
work="$root/work/bench-distributed"
export EMBARK_CLUSTER_DIR="$work/cluster"
data="$root/../shared/datasets/fb15k-237"
if [[ -d "$data" ]]; then
  conf="$root/conf/fb15k-237.conf"
  sets=(--set "workspace=$work/ws" --set "data.train=$data/train.txt" --set "data.valid=$data/valid.txt"
        --set "data.test=$data/test.txt" --set graph.entities.entity.partitions=4
        --set model.dimension=400 --set model.relation.operator=complex_diagonal --set model.comparator=dot
        --set model.initScale=0.001 --set model.regularizer=n3 --set model.regularization=0.001
        --set training.loss=softmax --set training.learningRate=0.1 --set training.negatives.chunkSize=50
        --set training.negatives.uniform=1000)
  what="fb15k-237, PBG FB15k config, 4 partitions"
else
  conf="$root/conf/demo.conf"
  sets=(--set "workspace=$work/ws" --set "generate.output=$work/edges" --set "data.train=$work/edges/train"
        --set "data.valid=$work/edges/valid" --set "data.test=$work/edges/test" --set graph.entities.node.partitions=4)
  what="demo graph (generated), 4 partitions"
  "$root/scripts/embark" generate --config "$conf" "${sets[@]}"
fi
rm -rf "$work/ws"
"$root/scripts/embark" import --config "$conf" "${sets[@]}" --set import.overwrite=true
for w in $counts; do
  rm -rf "$work/ws/checkpoints"
  "$root/scripts/local-cluster.sh" stop || true
  "$root/scripts/local-cluster.sh" start "$w" 1 3g
  log="$work/train-$w.log"
  EMBARK_EXECUTOR_MEMORY=2g "$root/scripts/local-cluster.sh" run train --config "$conf" "${sets[@]}" \
    --set training.epochs="$epochs" --set training.threads=1 --set distributed.workers="$w" > "$log" 2>&1 \
    || { tail -40 "$log"; "$root/scripts/local-cluster.sh" stop; exit 1; }
  "$root/scripts/local-cluster.sh" stop
  grep "done on $w workers" "$log" | sed "s/^.*epoch/RESULT $what, $w worker(s): epoch/"
done
