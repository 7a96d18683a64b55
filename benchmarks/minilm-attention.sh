#!/usr/bin/env bash
# Cache policies on all-MiniLM-L6-v2's real attention over WordNet glosses (MiniLmAttention.java; needs Debian's
# wordnet-base): benchmarks/minilm-attention.sh [WINDOWS BUDGET]   (default 8 windows of 256 tokens, budget 64)
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl src/cli -am && mvn -B -q dependency:build-classpath -pl src/cli \
  -Dmdep.outputFile="$home/src/cli/target/classpath.txt")
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g \
  -cp "$home/src/cli/target/classes:$(cat "$home/src/cli/target/classpath.txt")" \
  "$home/benchmarks/kvcache/MiniLmAttention.java" "${1:-8}" "${2:-64}" 2>/dev/null
