#!/usr/bin/env bash
# The agent tax: the shared harness's workloads (../shared/bench-harness/run.sh, its C generator and sink, built by
# it), each against a fresh (cold) agent, plus an idle agent, for one or more distributions in turn (alternating
# runs, so a before and an after share the machine's state). Per run: lines/s, the agent's CPU seconds (the JVM's
# utime+stime for its whole life, start-up included, as the harness samples it) and per million lines, peak RSS
# (VmHWM), lost lines (W3, W4, W5) and, for W5, the steady cores (start-up excluded). The idle row runs an agent
# with a tcp input and a file output and no traffic (heartbeats only) for IDLE seconds after SETTLE, and reports its
# share of a core over those seconds and its RSS at the end. Warm figures (after a warm-up in the same JVM) are
# bench/agent-bench.sh's.
#
#   bench/tax-bench.sh [ROW...]   ROW: 1m 5m 8conn 64b 1k fsync w2 w3 w4 w5 idle (default: all)
#
# Environment (defaults in brackets):
#   RUNS [3]   runs per row and distribution
#   DISTS [packaging/target/gapless]  distributions to compare, space-separated (absolute or from the project root)
#   IDLE [60]  SETTLE [10]  seconds of the idle row, and before it starts counting
#   HARNESS [../shared/bench-harness]  RESULTS [bench/target/tax-bench.tsv]
# The rows (the harness's knobs): 1m = W1 1,000,000 x 256 B; 5m = W1 5,000,000; 8conn = W1 with GEN_CONNS=8;
# 64b = W1 2,000,000 x 64 B; 1k = W1 500,000 x 1 KiB; fsync = W1 under durability fsync; w2 = W2 (tail a file of
# 1,000,000 lines written before start, timed from the agent's start); w3 = W3 (50,000/s, kill -9 at 5 s); w4 = W4
# (10,000/s, the sink down 30 s); w5 = W5 (a steady 10,000/s).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-3}"
DISTS="${DISTS:-packaging/target/gapless}"
IDLE="${IDLE:-60}"
SETTLE="${SETTLE:-10}"
HARNESS="${HARNESS:-$ROOT/../shared/bench-harness}"
RESULTS="${RESULTS:-$ROOT/bench/target/tax-bench.tsv}"
ROWS=("$@")
[[ ${#ROWS[@]} -gt 0 ]] || ROWS=(1m 5m 8conn 64b 1k fsync w2 w3 w4 w5 idle)
[[ -x "$HARNESS/run.sh" ]] || { echo "no harness at $HARNESS (run.sh)" >&2; exit 2; }
dists=()
for d in $DISTS; do
    [[ "$d" == /* ]] || d="$ROOT/$d"
    [[ -x "$d/bin/gapless" ]] || { echo "no distribution at $d (mvn -DskipTests package makes one)" >&2; exit 2; }
    dists+=("$d")
done
mkdir -p "$(dirname "$RESULTS")"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"

# One harness run: ROW DIST -> prints "lines/s cpu_s rss lost cores" (from the harness's JSON line)
harness_run() {
    local row=$1 dist=$2 peer=gapless wl=W1 n="" env=()
    case "$row" in
        1m) n=1000000 ;;
        5m) n=5000000 ;;
        8conn) n=1000000; env=(GEN_CONNS=8) ;;
        64b) n=2000000; env=(LINE_SIZE=64) ;;
        1k) n=500000; env=(LINE_SIZE=1024) ;;
        fsync) n=1000000; peer=gapless-fsync ;;
        w2) wl=W2 ;;
        w3) wl=W3 ;;
        w4) wl=W4 ;;
        w5) wl=W5 ;;
        *) echo "unknown row $row" >&2; exit 2 ;;
    esac
    # the harness's peer looks for bin/gapless under GAPLESS_MAIN, from its own working folder: absolute
    env "${env[@]}" GAPLESS_MAIN="$dist" "$HARNESS/run.sh" "$peer" "$wl" $n 2>/dev/null | tail -1 | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
lost = r.get("lost", r["missing"])
print(r["events_per_s"], r["cpu_s"], r["peak_rss_mib"], lost, r.get("cores", "-"))'
}

# The idle row: DIST -> prints "0 cpu_share_percent rss_mib 0 -"
idle_run() {
    local dist=$1 w p j t0 t1
    w=$(mktemp -d)
    cat > "$w/idle.yml" <<EOF
data_dir: $w/data
admin: { listen: 127.0.0.1:0 }
inputs: [ { id: in, type: tcp, listen: 127.0.0.1:0 } ]
outputs: [ { id: out, type: file, path: $w/out.ndjson } ]
EOF
    "$dist/bin/gapless" agent --config "$w/idle.yml" > "$w/agent.log" 2>&1 &
    p=$!
    sleep "$SETTLE"
    j=$(pgrep -P "$p" java || echo "$p")
    [[ -r /proc/$j/stat ]] || { echo "idle agent did not start: $(tail -3 "$w/agent.log")" >&2; kill "$p"; exit 1; }
    t0=$(awk '{ print $14 + $15 }' "/proc/$j/stat")
    sleep "$IDLE"
    t1=$(awk '{ print $14 + $15 }' "/proc/$j/stat")
    local rss
    rss=$(awk '/^VmRSS/ { print $2 / 1024 }' "/proc/$j/status")
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    rm -rf "$w"
    awk -v a="$t0" -v b="$t1" -v s="$IDLE" -v hz="$(getconf CLK_TCK)" -v rss="$rss" \
        'BEGIN { printf "0 %.3f %.1f 0 -\n", (b - a) / hz / s * 100, rss }'
}

printf '# %s\trow\tdist\tlines_per_s\tcpu_s\tcpu_s_per_1m\tpeak_rss_mib\tlost\tcores\n' "$(date -u +%FT%TZ)" >> "$RESULTS"
tmp=$(mktemp)
for row in "${ROWS[@]}"; do
    for ((i = 1; i <= RUNS; i++)); do
        for d in "${dists[@]}"; do
            if [[ "$row" == idle ]]; then out=$(idle_run "$d"); else out=$(harness_run "$row" "$d"); fi
            read -r rate cpu rss lost cores <<< "$out"
            per=$(awk -v r="$rate" -v c="$cpu" -v row="$row" 'BEGIN {
                n = row == "5m" ? 5 : row == "64b" ? 2 : row == "1k" ? 0.5 : row == "w3" ? 0.5 : row ~ /w4|w5/ ? 0.6 : 1
                if (row == "idle") print "-"; else printf "%.2f", c / n }')
            name=$(basename "$(dirname "$d")")/$(basename "$d")
            if [[ "$row" == idle ]]; then
                printf '%-6s run %d %-34s idle: %s %% of a core, RSS %s MiB\n' "$row" "$i" "$name" "$cpu" "$rss"
            else
                printf '%-6s run %d %-34s %9s lines/s  CPU %6s s (%s per 1M)  peak RSS %6s MiB  lost %s  cores %s\n' \
                    "$row" "$i" "$name" "$rate" "$cpu" "$per" "$rss" "$lost" "$cores"
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%T)" "$row" "$name" "$rate" "$cpu" "$per" \
                "$rss" "$lost" "$cores" | tee -a "$RESULTS" >> "$tmp"
        done
    done
done
echo "summary (median [min-max] of $RUNS runs; idle: lines_per_s 0, cpu_s is the % of a core):"
for key in $(awk '{ print $2 "|" $3 }' "$tmp" | awk '!seen[$0]++'); do
    for col in 4:lines_per_s 5:cpu_s 6:cpu_s_per_1m 7:peak_rss_mib 8:lost 9:cores; do
        awk -F'\t' -v k="$key" -v c="${col%%:*}" '$2 "|" $3 == k && $c != "-" { print $c }' "$tmp" | sort -g \
            | awk -v k="$key" -v name="${col#*:}" '{ v[NR] = $1 } END {
                if (NR == 0) exit
                med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "  %-44s %-14s %12.3f [%s-%s]\n", k, name, med, v[1], v[NR] }'
    done
done
rm -f "$tmp"
