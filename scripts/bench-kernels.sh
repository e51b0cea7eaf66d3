#!/usr/bin/env bash
# JMH benchmarks of the training kernels (embedding/src/test/java/io/embark/embedding/bench/ChunkStepJmh.java):
# the whole chunk step, its row-wise Adagrad and its softmax, with PyTorch-BigGraph's FB15k shapes, one thread.
# Also VectorLoopJmh (why VectorMath's loops never start from a constant vector): scripts/bench-kernels.sh -prof gc VectorLoopJmh,
# ShuffleJmh (the epoch's shuffle of a bucket's edges) and TableFileJmh (a checkpoint table written and read with and
# without Hadoop's .crc sidecars; writes into work/bench-table-file)
#   scripts/bench-kernels.sh                       # all, d 400 and 100
#   scripts/bench-kernels.sh -p dim=400 -p impl=blas,nd4j step    # any JMH options and a benchmark regex
#   SIMD=false scripts/bench-kernels.sh -p dim=400                 # the scalar loops instead of the Vector API ones
# (a -jvmArgsAppend given here replaces the one below: keep --add-modules=jdk.incubator.vector in it)
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenBLAS 0.3.19 does not recognise AMD Zen 5: pick its kernels from the CPU flags before the JVM loads it.
export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$(scripts/openblas-coretype)}"
export OMP_NUM_THREADS=1

mvn -B -o -q -pl allreduce,partitioning,embedding -am test-compile
mvn -B -o -q -pl embedding dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
# this checkout's modules ahead of the classpath Maven resolves, which names the sibling modules' jars as last installed
CP="embedding/target/test-classes:embedding/target/classes:partitioning/target/classes:allreduce/target/classes:$(cat embedding/target/bench.classpath)"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $# -eq 0 ]]; then set -- ChunkStepJmh; fi
exec java -cp "$CP" org.openjdk.jmh.Main -jvmArgsAppend "-Xmx4g --add-modules=jdk.incubator.vector -Dembark.simd=${SIMD:-true}" "$@"
