#!/usr/bin/env bash
# The chunk step's sgemm shapes (embedding/src/test/java/io/embark/embedding/bench/SgemmShapes.java), one BLAS thread,
# on the OpenBLAS that ND4J brings (0.3.19) and, side by side in the same run, on a newer JavaCPP OpenBLAS build
# (EMBARK_NEW_OPENBLAS, default 0.3.31-1.5.13, fetched into the local Maven repository on first use).
#   scripts/bench-sgemm.sh [d] [iterations]        e.g.  scripts/bench-sgemm.sh 400 300
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${EMBARK_OPENBLAS_CORETYPE:-$(scripts/openblas-coretype)}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
new="${EMBARK_NEW_OPENBLAS:-0.3.31-1.5.13}"
javacpp="${new##*-}"
mvn -B -o -q -pl allreduce,partitioning,embedding -am test-compile
mvn -B -o -q -pl embedding dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
repo="${EMBARK_MAVEN_REPO:-$HOME/.m2/repository}"   # the local Maven repository
newcp="embedding/target/test-classes"
for a in "org.bytedeco:javacpp:$javacpp" "org.bytedeco:javacpp:$javacpp:jar:linux-x86_64" \
         "org.bytedeco:openblas:$new" "org.bytedeco:openblas:$new:jar:linux-x86_64"; do
  IFS=: read -r g art v _ cls <<<"$a"
  jar="$repo/${g//.//}/$art/$v/$art-$v${cls:+-$cls}.jar"
  [[ -f "$jar" ]] || mvn -B -q dependency:get -Dartifact="$a" -Dtransitive=false >/dev/null
  newcp="$newcp:$jar"
done
echo "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  echo "== ND4J's OpenBLAS (0.3.19), round $round"
  java -cp "embedding/target/test-classes:$(cat embedding/target/bench.classpath)" io.embark.embedding.bench.SgemmShapes "$@" 2>&1 | grep RESULT
  echo "== OpenBLAS $new, round $round"
  java -cp "$newcp" io.embark.embedding.bench.SgemmShapes "$@" 2>&1 | grep RESULT
done
