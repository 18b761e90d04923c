#!/usr/bin/env bash
# Where an idle agent's CPU goes, per thread: an agent with a tcp input, a file output and no traffic (heartbeats
# only) runs SETTLE seconds, then each of its threads' CPU time is read from /proc/PID/task/TID/schedstat (in
# nanoseconds, not the 10 ms ticks of utime+stime) before and after SECS seconds, with how often it was put on a CPU
# (its time slices: about its wake-ups). Prints the threads that ran at least 0.5 ms, the total as a share of one
# core, the same from the process's ticks, and the RSS at the end.
#
#   bench/idle-threads.sh
#
# Environment (defaults in brackets):
#   DIST [packaging/target/gapless]  SECS [60]  SETTLE [10]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${DIST:-$ROOT/packaging/target/gapless}"
[[ "$DIST" == /* ]] || DIST="$ROOT/$DIST"
SECS="${SECS:-60}"
SETTLE="${SETTLE:-10}"
[[ -x "$DIST/bin/gapless" ]] || { echo "no distribution at $DIST (mvn -DskipTests package makes one)" >&2; exit 2; }
W="$(mktemp -d "${TMPDIR:-/tmp}/idle-threads.XXXXXX")"
PID=""
cleanup() {
    if [[ -n "$PID" ]]; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$W"
}
trap cleanup EXIT

cat > "$W/idle.yml" <<EOF
data_dir: $W/data
admin: { listen: 127.0.0.1:0 }
inputs: [ { id: in, type: tcp, listen: 127.0.0.1:0 } ]
outputs: [ { id: out, type: file, path: $W/out.ndjson } ]
EOF
"$DIST/bin/gapless" agent --config "$W/idle.yml" > "$W/agent.log" 2>&1 &
PID=$!
sleep "$SETTLE"
kill -0 "$PID" 2>/dev/null || { echo "the agent exited:" >&2; cat "$W/agent.log" >&2; exit 1; }

# One line per thread: tid, name (spaces as _), CPU ns, time slices
snapshot() {
    local t name ns slices
    for t in /proc/"$PID"/task/*; do
        name="$(tr ' ' _ < "$t/comm" 2>/dev/null)" || continue
        read -r ns _ slices < "$t/schedstat" 2>/dev/null || continue
        echo "${t##*/} $name $ns $slices"
    done | sort
}
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

t0=$(ticks)
snapshot > "$W/before"
sleep "$SECS"
snapshot > "$W/after"
t1=$(ticks)
rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")

echo "idle agent, $SECS s after $SETTLE s, per thread (CPU, time slices a second):"
join "$W/before" "$W/after" | awk -v secs="$SECS" '
    { ms = ($6 - $3) / 1e6; total += ms
      if (ms >= 0.5) printf "  %-24s %8.2f ms  %5.1f/s\n", $2, ms, ($7 - $4) / secs }
    END { printf "  %-24s %8.2f ms  = %.3f %% of a core\n", "all threads", total, total / secs / 10 }'
awk -v d=$((t1 - t0)) -v secs="$SECS" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "  process ticks: %d = %.3f %% of a core\n", d, d * 100 / hz / secs }'
echo "  RSS at the end: $rss MiB"
