#!/usr/bin/env bash
# Builds the JMH uber-jar (mvn -Pbench) if missing and runs the benchmarks with short but sane settings:
# 3 warm-up and 5 measured iterations per fork, 3 forks (each fork gets the Chronicle JVM flags from
# @Fork(jvmArgsAppend) in ChronicleFork.java). Extra arguments go to JMH, e.g. a benchmark regex:
#
#   bench/jmh.sh                               # everything (about 8 minutes on 2 cores)
#   bench/jmh.sh JournalAppendBench -p durability=none -f 1
#   bench/jmh.sh -prof gc CodecBench           # allocation per event
#
# Journals go under java.io.tmpdir; -jvmArgsPrepend -Dbench.dir=/path puts them elsewhere (not
# -jvmArgsAppend: that would replace the Chronicle flags). JSON results: bench/target/jmh-result.json.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/bench/target/benchmarks.jar"
if [[ ! -f "$JAR" ]]; then
    (cd "$ROOT" && mvn -B -q -Pbench -DskipTests package -pl bench -am)
fi
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar "$JAR" -wi 3 -i 5 -f 3 -rf json -rff "$ROOT/bench/target/jmh-result.json" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
