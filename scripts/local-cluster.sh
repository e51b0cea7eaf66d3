#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, from the Maven classpath (no Spark distribution needed).
#
#   scripts/local-cluster.sh start [WORKERS [CORES_PER_WORKER [MEMORY]]]   # default 2 workers, 1 core, 2g each
#   scripts/local-cluster.sh run <command> --config FILE [--set key=value ...] # a driver JVM against the cluster
#   scripts/local-cluster.sh stop
#
# State (logs, pid, master URL) lives in ${EMBARK_CLUSTER_DIR:-work/local-cluster}. `run` gives executors the same
# classpath and JVM flags (spark.executor.extraClassPath / extraJavaOptions) and one executor per worker core
# (spark.executor.cores=1, spark.cores.max = workers x cores); EMBARK_EXECUTOR_MEMORY (default 1g) sizes them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${EMBARK_CLUSTER_DIR:-$root/work/local-cluster}"
jobs="$root/jobs/target"
opens="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' "$root/pom.xml")"

classpath() {
  if [[ ! -f "$jobs/classpath.txt" ]] || ! ls "$jobs"/embark-jobs-*[0-9T].jar >/dev/null 2>&1; then
    (cd "$root" && mvn -B -q -DskipTests -pl jobs -am package) >&2
  fi
  echo "$(ls "$jobs"/embark-jobs-*[0-9T].jar | head -1):$(cat "$jobs/classpath.txt")"
}

case "${1:-}" in
  start)
    workers="${2:-2}"; cores="${3:-1}"; memory="${4:-2g}"
    if [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "already running: $(cat "$state/master")" >&2; exit 1
    fi
    mkdir -p "$state"
    cp="$(classpath)"
    # shellcheck disable=SC2086
    nohup java -Xmx256m $opens -Dembark.java.opens="$opens" -cp "$cp" io.embark.jobs.cluster.LoopbackCluster \
      "$state" "$workers" "$cores" "$memory" > "$state/cluster.out" 2>&1 &
    echo $! > "$state/pid"
    echo "$((workers * cores))" > "$state/slots"
    for _ in $(seq 1 240); do
      if grep -q '^spark://' "$state/cluster.out" 2>/dev/null; then
        grep '^spark://' "$state/cluster.out" | head -1 > "$state/master"
        echo "master $(cat "$state/master"), $workers worker(s) x $cores core(s); logs in $state" >&2
        exit 0
      fi
      kill -0 "$(cat "$state/pid")" 2>/dev/null || { cat "$state/cluster.out" >&2; exit 1; }
      sleep 0.5
    done
    echo "cluster did not come up in 2 minutes; see $state" >&2; exit 1 ;;
  run)
    shift
    [[ -f "$state/master" ]] || { echo "no cluster: scripts/local-cluster.sh start first" >&2; exit 1; }
    cp="$(classpath)"
    log4j=log4j2.properties
    for a in "$@"; do [[ "$a" == --verbose ]] && log4j=log4j2-verbose.properties; done
    export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$("$root/scripts/openblas-coretype")}"
    # shellcheck disable=SC2086
    exec java -Xmx"${EMBARK_DRIVER_MEMORY:-2g}" $opens \
      -Dlog4j2.configurationFile="$root/conf/$log4j" \
      -Dspark.master="$(cat "$state/master")" -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 \
      -Dspark.ui.enabled=false -Dspark.executor.cores=1 -Dspark.cores.max="$(cat "$state/slots")" \
      -Dspark.executor.memory="${EMBARK_EXECUTOR_MEMORY:-1g}" \
      -Dspark.executorEnv.OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE" \
      -Dspark.executor.extraClassPath="$cp" -Dspark.executor.extraJavaOptions="$opens $("$root/scripts/jvm-hugepages")" \
      -cp "$cp" io.embark.jobs.Main "$@" ;;
  stop)
    if [[ -f "$state/pid" ]]; then
      kill "$(cat "$state/pid")" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$(cat "$state/pid")" 2>/dev/null || break; sleep 0.5; done
      rm -f "$state/pid" "$state/master"
    fi ;;
  *)
    sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
