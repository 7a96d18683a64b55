#!/usr/bin/env bash
# The Java decoder's float32 decode speed against llama.cpp's on the same GGUF files, one machine, interleaved:
#   benchmarks/llama-cpp-decode.sh [ROUNDS]    (default 3)
# Files (this project's writer, F32): the committed Austen model, and stories110M's shape (768 dims, 2,048 hidden,
# 12 layers, 12 heads, 32,000 tokens, 1,024 positions; seeded random weights, a synthetic tokenizer). Each round runs,
# for each file and 1 and 2 threads, llama-bench tg128 (-r 5: the mean of 5 after its warm-up) and then the Java
# decoder's tg128 (DecodeSpeed -Dtokens=128: the mean of PASSES passes, default 10, after at least 3 untimed ones and
# two seconds: the JIT's warm-up), each in a process of its own confined to the same cores (taskset). The table gives
# each side's median over the rounds and their ratio. llama.cpp is built once by benchmarks/llama-cpp.sh --build (never shipped); work files in $WORK.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
rounds="${1:-3}"
passes="${PASSES:-10}"
bin="$("$home/benchmarks/llama-cpp.sh" --build | tail -1)"
work="${WORK:-$(mktemp -d)}"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl src/kvcache -am) >&2
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g
  -cp "$home/src/kvcache/target/classes:$home/src/core/target/classes")
[[ -s "$work/austen-f32.gguf" ]] || "${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" "$home/models/austen/model-q8.bin" \
  "$home/models/austen/tokenizer.bin" "$work/austen-f32.gguf" float 2>/dev/null >&2
[[ -s "$work/stories110m-f32.gguf" ]] || "${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" \
  "random:768,2048,12,12,12,32000,1024" synthetic "$work/stories110m-f32.gguf" float 2>/dev/null >&2

llama_tg() { # FILE THREADS -> tokens/s
  taskset -c "0-$(($2 - 1))" "$bin/llama-bench" -m "$1" -p 0 -n 128 -r 5 -t "$2" -o csv 2>/dev/null | tail -1 \
    | awk -F, '{gsub(/"/,"",$0); printf "%.1f", $(NF-1)}'
}
java_tg() { # FILE THREADS -> tokens/s
  taskset -c "0-$(($2 - 1))" "${java[@]}" -Dtokens=128 -Dwarmup=3 -Dbinaryllm.threads="$2" \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism="$2" "$home/benchmarks/kvcache/DecodeSpeed.java" "$1" "$passes" \
    2>/dev/null | awk -F'|' '{gsub(/ /,"",$(NF-1)); print $(NF-1)}'
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

declare -A llama_runs java_runs
for ((r = 1; r <= rounds; r++)); do
  for f in austen stories110m; do
    for t in 1 2; do
      l="$(llama_tg "$work/$f-f32.gguf" "$t")"
      j="$(java_tg "$work/$f-f32.gguf" "$t")"
      echo "round $r $f-f32 $t threads: llama.cpp $l, Java $j" >&2
      llama_runs[$f-$t]+="$l "
      java_runs[$f-$t]+="$j "
    done
  done
done
echo "| file | threads | llama.cpp tg128 (rounds) | Java tg128 (rounds) | llama.cpp median | Java median | Java / llama.cpp |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for f in austen stories110m; do
  for t in 1 2; do
    lm="$(tr ' ' '\n' <<< "${llama_runs[$f-$t]}" | grep . | median)"
    jm="$(tr ' ' '\n' <<< "${java_runs[$f-$t]}" | grep . | median)"
    echo "| $f-f32.gguf | $t | ${llama_runs[$f-$t]% } | ${java_runs[$f-$t]% } | $lm | $jm | $(awk -v a="$jm" -v b="$lm" 'BEGIN { printf "%.2fx", a / b }') |"
  done
done
