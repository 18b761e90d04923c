#!/usr/bin/env bash
# How long a kill -9 takes to end the agent: from the signal to the reaped process, beside a plain `sleep` (what
# the timing itself costs: forking date, reaping) and a JVM that only sleeps (the floor of any JVM). Until the
# kernel has torn down a killed process's memory it keeps the process's sockets open: on a plain TCP input (no
# acknowledgements) what a sender writes in that time is still taken in by the kernel, then thrown away with the
# socket, and the sender counts it as sent. So W3's lost lines are about its rate times this time
# (docs/benchmarks.md). Per run: milliseconds, and the RSS (and its anonymous part) just before the signal.
#
#   bench/kill-bench.sh
#
# Environment (defaults in brackets):
#   DIST [packaging/target/gapless]  RUNS [5]  SETTLE [4] seconds an agent runs before the signal
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${DIST:-$ROOT/packaging/target/gapless}"
[[ "$DIST" == /* ]] || DIST="$ROOT/$DIST"
RUNS="${RUNS:-5}"
SETTLE="${SETTLE:-4}"
[[ -x "$DIST/bin/gapless" ]] || { echo "no distribution at $DIST (mvn -DskipTests package makes one)" >&2; exit 2; }
W="$(mktemp -d "${TMPDIR:-/tmp}/kill-bench.XXXXXX")"
PID=""
cleanup() {
    [[ -n "$PID" ]] && kill -KILL "$PID" 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT

cat > "$W/Sleep.java" <<'EOF'
public class Sleep {
    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(600_000);
    }
}
EOF
javac -d "$W" "$W/Sleep.java"
cat > "$W/idle.yml" <<EOF
data_dir: $W/data
admin: { listen: 127.0.0.1:0 }
inputs: [ { id: in, type: tcp, listen: 127.0.0.1:0 } ]
outputs: [ { id: out, type: file, path: $W/out.ndjson } ]
EOF

# KIND SETTLE COMMAND... -> prints "KIND ms rss_mib anon_mib"
one() {
    local kind=$1 settle=$2 k0 k1 rss anon
    shift 2
    "$@" > "$W/$kind.log" 2>&1 &
    PID=$!
    sleep "$settle"
    kill -0 "$PID" 2>/dev/null || { echo "$kind did not stay up: $(tail -3 "$W/$kind.log")" >&2; exit 1; }
    rss=$(awk '$1 == "VmRSS:" {print $2 / 1024}' "/proc/$PID/status")
    anon=$(awk '$1 == "RssAnon:" {print $2 / 1024}' "/proc/$PID/status")
    k0=$(date +%s%N)
    kill -KILL "$PID"
    wait "$PID" 2>/dev/null || true
    k1=$(date +%s%N)
    PID=""
    rm -rf "$W/data"
    awk -v k="$kind" -v a="$k0" -v b="$k1" -v r="$rss" -v n="$anon" 'BEGIN {printf "%s %.2f %.1f %.1f\n", k, (b - a) / 1e6, r, n}'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= RUNS; i++)); do
    one sleep 0.2 sleep 600
    one jvm 1 java -XX:+UseSerialGC -Xmx128m -cp "$W" Sleep
    one agent "$SETTLE" "$DIST/bin/gapless" agent --config "$W/idle.yml"
done > "$W/runs" # not a pipe: PID must be set in this shell, for the cleanup to kill it if interrupted
cat "$W/runs"
echo "median [min-max] of $RUNS: ms from kill -9 to reaped; RSS and anonymous RSS (MiB) of the median run before it"
for kind in sleep jvm agent; do
    awk -v k="$kind" '$1 == k {print $2, $3, $4}' "$W/runs" | sort -n | awk -v k="$kind" '
        {ms[NR] = $1; rss[NR] = $2; anon[NR] = $3}
        END {m = int((NR + 1) / 2); printf "  %-6s %6.2f ms [%.2f-%.2f]  RSS %.1f  anon %.1f\n", k, ms[m], ms[1], ms[NR], rss[m], anon[m]}'
done
