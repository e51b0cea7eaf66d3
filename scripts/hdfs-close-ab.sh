#!/usr/bin/env bash
# A/B of HDFS close retries (jobs/src/main/java/io/embark/jobs/HdfsCloseRetry.java): runs LocalClusterTest's HDFS case
# (2 executors on a loopback standalone cluster, workspace on a MiniDFSCluster) PAIRS times with Embark's default (first
# retry after 25 ms) and with Hadoop's (400 ms, set as the user would), alternating, and prints each run's training time
# and epoch times from the driver log that the test reports.
#   scripts/hdfs-close-ab.sh [PAIRS]      (default 2; about 2.5 min per run on 2 cores; run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-2}
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX}
mvn -B -o -q -DskipTests -pl jobs -am install
OUT=jobs/target/surefire-reports/io.embark.jobs.LocalClusterTest-output.txt
for i in $(seq 1 "$PAIRS"); do
  for variant in embark hadoop; do
    opts=()
    if [ "$variant" = hadoop ]; then
      opts=("-Dembark.localcluster.driverOpts=-Dspark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=400")
    fi
    mvn -B -o -q -pl jobs test "${opts[@]}" -Dtest='LocalClusterTest#twoExecutorsTrainWithTheWorkspaceOnHdfs' \
      -Dsurefire.failIfNoSpecifiedTests=false > "jobs/target/hdfs-close-ab-$variant-$i.log" 2>&1
    python3 - "$variant" "$i" "$OUT" <<'PY'
import re, sys
variant, i, path = sys.argv[1], sys.argv[2], sys.argv[3]
lines = [l for l in open(path) if l.startswith("RESULT")]
epochs = []
for l in lines:
    m = re.search(r"Trainer: epoch (\d+)/\d+ done: [\d,]+ edges in ([\d.]+) s", l)
    if m and int(m.group(1)) > 1:
        epochs.append(float(m.group(2)))
stamps = [l.split()[1] for l in lines if "rounds per epoch" in l or "epoch(s) in" in l]
def sec(t):
    h, m, s = map(int, t.split(":")); return h * 3600 + m * 60 + s
train = sec(stamps[-1]) - sec(stamps[0]) if len(stamps) >= 2 else float("nan")
print(f"{variant:6s} run {i}: training {train} s (first to last driver line), epochs 2-8 "
      + " ".join(f"{e:.1f}" for e in epochs) + f" s, mean {sum(epochs) / max(1, len(epochs)):.2f} s")
PY
  done
done
