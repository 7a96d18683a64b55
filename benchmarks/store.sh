#!/usr/bin/env bash
# BinaryEmbeddingStore against langchain4j's InMemoryEmbeddingStore and the backend's bare scan (StoreComparison):
#   benchmarks/store.sh [DATASET [SIZES]]    (default: wordnet/glosses-all 100000,all,1000000; needs wordnet-base)
# or at a size whose vectors exceed the heap, streamed in, under HEAP (default 2g) (StoreScale):
#   benchmarks/store.sh --scale ENTRIES BINARIZER BITS [DATASET]   (e.g. --scale 10000000 osq 1: 2 x 15 GB of disk)
# The CLI's class path carries the datasets and the embedding model; langchain4j's own jar comes from Maven.
# One client thread unless said; -Dstore.queries=N (default 500); STORE_OPTS for more -D options. Scratch files and
# saved copies go to target/store-bench (about 2 x 1.5 GB at 1M); the table to target/store-bench/<dataset>.md.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl benchmarks,src/cli -am && mvn -B -q dependency:build-classpath -pl benchmarks \
  -Dmdep.outputFile="$home/benchmarks/target/classpath.txt")
cp="$home/benchmarks/target/classes:$home/src/cli/target/binaryllm.jar:$home/src/cli/target/lib/*:$(cat "$home/benchmarks/target/classpath.txt")"
jvm=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Dbinaryllm.home="$home")
mkdir -p "$home/target/store-bench"
if [[ "${1:-}" == "--scale" ]]; then
  # shellcheck disable=SC2086
  exec "${jvm[@]}" -Xmx"${HEAP:-2g}" ${STORE_OPTS:-} -cp "$cp" io.binaryllm.benchmarks.StoreScale "${5:-wordnet/glosses-all}" "$2" "$3" "$4" \
    "$home/target/store-bench/scratch"
fi
dataset="${1:-wordnet/glosses-all}"
sizes="${2:-100000,all,1000000}"
# shellcheck disable=SC2086
"${jvm[@]}" -Xmx16g ${STORE_OPTS:-} -cp "$cp" io.binaryllm.benchmarks.StoreComparison "$dataset" "$sizes" \
  "$home/target/store-bench/${dataset//\//-}.md"
