#!/usr/bin/env bash
# The KV cache policies' selection cost against the attention it replaces (SelectionCost.java), per decoded token and
# layer: benchmarks/selection-cost.sh [HEAD_SIZE HEADS KV_HEADS BACKENDS N...]
# Default: stories15M's heads (48 x 6, 6 key/value heads), backends reference,cpu,native, contexts 256 1024 4096.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl src/kvcache -am)
args=("${@:-48 6 6 reference,cpu,native 256 1024 4096}")
# shellcheck disable=SC2068
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
  -cp "$home/src/kvcache/target/classes:$home/src/core/target/classes" \
  "$home/benchmarks/kvcache/SelectionCost.java" ${args[@]} 2>/dev/null
