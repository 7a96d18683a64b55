#!/usr/bin/env bash
# BinaryEmbeddingStore against langchain4j's InMemoryEmbeddingStore and the backend's bare scan (StoreComparison):
#   benchmarks/store.sh [DATASET [SIZES]]    (default: wordnet/glosses-all 100000,all,1000000; needs wordnet-base)
# The CLI's class path carries the datasets and the embedding model; langchain4j's own jar comes from Maven.
# One client thread unless said; -Dstore.queries=N (default 500); STORE_OPTS for more -D options. Scratch files and
# saved copies go to target/store-bench (about 2 x 1.5 GB at 1M); the table to target/store-bench/<dataset>.md.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl benchmarks,src/cli -am && mvn -B -q dependency:build-classpath -pl benchmarks \
  -Dmdep.outputFile="$home/benchmarks/target/classpath.txt")
dataset="${1:-wordnet/glosses-all}"
sizes="${2:-100000,all,1000000}"
mkdir -p "$home/target/store-bench"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g -XX:+UseParallelGC \
  -Dbinaryllm.home="$home" ${STORE_OPTS:-} -cp "$home/benchmarks/target/classes:$home/src/cli/target/binaryllm.jar:$home/src/cli/target/lib/*:$(cat "$home/benchmarks/target/classpath.txt")" \
  io.binaryllm.benchmarks.StoreComparison "$dataset" "$sizes" "$home/target/store-bench/${dataset//\//-}.md"
