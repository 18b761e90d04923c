#!/usr/bin/env bash
# Measures `gapless audit` throughput: generates N envelope lines (default 5,000,000), audits
# them on one core with a small heap, and prints events/s per round (by the wall clock and by the
# process's CPU time, which a shared machine disturbs less) and the peak RSS.
#
#   bench/audit-bench.sh [N] [ROUNDS] [SHAPE]
#
# SHAPE: access (default; access-log lines, 525 bytes on average) or short (300 bytes on average).
# Round 1 runs in a cold JVM, as a user's one `gapless audit` does.
# AUDIT_BENCH_JVM_OPTS adds JVM flags (e.g. -XX:TieredStopAtLevel=1, as the launcher's default);
# AUDIT_BENCH_HEAP sets -Xmx (128m); AUDIT_BENCH_DIR keeps the generated data between runs.
#
# Uses the audit module's test classpath (built offline with Maven; nothing is installed).
set -euo pipefail
N="${1:-5000000}"
ROUNDS="${2:-3}"
SHAPE="${3:-access}"
read -r -a JVM_OPTS <<< "${AUDIT_BENCH_JVM_OPTS:-}"
HEAP="${AUDIT_BENCH_HEAP:-128m}"
cd "$(dirname "$0")/.."
WORK="${AUDIT_BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"

mvn -B -o -q -pl audit -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="audit/target/test-classes:audit/target/classes:$(cat "$WORK/cp.txt")"

DATA="$WORK/events-$SHAPE-$N.ndjson"
if [[ ! -s "$DATA" ]]; then
    echo "generating $N lines into $DATA"
    java -cp "$CP" dev.gapless.audit.AuditBench generate "$DATA" "$N" "$SHAPE"
fi
echo "input: $(du -h "$DATA" | cut -f1), $(wc -l < "$DATA") lines, $(( $(stat -c %s "$DATA") / N )) bytes a line"
echo "load: $(uptime)"

PIN=()
if command -v taskset >/dev/null; then
    PIN=(taskset -c 0)   # one core: the audit is single-threaded, and so is GC here
fi
TIMEV=()
if [[ -x /usr/bin/time ]]; then
    TIMEV=(/usr/bin/time -v)
fi
echo "running: ${TIMEV[*]} ${PIN[*]} java -Xmx$HEAP -XX:+UseSerialGC ${JVM_OPTS[*]} -cp <audit test classpath>" \
    "dev.gapless.audit.AuditBench run $DATA $ROUNDS"
"${TIMEV[@]}" "${PIN[@]}" java -Xmx"$HEAP" -XX:+UseSerialGC "${JVM_OPTS[@]}" -cp "$CP" \
    dev.gapless.audit.AuditBench run "$DATA" "$ROUNDS" 2> "$WORK/time.txt"
grep -E "Maximum resident set size|Elapsed \(wall" "$WORK/time.txt" || cat "$WORK/time.txt"
