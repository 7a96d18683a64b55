#!/usr/bin/env bash
# llama.cpp beside the Java decoder on the Austen model. llama.cpp is the reference implementation and speed peer,
# never a dependency: this script fetches its source (tag v0.5.0, the git bundle inside the npm package
# node-llama-cpp@3.22.1), builds it once into $LLAMA_CPP_DIR (default ~/.cache/binaryllm/llama.cpp; cmake, -DLLAMA_CURL=OFF,
# the host's own instruction set) and compares, on GGUF files this project writes (Gguf.write):
#   tokens      llama-tokenize's ids of the held-out text against the Java tokenizer's
#   perplexity  llama-perplexity (-c 512, the first CHUNKS chunks, second halves scored) against the Java decoder
#               under the same rule (benchmarks/kvcache/LlamaCppPerplexity.java), for F32, llama.cpp's own Q8_0 of
#               the F32 file (its quantizer), and the FFN down projection in TQ2_0 (the Austen model's one projection
#               whose rows are whole 256-weight blocks; the Java decoder quantizes its input per token, llama.cpp in
#               blocks of 256: the difference this measures)
#   speed       llama-bench tg128 and pp512 (mean of 5, after its warm-up) against DecodeSpeed with -Dtokens=128 (mean
#               of $PASSES passes, default 10, after 3 untimed ones: the JIT's warm-up) or 512 (2 after 1), each in its own
#               process (the Java one confined to as many cores as threads), file by file: the Austen files, and
#               stories15M's and a BitNet-like 156M shape with random weights in F32, llama.cpp's own Q8_0, TQ2_0 and
#               TQ1_0 (llama-quantize) and this project's all-ternary file
# Usage: benchmarks/llama-cpp.sh [CHUNKS]   (default 16). Prints markdown to stdout; work files in $WORK (default a
# fresh temporary folder). benchmarks/llama-cpp.sh --build builds llama.cpp (if not built) and stops.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build_only=false
[[ "${1:-}" == --build ]] && { build_only=true; shift; }
chunks="${1:-16}"
passes="${PASSES:-10}"
llama="${LLAMA_CPP_DIR:-$HOME/.cache/binaryllm/llama.cpp}"
work="${WORK:-$(mktemp -d)}"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if [[ ! -x "$llama/build/bin/llama-perplexity" ]]; then
  echo "building llama.cpp into $llama (once; several minutes on 2 cores)" >&2
  src="$(mktemp -d)"
  (cd "$src" && npm pack --silent node-llama-cpp@3.22.1 >/dev/null && tar xzf node-llama-cpp-3.22.1.tgz)
  rm -rf "$llama"
  git clone -q "$src/package/llama/gitRelease.bundle" "$llama"
  cmake -S "$llama" -B "$llama/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
  cmake --build "$llama/build" -j"$(nproc)" --target llama-perplexity llama-bench llama-tokenize llama-quantize >/dev/null
fi
bin="$llama/build/bin"
$build_only && { echo "$bin"; exit 0; }

(cd "$home" && mvn -B -q -DskipTests install -pl src/kvcache -am) >&2
cp="$home/src/kvcache/target/classes:$home/src/core/target/classes"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp")
model="$home/models/austen/model-q8.bin"
tokenizer="$home/models/austen/tokenizer.bin"
text="$home/models/austen/held-out.txt"

"${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" "$model" "$tokenizer" "$work/austen-f32.gguf" float 2>/dev/null >&2
"${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" "$model" "$tokenizer" "$work/austen-down-tq2.gguf" down=ternary 2>/dev/null >&2
"$bin/llama-quantize" "$work/austen-f32.gguf" "$work/austen-q8_0.gguf" Q8_0 >/dev/null 2>&1
# Speed shapes, random weights: stories15M's (288, 768, 6 layers, 6 heads, 32,000 tokens; a synthetic tokenizer) and a
# BitNet-like 156M one (1024, 2816, 12 layers, 16 heads, the Austen vocabulary), both of 512 positions. Files: F32
# (this project's writer), llama.cpp's Q8_0, TQ2_0 and TQ1_0 of it (llama-quantize, its defaults), and this project's
# all-ternary file (TQ2_0 where rows are whole 256-weight blocks).
write_random() { # NAME SHAPE TOKENIZER
  "${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" "random:$2" "$3" "$work/$1-f32.gguf" float 2>/dev/null >&2
  "${java[@]}" "$home/benchmarks/kvcache/WriteGguf.java" "random:$2" "$3" "$work/$1-ours-ternary.gguf" all=ternary 2>/dev/null >&2
  for q in Q8_0 TQ2_0 TQ1_0; do
    "$bin/llama-quantize" "$work/$1-f32.gguf" "$work/$1-$(tr 'A-Z' 'a-z' <<< "$q").gguf" "$q" >/dev/null 2>&1
  done
}
write_random stories15m 288,768,6,6,6,32000,512 synthetic
write_random bitnet156m 1024,2816,12,16,16,2048,512 "$tokenizer"

# llama-perplexity's final line is logged by a thread that does not always flush before exit: asked again when missing
llama_ppl() {
  local out=""
  for _ in 1 2 3; do
    out="$("$bin/llama-perplexity" -m "$1" -f "$text" -c 512 -b 512 --chunks "$chunks" -t "$(nproc)" 2>&1 \
      | sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p')"
    [[ -n "$out" ]] && break
  done
  echo "$out"
}

echo "## Tokens"
echo
"$bin/llama-tokenize" -m "$work/austen-f32.gguf" -f "$text" --ids --log-disable 2>/dev/null | tr -d '[] ' | tr ',' '\n' | sed '/^$/d' > "$work/llama-ids.txt"
ppl_java() { # FILE PLAN -> the Java decoder's PPL under llama-perplexity's rule (and the Java token ids)
  "${java[@]}" -Dlayers="$2" "$home/benchmarks/kvcache/LlamaCppPerplexity.java" "$1" "$tokenizer" "$text" 512 "$chunks" "$work/java-ids.txt" 2>/dev/null
}
java_f32="$(ppl_java "$work/austen-f32.gguf" "")"
if cmp -s "$work/llama-ids.txt" "$work/java-ids.txt"; then
  echo "llama-tokenize and the Java tokenizer: the same $(wc -l < "$work/java-ids.txt") token ids (BOS first)."
else
  echo "llama-tokenize and the Java tokenizer differ: $(wc -l < "$work/llama-ids.txt") and $(wc -l < "$work/java-ids.txt") ids; first difference:"
  cmp "$work/llama-ids.txt" "$work/java-ids.txt" | head -1 || true
fi
echo
echo "## Perplexity (first $chunks chunks of 512 tokens, second halves scored)"
echo
echo "| file | llama-perplexity | Java decoder | Java / llama.cpp - 1 |"
echo "| --- | --- | --- | --- |"
for name in f32 q8_0 down-tq2; do
  lp="$(llama_ppl "$work/austen-$name.gguf")"
  # the file carries its plan (binaryllm.layers): the Java decoder reads the TQ2_0 blocks as they are
  if [[ "$name" == f32 ]]; then java_line="$java_f32"; else java_line="$(ppl_java "$work/austen-$name.gguf" "")"; fi
  java_ppl="$(sed -n 's/.*PPL = \([0-9.]*\).*/\1/p' <<< "$java_line")"
  echo "| austen-$name.gguf | $lp | $java_ppl | $(awk -v a="$java_ppl" -v b="$lp" 'BEGIN { printf "%+.2e", a / b - 1 }') |"
done
echo
echo "## Speed (tokens/s; llama-bench: mean of 5 after its warm-up; Java: tg128 the mean of $passes passes after 3 untimed ones, pp512 of 2 after 1)"
echo
echo "tg128: 128 tokens decoded from an empty cache. pp512: a prompt of 512 tokens; llama.cpp evaluates it in one batch,"
echo "the Java decoder (no batched prompt yet) token by token. The Java decoder multiplies files of its own low-bit"
echo "projections (this project's writer) through the native backend's kernels, and every other type in float."
echo "\"not read\": the Java reader refuses the file's types; \"failed\": llama.cpp could not run it."
echo
echo "| file | test | threads | llama-bench | Java decoder | Java / llama.cpp |"
echo "| --- | --- | --- | --- | --- | --- |"
speed() { # FILE TEST(tg128|pp512) THREADS [JAVA: run, or the words to print instead]
  local f="$1" test="$2" t="$3" java_note="${4:-run}" args tokens warm runs
  if [[ "$test" == tg128 ]]; then args=(-p 0 -n 128); tokens=128; warm=3; runs="$passes"; else args=(-p 512 -n 0); tokens=512; warm=1; runs=2; fi
  local llama_ts java_ts
  llama_ts="$("$bin/llama-bench" -m "$work/$f.gguf" "${args[@]}" -r 5 -t "$t" -o csv 2>/dev/null | tail -1 \
    | awk -F, '{gsub(/"/,"",$0); if ($(NF-1) + 0 > 0) printf "%.1f", $(NF-1)}')" || true
  [[ -z "$llama_ts" ]] && llama_ts="failed"
  if [[ "$java_note" != run ]]; then
    echo "| $f.gguf | $test | $t | $llama_ts | $java_note | |"
    return
  fi
  java_ts="$(taskset -c 0-$((t - 1)) "${java[@]}" -Dtokens="$tokens" -Dwarmup="$warm" -Dbinaryllm.threads="$t" \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism="$t" "$home/benchmarks/kvcache/DecodeSpeed.java" "$work/$f.gguf" "$runs" \
    2>"$work/java.err" | awk -F'|' '{print $(NF-1)}' | tr -d ' ')" || true
  if [[ -z "$java_ts" ]]; then
    java_ts="not read: $(grep -m1 -o 'BadInputException: .*' "$work/java.err" | cut -c20-160)"
  fi
  echo "| $f.gguf | $test | $t | $llama_ts | $java_ts | $(awk -v a="$java_ts" -v b="$llama_ts" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b }') |"
}
for f in austen-f32 austen-q8_0 austen-down-tq2; do
  for t in 1 2; do speed "$f" tg128 "$t"; done
done
# The Java decoder reads llama.cpp's Q8_0, TQ2_0 and TQ1_0 files into float and decodes them as it decodes F32: their
# rows would repeat the F32 row's measurement, so they say so instead of taking the time again.
for shape in stories15m bitnet156m; do
  for q in f32 q8_0 tq2_0 tq1_0 ours-ternary; do
    note=run
    [[ "$q" == q8_0 || "$q" == tq2_0 || "$q" == tq1_0 ]] && note="as F32 (read into float)"
    for t in 1 2; do speed "$shape-$q" tg128 "$t" "$note"; done
    speed "$shape-$q" pp512 2 "$note"
  done
done
