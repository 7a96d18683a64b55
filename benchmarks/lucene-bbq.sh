#!/usr/bin/env bash
# Lucene 10.6 BBQ against osq on the same vectors and threads, one run per dataset (LuceneBbqComparison):
#   benchmarks/lucene-bbq.sh [DATASET ...]    (default: wordnet/glosses-10k wordnet/glosses-all; needs wordnet-base)
# Threads: every core (THREADS=N to change); LUCENE=false measures our side only. Tables and charts go to
# target/lucene-bbq/<dataset>.md and .png, and the terminal.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests package -pl benchmarks,src/cli -am)
threads="${THREADS:-$(nproc)}"
mkdir -p "$home/target/lucene-bbq"
datasets=("$@")
[[ ${#datasets[@]} -gt 0 ]] || datasets=(wordnet/glosses-10k wordnet/glosses-all)
for d in "${datasets[@]}"; do
  # The CLI's class path carries the datasets and the embedding cache reader; the benchmarks jar carries Lucene.
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx12g -XX:+UseParallelGC \
    -Dbinaryllm.home="$home" -Dbbq.lucene="${LUCENE:-true}" -cp "$home/benchmarks/target/benchmarks.jar:$home/src/cli/target/binaryllm.jar:$home/src/cli/target/lib/*" \
    io.binaryllm.benchmarks.LuceneBbqComparison "$d" "$threads" "$home/target/lucene-bbq/${d//\//-}.md"
done
