#!/usr/bin/env bash
# Lucene 10.6 BBQ against osq on the same vectors and threads, each configuration in a JVM of its own (LuceneBbqComparison):
#   benchmarks/lucene-bbq.sh [DATASET ...]    (default: wordnet/glosses-10k wordnet/glosses-all; needs wordnet-base)
# Lucene indexes with DOT_PRODUCT (the vectors are unit length: its documented setting for normalised embeddings).
# Every process gets the same JVM options and threads and times the same way (PassTimer: query encoding inside every
# pass, 2 s of warm-up, the median pass of at least 3 s). ROUNDS (default 3) rounds alternate Lucene's processes with
# ours, the order reversed every other round; the report takes each configuration's median over the rounds.
# THREADS=N (default: every core); BACKENDS="native cpu" (opencl on pocl is a correctness path, not a speed claim);
# PER_QUERY="native": backends also measured one query a search call on each thread, as Lucene is queried.
# Rows per process go to target/lucene-bbq/<dataset>/, tables and charts to target/lucene-bbq/<dataset>.md and .png.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests package -pl benchmarks,src/cli -am)
threads="${THREADS:-$(nproc)}"
rounds="${ROUNDS:-3}"
read -r -a backends <<< "${BACKENDS:-native cpu}"
read -r -a per_query <<< "${PER_QUERY:-native}"
datasets=("$@")
[[ ${#datasets[@]} -gt 0 ]] || datasets=(wordnet/glosses-10k wordnet/glosses-all)

java_run() {
  # The CLI's class path carries the datasets and the embedding cache reader; the benchmarks jar carries Lucene.
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx12g -XX:+UseParallelGC \
    -Dbinaryllm.home="$home" -Dbinaryllm.threads="$threads" \
    -cp "$home/benchmarks/target/benchmarks.jar:$home/src/cli/target/binaryllm.jar:$home/src/cli/target/lib/*" \
    io.binaryllm.benchmarks.bbq.LuceneBbqComparison "$@"
}

for d in "${datasets[@]}"; do
  name="${d//\//-}"
  rows="$home/target/lucene-bbq/$name"
  rm -rf "$rows" && mkdir -p "$rows"
  # One round's processes, Lucene's and ours alternating.
  configs=()
  for bits in 1 2 4; do
    configs+=("lucene $bits")
    for b in "${backends[@]}"; do configs+=("osq $b $bits"); done
    for b in "${per_query[@]}"; do configs+=("osq1 $b $bits"); done
  done
  for b in "${backends[@]}"; do configs+=("sign $b"); done
  for ((r = 1; r <= rounds; r++)); do
    order=("${configs[@]}")
    if ((r % 2 == 0)); then
      order=(); for ((i = ${#configs[@]} - 1; i >= 0; i--)); do order+=("${configs[i]}"); done
    fi
    for c in "${order[@]}"; do
      read -r -a a <<< "$c"
      echo "== $d round $r: $c"
      java_run "${a[0]}" "$d" "$threads" "${a[@]:1}" "$rows/round$r-${c// /-}.tsv"
    done
  done
  java_run report "$d" "$threads" "$rows" "$home/target/lucene-bbq/$name.md"
done
