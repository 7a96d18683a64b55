#!/usr/bin/env bash
# ShardedSearch in Spark local mode against one machine's search of the same shards, same cores (SparkOverhead.java):
#   benchmarks/spark-overhead.sh ROWS QUERIES SHARDS [MASTER]     e.g. 1000000 1000 8 (10^9 pairs)
# MASTER: local[N] (default: local[all cores]) or local-cluster[EXECUTORS,CORES,MB] (separate executor processes; the
# Spark home they are launched from is an empty one under target/, their class path this JVM's). TASK_THREADS=N in
# the environment sets -Dbinaryllm.threads on the executors.
# Shards go to target/spark-overhead/<rows>-<shards>/ (kept for reruns); one table row to the terminal.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests install -pl src/spark -am && mvn -B -q dependency:build-classpath -pl src/spark \
  -Dmdep.outputFile="$home/src/spark/target/classpath.txt")
master="${4:-local[$(nproc)]}"
export SPARK_HOME="$home/target/spark-home" SPARK_SCALA_VERSION=2.13
mkdir -p "$SPARK_HOME/jars"
# Spark's own module openings (its launcher passes them; a JVM that embeds Spark must too).
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  "${opens[@]}" -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -Xmx8g \
  -cp "$home/src/spark/target/classes:$(cat "$home/src/spark/target/classpath.txt")" \
  "$home/benchmarks/spark/SparkOverhead.java" "$1" "$2" "$3" "$master" "$home/target/spark-overhead/$1-$3" 2>/dev/null
