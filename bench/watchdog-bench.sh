#!/usr/bin/env bash
# Replays watchdog scenarios 1 (the upload wedges: detect, restart, drain) and 2 (the destination is down longer
# than stall_timeout: alert, no restart) with the built distribution, and prints time-to-detect (fault → the
# watchdog's decision), time-to-repair (fault → the first batch accepted afterwards), events lost and duplicated.
#
#   bench/watchdog-bench.sh [STALL_TIMEOUT...]     default: 5s 60s (60s is the default stall_timeout)
#
# Other watchdog settings are the defaults (WatchdogConfig). Builds offline with Maven; nothing is installed.
# Every process it starts is killed at the end of each scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mvn -B -o -q -pl packaging -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="packaging/target/test-classes:$(cat "$WORK/cp.txt")"

java -Dgapless.home="$PWD/packaging/target/gapless" -cp "$CP" dev.gapless.it.watchdog.WatchdogBench ${@:-5s 60s}
