#!/usr/bin/env bash
# Builds the JMH benchmarks (the reactor's benchmarks module and what it needs), then runs them:
#   benchmarks/run-jmh.sh [JMH options, e.g. SearchBench -p bits=256]
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
JAVA_HOME="$("$home/bin/find-jdk25")"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$home" && mvn -B -q -DskipTests package -pl benchmarks -am)
exec "$JAVA_HOME/bin/java" -jar "$home/benchmarks/target/benchmarks.jar" "$@"
