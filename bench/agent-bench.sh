#!/usr/bin/env bash
# Whole-agent throughput: generator --tcp--> agent (TCP input -> journal -> tcp output, codec: line) --tcp--> sink,
# all on 127.0.0.1 with ports from the OS. Per run it prints events/s and MiB/s (first byte sent -> last line
# received by the sink), the agent's CPU seconds (utime+stime over the measured phase), its peak RSS (VmHWM),
# and end-to-end latency percentiles (one line in 1000 carries its send time).
#
#   bench/agent-bench.sh [DURABILITY...]        DURABILITY: batch | fsync | none   (default: batch fsync)
#
# Environment (defaults in brackets):
#   LINES [1000000]   lines measured          WARMUP [1000000] lines sent first, not measured (JIT warm-up)
#   SIZE [256]        bytes per line (+ \n)   RUNS [3]         runs per durability (a fresh agent each)
#   RATE [0]          lines/s, 0 = as fast as the agent takes them (latency then includes queueing)
#   BATCH_EVENTS [10000]  the output's batch.max_events      MAX_WAIT [20ms]  its batch.max_wait
#   PROFILE [0]       1: record JFR (settings=profile) and print the hot spots (bench/harness/JfrHot.java)
#   NMT [0]           1: native memory tracking; prints the JVM's committed memory by category at the end
#   MAX_LINE_BYTES [the agent's default]  the input's max_line_bytes (it sets the journal's block size)
#   HISTO [0]         1: prints the agent's live heap by class at the end (jcmd GC.class_histogram)
#   SMAPS [0]         1: prints the agent's resident memory by mapping at the end (/proc/PID/smaps)
#   TIMEOUT [180]     seconds a run may take  KEEP [0]  1: keep the work folder (logs, config, JFR)
#   GAPLESS_AGENT_OPTS  extra JVM options for the agent (as for bin/gapless)
#   DIST [packaging/target/gapless]  the distribution to run (e.g. a saved copy, to alternate before/after runs)
#   FILTERS []        a YAML file with a filters: list, put into the agent's config (e.g. bench/grok-apache.yaml)
#   CODEC [line]      the output's codec (json_lines: the structured events, fields included, go to the sink)
#   LINE_FORMAT []    apache: the generator sends Apache combined-log lines (see bench/harness/Gen.java)
# Results are appended to $RESULTS [bench/target/agent-bench.tsv]; a summary (median, min-max) ends the output.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${DIST:-$ROOT/packaging/target/gapless}"
LINES="${LINES:-1000000}"
WARMUP="${WARMUP:-1000000}"
SIZE="${SIZE:-256}"
RUNS="${RUNS:-3}"
RATE="${RATE:-0}"
BATCH_EVENTS="${BATCH_EVENTS:-10000}"
MAX_WAIT="${MAX_WAIT:-20ms}"
PROFILE="${PROFILE:-0}"
TIMEOUT="${TIMEOUT:-180}"
KEEP="${KEEP:-0}"
RESULTS="${RESULTS:-$ROOT/bench/target/agent-bench.tsv}"
MODES=("$@")
[[ ${#MODES[@]} -gt 0 ]] || MODES=(batch fsync)
HZ="$(getconf CLK_TCK)"

if [[ ! -x "$DIST/bin/gapless" ]]; then
    echo "building the distribution (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gapless-agent-bench.XXXXXX")"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do
        [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true
    done
    sleep 0.5
    for p in "${PIDS[@]:-}"; do
        [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true
    done
    if [[ "$KEEP" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TOOLS="$WORK/tools"
mkdir -p "$TOOLS" "$(dirname "$RESULTS")"
javac -d "$TOOLS" "$ROOT"/bench/harness/{Sink,Gen,JfrHot}.java

json() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" "$2"; }
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
minflt() { awk '{sub(/^.*\) /, ""); print $8}' "/proc/$1/stat"; }
metric() { curl -s --max-time 2 "http://$1/metrics/prometheus" | awk -v m="$2" '$1 == m && !done {print $2; done = 1}' || true; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
wait_file() { # FILE SECONDS PID-that-must-live
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        [[ -s "$1" ]] && return 0
        kill -0 "$3" 2>/dev/null || { echo "process $3 died waiting for $1" >&2; return 1; }
        sleep 0.1
    done
    echo "timed out waiting for $1" >&2
    return 1
}

# Per-thread CPU ticks of a JVM as "name ticks" lines, names from jcmd Thread.print (nid = tid).
thread_ticks() {
    local pid=$1 out=$2 t
    jcmd "$pid" Thread.print 2>/dev/null | sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\).*/\2 \1/p' > "$out.names" || true
    : > "$out"
    for t in /proc/"$pid"/task/*; do
        printf '%s %s\n' "$(printf '0x%x' "${t##*/}")" "$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null || echo 0)" >> "$out"
    done
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work folder: $WORK"
printf '%s\n' "# date mode run events_per_s mib_per_s cpu_s rss_peak_mib p50_ms p99_ms max_ms load1" > "$WORK/results.tsv"

run_once() {
    local mode=$1 run=$2 dir="$WORK/$1-$2"
    mkdir -p "$dir"
    java -cp "$TOOLS" Sink "$dir/sink.port" "$WARMUP" "$LINES" "$dir/sink.json" "$TIMEOUT" > "$dir/sink.out" 2>&1 &
    local sink=$!
    PIDS+=("$sink")
    wait_file "$dir/sink.port" 30 "$sink"
    cat > "$dir/agent.yaml" <<YAML
data_dir: $dir/data
journal:
  durability: $mode
admin:
  listen: 127.0.0.1:0
inputs:
  - id: bench
    type: tcp
    listen: 127.0.0.1:0${MAX_LINE_BYTES:+
    max_line_bytes: $MAX_LINE_BYTES}
outputs:
  - id: sink
    type: tcp
    address: 127.0.0.1:$(cat "$dir/sink.port")
    codec: ${CODEC:-line}
    batch: { max_events: $BATCH_EVENTS, max_bytes: 8MiB, max_wait: $MAX_WAIT }
YAML
    if [[ -n "${FILTERS:-}" ]]; then
        cat "$FILTERS" >> "$dir/agent.yaml"
    fi
    local opts="${GAPLESS_AGENT_OPTS:-}"
    if [[ "${NMT:-0}" == 1 ]]; then
        opts="$opts -XX:NativeMemoryTracking=summary"
    fi
    if [[ "$PROFILE" == 1 ]]; then
        opts="$opts -XX:StartFlightRecording=name=bench,settings=profile,filename=$dir/agent.jfr"
    fi
    GAPLESS_AGENT_OPTS="$opts" "$DIST/bin/gapless" agent --config "$dir/agent.yaml" > "$dir/agent.log" 2>&1 &
    local agent=$!
    PIDS+=("$agent")
    wait_file "$dir/data/run/listeners.json" 60 "$agent"
    local port
    port="$(sed -n 's/.*"bench":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$dir/data/run/listeners.json")"
    local admin
    admin="$(sed -n 's/.*"admin":"\(127\.0\.0\.1:[0-9]*\)".*/\1/p' "$dir/data/run/listeners.json")"
    [[ -n "$port" ]] || { echo "no input port in $(cat "$dir/data/run/listeners.json")" >&2; return 1; }

    if [[ "$WARMUP" -gt 0 ]]; then
        # Two connections with a pause between them, so what the measured phase starts with (a new connection
        # after a quiet second) is warm too: the JIT would otherwise recompile those paths in the measured phase.
        java -cp "$TOOLS" Gen 127.0.0.1 "$port" "$((WARMUP / 2))" "$SIZE" "$RATE" > "$dir/gen-warmup.json"
        [[ "${WARM_PAUSE:-1}" == 1 ]] && sleep 1
        java -cp "$TOOLS" Gen 127.0.0.1 "$port" "$((WARMUP - WARMUP / 2))" "$SIZE" "$RATE" >> "$dir/gen-warmup.json"
        wait_file "$dir/sink.json.warm" "$TIMEOUT" "$sink"
        # The measured phase starts with a read of the force counter: serve one now, so that the exporter's code
        # is loaded, initialised and compiled here and not in the measured phase.
        metric "$admin" gapless_journal_forces > /dev/null
        sleep 1 # let the syncer, GC, the JIT and the output go idle
    fi
    local load cpu0 cpu1 flt0 flt1 forces0 forces1
    load="$(cut -d' ' -f1 /proc/loadavg)"
    thread_ticks "$agent" "$dir/threads0"
    forces0="$(metric "$admin" gapless_journal_forces)"
    cpu0="$(ticks "$agent")"; flt0="$(minflt "$agent")"
    java -cp "$TOOLS" Gen 127.0.0.1 "$port" "$LINES" "$SIZE" "$RATE" > "$dir/gen.json"
    local rc=0
    wait "$sink" || rc=$?
    cpu1="$(ticks "$agent")"; flt1="$(minflt "$agent")"
    forces1="$(metric "$admin" gapless_journal_forces)"
    # The agent's force-duration timer (a recent-biased sample of 1028 forces, in ms), read once: polling the
    # admin endpoint during the run would cost the agent CPU the measurement should not include.
    curl -s --max-time 2 "http://$admin/metrics" | tr -d ' ' \
        | sed -n 's/.*"gapless\.journal\.force_seconds":{\([^}]*\)}.*/\1/p' | tr ',' '\n' > "$dir/force-timer.txt" || true
    thread_ticks "$agent" "$dir/threads1"
    [[ $rc -eq 0 ]] || { echo "sink incomplete (exit $rc): $(cat "$dir/sink.json" 2>/dev/null)" >&2; return 1; }
    local hwm rss anon file
    hwm="$(status_kib "$agent" VmHWM)"; rss="$(status_kib "$agent" VmRSS)"
    anon="$(status_kib "$agent" RssAnon)"; file="$(status_kib "$agent" RssFile)"
    jcmd "$agent" GC.heap_info > "$dir/heap.txt" 2>&1 || true
    if [[ "${HISTO:-0}" == 1 ]]; then # live heap by class (forces a full GC first)
        jcmd "$agent" GC.class_histogram 2>/dev/null | head -16 | sed 's/^/        /'
    fi
    if [[ "${SMAPS:-0}" == 1 ]]; then # resident memory by mapping (file name, or [anon]/[heap]...), top 10
        awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]" } $1 == "Rss:" { rss[name] += $2 }
             END { for (n in rss) if (rss[n] >= 1024) printf "        RSS %6.1f MiB  %s\n", rss[n] / 1024, n }' \
            "/proc/$agent/smaps" | sort -k2 -rn | head -10
    fi
    if [[ "${NMT:-0}" == 1 ]]; then
        jcmd "$agent" VM.native_memory summary > "$dir/nmt.txt" 2>&1 || true
        sed -n 's/^\(-  *[A-Za-z][A-Za-z ]*\|Total\).*committed=\([0-9]*\)KB.*/\1 \2/p' "$dir/nmt.txt" \
            | awk '{ kb = $NF; $NF = ""; sub(/^- */, ""); if (kb >= 1024) printf "        NMT committed %6.1f MiB  %s\n", kb / 1024, $0 }'
    fi
    if [[ "$PROFILE" == 1 ]]; then
        jcmd "$agent" JFR.dump name=bench filename="$dir/agent.jfr" > /dev/null
    fi
    kill -TERM "$agent"
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "$agent" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$agent" 2>/dev/null || true

    local first last
    first="$(json first_send_ns "$dir/gen.json")"; last="$(json last_ns "$dir/sink.json")"
    awk -v n="$LINES" -v size="$SIZE" -v first="$first" -v last="$last" -v c0="$cpu0" -v c1="$cpu1" -v hz="$HZ" \
        -v hwm="$hwm" -v p50="$(json p50_us "$dir/sink.json")" -v p99="$(json p99_us "$dir/sink.json")" \
        -v mx="$(json max_us "$dir/sink.json")" -v mode="$mode" -v run="$run" -v load="$load" \
        -v date="$(date -u +%FT%TZ)" 'BEGIN {
            s = (last - first) / 1e9
            printf "%s %s %d %.0f %.1f %.2f %.1f %.1f %.1f %.1f %s\n", date, mode, run, n / s, n * size / 1048576 / s,
                (c1 - c0) / hz, hwm / 1024, p50 / 1000, p99 / 1000, mx / 1000, load }' >> "$WORK/results.tsv"
    tail -1 "$WORK/results.tsv" | awk -v rss="$rss" -v anon="$anon" -v file="$file" '{
        printf "%-5s run %d: %9.0f events/s  %6.1f MiB/s  agent CPU %5.2f s  peak RSS %5.1f MiB (at end: RSS %.0f = anon %.0f + file %.0f MiB)  latency p50 %.1f ms p99 %.1f ms max %.1f ms  (load %s)\n",
            $2, $3, $4, $5, $6, $7, rss / 1024, anon / 1024, file / 1024, $8, $9, $10, $11 }'
    awk -F: -v f0="$forces0" -v f1="$forces1" -v m0="$flt0" -v m1="$flt1" -v n="$LINES" -v gen="$(json send_seconds "$dir/gen.json")" '
        { gsub(/"/, "", $1); t[$1] = $2 } END { printf "        generator done after %.2f s; %d forces, force duration p50 %.1f ms p99 %.1f ms max %.1f ms; %.2f minor page faults per event\n",
            gen, f1 - f0, t["p50"], t["p99"], t["max"], (m1 - m0) / n }' "$dir/force-timer.txt"
    # Agent threads by CPU over the measured phase (top 6).
    awk -v hz="$HZ" 'FILENAME ~ /names$/ { nid = $1; $1 = ""; sub(/^ /, ""); name[nid] = $0; next }
        FILENAME ~ /threads0$/ { t0[$1] = $2; next }
        { d = $2 - t0[$1]; if (d > 0) printf "%.2f %s\n", d / hz, ($1 in name) ? name[$1] : "tid " $1 }' \
        "$dir/threads1.names" "$dir/threads0" "$dir/threads1" \
        | sort -rn | head -6 | awk '{ s = $1; $1 = ""; printf "        %5.2f s %s\n", s, $0 }'
    if [[ "$PROFILE" == 1 ]]; then
        java -cp "$TOOLS" JfrHot "$dir/agent.jfr" 20 | tee "$dir/hot.txt"
    fi
}

for mode in "${MODES[@]}"; do
    for ((run = 1; run <= RUNS; run++)); do
        run_once "$mode" "$run"
    done
done

cat "$WORK/results.tsv" >> "$RESULTS"
echo
echo "summary (median [min-max] of $RUNS runs; $LINES lines of $SIZE B after $WARMUP warm-up lines; rate ${RATE:-0}):"
for mode in "${MODES[@]}"; do
    for col in 4:events/s 5:MiB/s 6:cpu_s 7:peak_rss_MiB 8:p50_ms 9:p99_ms; do
        awk -v m="$mode" -v c="${col%%:*}" '$2 == m { print $c }' "$WORK/results.tsv" | sort -g \
            | awk -v m="$mode" -v name="${col#*:}" '{ v[NR] = $1 } END {
                med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "  %-5s %-13s %12.1f [%s-%s]\n", m, name, med, v[1], v[NR] }'
    done
done
echo "raw results appended to $RESULTS"
