#!/usr/bin/env bash
# Training throughput (and optionally quality) benchmark of the embedding module on a TSV knowledge graph.
#   scripts/bench-train.sh [key=value ...]     e.g.  scripts/bench-train.sh preset=pbg epochs=3 threads=2
# Keys: data work preset(pbg|complex-n3|wn18|dot100) epochs threads partitions dim eval evalEvery lr n3 all uniform chunk batch shared
# (see embedding/src/test/java/io/embark/embedding/bench/TrainBenchmark.java). Prints RESULT lines.
# EMBARK_BENCH_JAVA_OPTS: extra JVM options, e.g. -Dembark.simd=false for the scalar loops.
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenBLAS 0.3.19 does not recognise AMD Zen 5: pick its kernels from the CPU flags before the JVM loads it.
export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$(scripts/openblas-coretype)}"
export OMP_NUM_THREADS=1

mvn -B -o -q -pl embedding test-compile
mvn -B -o -q -pl embedding dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="embedding/target/test-classes:embedding/target/classes:$(cat embedding/target/bench.classpath)"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
# the Vector API module, as Spark's launcher and scripts/embark give it (embedding's FloatMath uses it when present)
exec java --add-modules=jdk.incubator.vector $(scripts/jvm-hugepages) ${EMBARK_BENCH_JAVA_OPTS:-} -Xmx${EMBARK_BENCH_XMX:-6g} -Djava.util.logging.SimpleFormatter.format='%1$tT %5$s%n' \
  -cp "$CP" io.embark.embedding.bench.TrainBenchmark "$@"
