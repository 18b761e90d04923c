#!/usr/bin/env bash
# Per-source throughput: generator --SOURCE's protocol--> agent (SOURCE input -> journal -> tcp output, codec: line)
# --tcp--> sink, all on 127.0.0.1 with ports from the OS, a fresh agent per run. Per run it prints events/s (first
# event sent -> last line received by the sink, so end to end), the agent's CPU seconds over the measured phase
# (utime+stime from /proc; start-up and warm-up excluded) and per million events, its peak RSS (VmHWM, the whole
# life of the process), and end-to-end latency percentiles (one message in 1000 carries its send time; none for
# file). Each source is run cold (the agent's first events) and warm (after a warm-up phase of WARMUP events).
#
#   bench/source-bench.sh [SOURCE...]    SOURCE: syslog-octet | relp | http-ndjson | otlp-proto | file
#                                        (default: all five)
#   syslog-octet  syslog input, protocol tcp: RFC 5424 messages in octet-counted frames, one connection
#   relp          syslog input, protocol relp: one connection keeping RELP_WINDOW frames unanswered, each answered
#                 "200 OK" once durable
#   http-ndjson   http input: POSTs of BATCH NDJSON lines, IN_FLIGHT connections each waiting for its 200
#   otlp-proto    otlp input: POSTs of OTLP/HTTP protobuf ExportLogsServiceRequests of BATCH records, likewise
#   file          file input: the events written to a file first (before the agent starts), then moved into the
#                 folder the input follows; the clock starts at the move
#
# Environment (defaults in brackets):
#   LINES [1000000]   events measured           WARMUP [1000000] events sent first in the warm state, not measured
#   STATES [cold warm]  cold: no warm-up; warm: WARMUP events, a pause, then the measured ones
#   RUNS [3]          runs per source and state (a fresh agent each)
#   SIZE [256]        bytes per message (the syslog header and the HTTP/OTLP framing come on top)
#   RATE [0]          events/s, 0 = as fast as the agent takes them (latency then includes queueing)
#   BATCH [1000]      events per HTTP/OTLP request       IN_FLIGHT [4]  HTTP/OTLP connections, one request each
#   RELP_WINDOW [128] RELP frames unanswered at most (rsyslog's default window)
#   DURABILITY [batch]  the journal's durability         OUT_BATCH [10000]  the tcp output's batch.max_events
#   TIMEOUT [300]     seconds a phase may take           KEEP [0]  1: keep the work folder (logs, configs)
#   GAPLESS_AGENT_OPTS  extra JVM options for the agent (as for bin/gapless)
#   DIST [packaging/target/gapless]  the distribution to run (e.g. a saved copy, to alternate before/after runs)
# Results are appended to $RESULTS [bench/target/source-bench.tsv]; a summary (median, min-max) ends the output.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${DIST:-$ROOT/packaging/target/gapless}"
LINES="${LINES:-1000000}"
WARMUP="${WARMUP:-1000000}"
STATES="${STATES:-cold warm}"
RUNS="${RUNS:-3}"
SIZE="${SIZE:-256}"
RATE="${RATE:-0}"
BATCH="${BATCH:-1000}"
IN_FLIGHT="${IN_FLIGHT:-4}"
RELP_WINDOW="${RELP_WINDOW:-128}"
DURABILITY="${DURABILITY:-batch}"
OUT_BATCH="${OUT_BATCH:-10000}"
TIMEOUT="${TIMEOUT:-300}"
KEEP="${KEEP:-0}"
RESULTS="${RESULTS:-$ROOT/bench/target/source-bench.tsv}"
SOURCES=("$@")
[[ ${#SOURCES[@]} -gt 0 ]] || SOURCES=(syslog-octet relp http-ndjson otlp-proto file)
for s in "${SOURCES[@]}"; do
    case "$s" in
        syslog-octet | relp | http-ndjson | otlp-proto | file) ;;
        *) echo "unknown source $s (syslog-octet | relp | http-ndjson | otlp-proto | file)" >&2; exit 2 ;;
    esac
done
for st in $STATES; do
    [[ "$st" == cold || "$st" == warm ]] || { echo "unknown state $st (cold | warm)" >&2; exit 2; }
done

WORK_NAME=gapless-source-bench
# shellcheck source=bench/bench-lib.sh
source "$ROOT/bench/bench-lib.sh"
mkdir -p "$(dirname "$RESULTS")"
machine_line
printf '%s\n' "# date source state run events_per_s cpu_s cpu_s_per_M rss_peak_mib p50_ms p99_ms load1" \
    > "$WORK/results.tsv"

input_yaml() { # SOURCE DIR
    case "$1" in
        syslog-octet) printf '    type: syslog\n    protocol: tcp\n    listen: 127.0.0.1:0\n' ;;
        relp) printf '    type: syslog\n    protocol: relp\n    listen: 127.0.0.1:0\n' ;;
        http-ndjson) printf '    type: http\n    listen: 127.0.0.1:0\n    path: /ingest\n' ;;
        otlp-proto) printf '    type: otlp\n    listen: 127.0.0.1:0\n' ;;
        file) printf '    type: file\n    path: %s/in/*.log\n    scan_interval: 100ms\n    poll_interval: 50ms\n' "$2" ;;
    esac
}

# gen SOURCE ADDRESS COUNT START OUT: one generator run, bounded by TIMEOUT.
gen() {
    local mode target
    case "$1" in
        syslog-octet) mode=octet; target=$2 ;;
        relp) mode=relp; target=$2 ;;
        http-ndjson) mode=http; target="http://$2/ingest" ;;
        otlp-proto) mode=otlp; target="http://$2/v1/logs" ;;
    esac
    local window=$IN_FLIGHT
    [[ "$1" == relp ]] && window=$RELP_WINDOW
    "${GEN_JAVA[@]}" LoadGen "$mode" "$target" "$3" "$SIZE" "$RATE" "$4" "$BATCH" "$window" >> "$5" &
    local g=$!
    PIDS+=("$g")
    wait_pid "$g" "$TIMEOUT" || { echo "generator failed (exit $?)" >&2; return 1; }
}

run_once() {
    local src=$1 state=$2 run=$3 dir="$WORK/$1-$2-$3"
    local warm=0
    [[ "$state" == warm ]] && warm=$WARMUP
    mkdir -p "$dir/in" "$dir/stage"
    if [[ "$src" == file ]]; then
        [[ $warm -gt 0 ]] && "${GEN_JAVA[@]}" LoadGen file "$dir/stage/warm" "$warm" "$SIZE" 0 0 > /dev/null
        "${GEN_JAVA[@]}" LoadGen file "$dir/stage/measured" "$LINES" "$SIZE" 0 "$warm" > /dev/null
    fi
    java -cp "$TOOLS" Sink "$dir/sink.port" "$warm" "$LINES" "$dir/sink.json" "$((2 * TIMEOUT))" > "$dir/sink.out" 2>&1 &
    local sink=$!
    PIDS+=("$sink")
    wait_file "$dir/sink.port" 30 "$sink"
    cat > "$dir/agent.yaml" <<YAML
data_dir: $dir/data
journal:
  durability: $DURABILITY
admin:
  listen: 127.0.0.1:0
inputs:
  - id: bench
$(input_yaml "$src" "$dir")
outputs:
  - id: sink
    type: tcp
    address: 127.0.0.1:$(cat "$dir/sink.port")
    codec: line
    batch: { max_events: $OUT_BATCH, max_bytes: 8MiB, max_wait: 20ms }
YAML
    start_agent "$dir" "$dir/agent.yaml"
    local agent=$AGENT_PID addr
    addr="$(listener "$dir/data/run/listeners.json" bench)"
    [[ "$src" == file || -n "$addr" ]] || { echo "no input address in $(cat "$dir/data/run/listeners.json")" >&2; return 1; }

    if [[ $warm -gt 0 ]]; then
        if [[ "$src" == file ]]; then
            mv "$dir/stage/warm" "$dir/in/warm.log"
        else
            # Two sessions with a pause between them, so that what the measured phase starts with (a new
            # connection after a quiet second) is warm too.
            gen "$src" "$addr" "$((warm / 2))" 0 "$dir/gen-warmup.json"
            sleep 1
            gen "$src" "$addr" "$((warm - warm / 2))" "$((warm / 2))" "$dir/gen-warmup.json"
        fi
        wait_file "$dir/sink.json.warm" "$TIMEOUT" "$sink"
        sleep 1 # let the syncer, GC, the JIT and the output go idle
    fi
    local load cpu0 cpu1 first
    load="$(cut -d' ' -f1 /proc/loadavg)"
    cpu0="$(ticks "$agent")"
    if [[ "$src" == file ]]; then
        first="$(now_ns)"
        mv "$dir/stage/measured" "$dir/in/measured.log"
    else
        gen "$src" "$addr" "$LINES" "$warm" "$dir/gen.json"
        first="$(json first_send_ns "$dir/gen.json")"
    fi
    local rc=0
    wait_pid "$sink" "$((2 * TIMEOUT))" || rc=$?
    cpu1="$(ticks "$agent")"
    [[ $rc -eq 0 ]] || { echo "sink incomplete (exit $rc): $(cat "$dir/sink.json" 2>/dev/null)" >&2; return 1; }
    local hwm
    hwm="$(status_kib "$agent" VmHWM)"
    stop_pid "$agent"
    local last
    last="$(json last_ns "$dir/sink.json")"
    awk -v n="$LINES" -v first="$first" -v last="$last" -v c0="$cpu0" -v c1="$cpu1" -v hz="$HZ" -v hwm="$hwm" \
        -v p50="$(json p50_us "$dir/sink.json")" -v p99="$(json p99_us "$dir/sink.json")" -v src="$src" \
        -v samples="$(json latency_samples "$dir/sink.json")" \
        -v state="$state" -v run="$run" -v load="$load" -v date="$(date -u +%FT%TZ)" 'BEGIN {
            s = (last - first) / 1e9; cpu = (c1 - c0) / hz
            lat50 = samples > 0 ? sprintf("%.1f", p50 / 1000) : "-"; lat99 = samples > 0 ? sprintf("%.1f", p99 / 1000) : "-"
            printf "%s %s %s %d %.0f %.2f %.2f %.1f %s %s %s\n", date, src, state, run, n / s, cpu, cpu * 1e6 / n,
                hwm / 1024, lat50, lat99, load }' >> "$WORK/results.tsv"
    tail -1 "$WORK/results.tsv" | awk '{
        printf "%-12s %-4s run %d: %9.0f events/s  agent CPU %6.2f s (%5.2f s per 1M)  peak RSS %6.1f MiB  latency p50 %s ms p99 %s ms  (load %s)\n",
            $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
    if [[ -s "$dir/gen.json" ]]; then
        local retries
        retries="$(json retries "$dir/gen.json")"
        [[ "${retries:-0}" == 0 ]] || echo "        the generator sent $retries requests again (503)"
    fi
}

for src in "${SOURCES[@]}"; do
    for state in $STATES; do
        for ((run = 1; run <= RUNS; run++)); do
            run_once "$src" "$state" "$run"
        done
    done
done

cat "$WORK/results.tsv" >> "$RESULTS"
echo
echo "summary (median [min-max] of $RUNS runs; $LINES events of $SIZE B, warm after $WARMUP; rate $RATE):"
SUMMARY_COLS="5:events/s 7:cpu_s_per_1M 8:peak_rss_MiB 10:p99_ms"
summary "$WORK/results.tsv"
echo "raw results appended to $RESULTS"
