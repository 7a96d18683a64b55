#!/usr/bin/env bash
# Tokens/s of the Java Llama decoder (src/kvcache) on a random-weight model of a given shape (DecodeSpeed.java):
#   benchmarks/decode-speed.sh [DIM HIDDEN LAYERS HEADS KV_HEADS VOCAB SEQ_LEN [REPEATS]]
#   benchmarks/decode-speed.sh MODEL.bin|MODEL.gguf [REPEATS]        (a checkpoint's own weights)
# Default: stories15M's shape (288, 768, 6, 6, 6, 32000, 256). One table row to the terminal:
#   | dim | hidden | layers | heads/kv | vocab | seq | params | layers | projection MiB | tokens/s best | tokens/s mean |
# LAYERS=PLAN (kv-eval's --layers, e.g. all=ternary) quantizes the projections; KERNELS=NAME picks the backend whose
# low-bit kernels multiply them (default auto: native, else cpu); TOKENS=N decodes N positions a pass (default: the
# whole context).
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl src/kvcache -am)
shape=("${@:-288 768 6 6 6 32000 256}")
# shellcheck disable=SC2068
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
  -Dlayers="${LAYERS:-}" -Dkernels="${KERNELS:-auto}" ${TOKENS:+-Dtokens=$TOKENS} \
  -cp "$home/src/kvcache/target/classes:$home/src/core/target/classes" \
  "$home/benchmarks/kvcache/DecodeSpeed.java" ${shape[@]} 2>/dev/null
