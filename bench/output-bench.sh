#!/usr/bin/env bash
# Per-output throughput: generator --tcp--> agent (TCP input -> journal -> OUTPUT) --> a real destination, all on
# 127.0.0.1 with ports from the OS, a fresh agent per run. Per run it prints events/s (first line sent -> the
# output's acked_seq reaching the journal's head, from the agent's /health polled every 100 ms), the output's p99
# ack latency (gapless_output_ack_latency_seconds, scraped from /metrics/prometheus at the end: per batch send,
# a sample weighted to the last 5 minutes, so a warm run's figure includes its warm-up), the agent's CPU seconds
# over the measured phase and per million events, its peak RSS (VmHWM), and, read back at the destination by the
# seq in every message, events lost and duplicated. Cold (the agent's first events) and warm (after WARMUP).
#
#   bench/output-bench.sh [OUTPUT...]    OUTPUT: kafka | opensearch | otlp | archive   (default: all four)
#   kafka       a KRaft broker in a child JVM (bench/src/main/java/dev/gapless/bench/KafkaNode.java, the bench
#               module's class path), a topic of KAFKA_PARTITIONS partitions per run; read back with a consumer
#   opensearch  a real OpenSearch node (module testing/opensearch-node), an index per run; read back by scroll
#   otlp        the otlp output into a second agent's otlp input, whose tcp output (codec: line) goes to a sink
#               that checks the seqs; delivered = the second agent answered 200 (durable in its journal)
#   archive     the archive output to a folder per run; delivered = the agent's acked_seq (no read-back)
#
# Outage mode (OUTAGE > 0 seconds; kafka, opensearch, otlp): OUTAGE_RATE lines/s for OUTAGE_BEFORE + OUTAGE +
# OUTAGE_AFTER seconds; OUTAGE_BEFORE seconds in, the destination (the broker, the node, the receiving agent) is
# stopped (SIGTERM), and started again on the same ports and data OUTAGE seconds after the stop began. Prints
# the delivered rate before, the backlog at the restart, the time from the restart to the backlog drained (under
# half a second of input) and the rate meanwhile, the rate after, and lost and duplicated events at the
# destination (lost must be 0).
#
# Environment (defaults in brackets):
#   LINES [1000000]   lines measured            WARMUP [1000000] lines sent first in the warm state, not measured
#   STATES [cold warm]  cold: no warm-up; warm: WARMUP lines, a pause, then the measured ones
#   RUNS [3]          runs per output and state (outage mode: runs per output), a fresh agent each
#   SIZE [256]        bytes per line            RATE [0]  lines/s of the throughput runs, 0 = unlimited
#   OUT_BATCH, OUT_BATCH_BYTES, OUT_MAX_WAIT, MAX_IN_FLIGHT  the output's batch.max_events, max_bytes, max_wait,
#                     max_in_flight [not set: the output's defaults, 1000 events, 1MiB, 100ms, 1]
#   RETRY [initial_backoff: 100ms, max_backoff: 2s]  the output's retry (the agent's default max is 30s)
#   DURABILITY [batch]  the journal's durability
#   CHECK [1]         0: no read-back at the destination (lost/duplicated not measured)
#   OUTAGE [0]        seconds the destination is down; > 0: outage mode
#   OUTAGE_RATE [10000]  OUTAGE_BEFORE [10]  OUTAGE_AFTER [20]   (600,000 lines at the defaults)
#   KAFKA_PARTITIONS [3]  KAFKA_HEAP [1g]  OS_HEAP [1g]  the destinations' JVM sizes
#   TIMEOUT [600]     seconds a phase may take  KEEP [0]  1: keep the work folder (logs, configs, timelines)
#   GAPLESS_AGENT_OPTS  extra JVM options for the agent (as for bin/gapless)
#   DIST [packaging/target/gapless]  the distribution to run
# Needs the distribution (built if missing), testing/opensearch-node built (mvn -DskipTests package does) and, for
# kafka, the bench module (built here if missing: mvn -Pbench -pl bench -am -DskipTests package).
# Results are appended to $RESULTS [bench/target/output-bench.tsv] (outage runs: bench/target/output-outage.tsv);
# a summary (median, min-max) ends the output.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${DIST:-$ROOT/packaging/target/gapless}"
LINES="${LINES:-1000000}"
WARMUP="${WARMUP:-1000000}"
STATES="${STATES:-cold warm}"
RUNS="${RUNS:-3}"
SIZE="${SIZE:-256}"
RATE="${RATE:-0}"
RETRY="${RETRY:-initial_backoff: 100ms, max_backoff: 2s}"
DURABILITY="${DURABILITY:-batch}"
CHECK="${CHECK:-1}"
OUTAGE="${OUTAGE:-0}"
OUTAGE_RATE="${OUTAGE_RATE:-10000}"
OUTAGE_BEFORE="${OUTAGE_BEFORE:-10}"
OUTAGE_AFTER="${OUTAGE_AFTER:-20}"
KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-3}"
KAFKA_HEAP="${KAFKA_HEAP:-1g}"
OS_HEAP="${OS_HEAP:-1g}"
TIMEOUT="${TIMEOUT:-600}"
KEEP="${KEEP:-0}"
if [[ "$OUTAGE" -gt 0 ]]; then
    RESULTS="${RESULTS:-$ROOT/bench/target/output-outage.tsv}"
else
    RESULTS="${RESULTS:-$ROOT/bench/target/output-bench.tsv}"
fi
OUTPUTS=("$@")
[[ ${#OUTPUTS[@]} -gt 0 ]] || OUTPUTS=(kafka opensearch otlp archive)
for o in "${OUTPUTS[@]}"; do
    case "$o" in
        kafka | opensearch | otlp) ;;
        archive) [[ "$OUTAGE" -eq 0 ]] || { echo "archive has no outage mode (a local folder)" >&2; exit 2; } ;;
        *) echo "unknown output $o (kafka | opensearch | otlp | archive)" >&2; exit 2 ;;
    esac
done
for st in $STATES; do
    [[ "$st" == cold || "$st" == warm ]] || { echo "unknown state $st (cold | warm)" >&2; exit 2; }
done

WORK_NAME=gapless-output-bench
# shellcheck source=bench/bench-lib.sh
source "$ROOT/bench/bench-lib.sh"
mkdir -p "$(dirname "$RESULTS")"

OSN="$ROOT/testing/opensearch-node/target/classes"
if [[ " ${OUTPUTS[*]} " == *" opensearch "* && ! -s "$OSN/dev/gapless/testing/opensearch/classpath.txt" ]]; then
    echo "building testing/opensearch-node"
    (cd "$ROOT" && mvn -B -q -pl testing/opensearch-node -DskipTests package)
fi
if [[ " ${OUTPUTS[*]} " == *" kafka "* && ! -s "$ROOT/bench/target/classpath.txt" ]]; then
    echo "building the bench module (mvn -B -q -Pbench -pl bench -am -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -Pbench -pl bench -am -DskipTests package)
fi
machine_line

# ---- destinations: DEST_* describe the one running ---------------------------------------------------------
DEST_PID=
DEST_DIR=
DEST_ADDR=

# The broker's JVM (and the helpers': topic, drop). A plain command, so that `"${KAFKA_JAVA[@]}" run ... &` makes $!
# the JVM itself (a function run with & would be a subshell, and a SIGTERM to it would leave the JVM running).
KAFKA_JAVA=(java "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" "-Dlogback.configurationFile=$ROOT/bench/harness/logback-warn.xml"
    -cp "$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt" 2>/dev/null || true)" dev.gapless.bench.KafkaNode)
kafka_java() {
    "${KAFKA_JAVA[@]}" "$@"
}

dest_up() { # OUTPUT: starts the destination (again, on DEST_DIR's ports and data); DEST_ADDR once it answers
    case "$1" in
        kafka)
            rm -f "$DEST_DIR/ready"
            "${KAFKA_JAVA[@]}" run "$DEST_DIR" "$KAFKA_PARTITIONS" >> "$DEST_DIR/broker.log" 2>&1 &
            DEST_PID=$!
            PIDS+=("$DEST_PID")
            wait_file "$DEST_DIR/ready" 120 "$DEST_PID"
            DEST_ADDR="$(cat "$DEST_DIR/ready")"
            ;;
        opensearch)
            local port=0 log="$DEST_DIR/node-$(now_ns).log" i
            [[ -n "$DEST_ADDR" ]] && port="${DEST_ADDR##*:}"
            java "-Xms$OS_HEAP" "-Xmx$OS_HEAP" -XX:+UseSerialGC \
                -Dlog4j2.configurationFile=dev/gapless/testing/opensearch/log4j2.properties \
                -cp "$OSN:$(cat "$OSN/dev/gapless/testing/opensearch/classpath.txt")" \
                dev.gapless.testing.opensearch.OpenSearchNode "$DEST_DIR/home" "$port" > "$log" 2>&1 &
            DEST_PID=$!
            PIDS+=("$DEST_PID")
            for ((i = 0; i < 1200; i++)); do
                grep -q '^HTTP_PORT=' "$log" 2>/dev/null && break
                kill -0 "$DEST_PID" 2>/dev/null || { echo "the OpenSearch node exited: $(tail -5 "$log")" >&2; return 1; }
                sleep 0.1
            done
            port="$(sed -n 's/^HTTP_PORT=//p' "$log")"
            [[ -n "$port" ]] || { echo "the OpenSearch node did not serve HTTP in 120 s" >&2; return 1; }
            DEST_ADDR="127.0.0.1:$port"
            ;;
        otlp)
            start_agent "$DEST_DIR" "$DEST_DIR/receiver.yaml"
            DEST_PID=$AGENT_PID
            DEST_ADDR="$(listener "$DEST_DIR/data/run/listeners.json" otlp)"
            # A restart takes the same port.
            sed -i "s/listen: 127\.0\.0\.1:0 # the receiver$/listen: $DEST_ADDR/" "$DEST_DIR/receiver.yaml"
            ;;
    esac
}

dest_down() { # SIGTERM, SIGKILL after 60 s
    [[ -n "$DEST_PID" ]] && stop_pid "$DEST_PID" 60
    DEST_PID=
}

# The destination for a whole output's runs (kafka, opensearch); otlp gets a receiving agent per run.
dest_open() { # OUTPUT
    DEST_DIR="$WORK/dest-$1"
    DEST_ADDR=
    mkdir -p "$DEST_DIR"
    case "$1" in
        kafka | opensearch) dest_up "$1" ;;
    esac
}

dest_close() {
    dest_down
}

# Per run: NAME is the topic, index or folder; for otlp the receiving agent and its checking sink start here.
run_dest_prepare() { # OUTPUT NAME TOTAL DIR
    case "$1" in
        kafka) kafka_java topic "$DEST_ADDR" "$2" "$KAFKA_PARTITIONS" >> "$DEST_DIR/broker.log" 2>&1 ;;
        opensearch)
            curl -sf --max-time 60 -X PUT "http://$DEST_ADDR/$2" -H 'Content-Type: application/json' \
                -d '{"settings":{"number_of_shards":1,"number_of_replicas":0}}' > /dev/null
            ;;
        otlp)
            DEST_DIR="$4/receiver"
            DEST_ADDR=
            mkdir -p "$DEST_DIR"
            # It ends once all seqs came, or after a quiet minute longer than any outage.
            "${HARNESS_JAVA[@]}" SeqSink "$DEST_DIR/sink.port" "$3" "$DEST_DIR/seqsink.json" \
                "$((3 * TIMEOUT))" 2 "$((OUTAGE + 60))" > "$DEST_DIR/seqsink.out" 2>&1 &
            SEQSINK_PID=$!
            PIDS+=("$SEQSINK_PID")
            wait_file "$DEST_DIR/sink.port" 30 "$SEQSINK_PID"
            cat > "$DEST_DIR/receiver.yaml" <<YAML
data_dir: $DEST_DIR/data
journal:
  durability: $DURABILITY
admin:
  listen: 127.0.0.1:0
inputs:
  - id: otlp
    type: otlp
    listen: 127.0.0.1:0 # the receiver
outputs:
  - id: sink
    type: tcp
    address: 127.0.0.1:$(cat "$DEST_DIR/sink.port")
    codec: line
    batch: { max_events: 10000, max_bytes: 8MiB, max_wait: 20ms }
YAML
            dest_up otlp
            ;;
    esac
}

output_yaml() { # OUTPUT NAME DIR
    case "$1" in
        kafka) printf '    type: kafka\n    bootstrap_servers: [%s]\n    topic: %s\n' "$DEST_ADDR" "$2" ;;
        opensearch) printf '    type: elasticsearch\n    url: http://%s\n    index: %s\n' "$DEST_ADDR" "$2" ;;
        otlp) printf '    type: otlp\n    url: http://%s/v1/logs\n' "$DEST_ADDR" ;;
        archive) printf '    type: archive\n    path: %s/archive\n' "$3" ;;
    esac
    local b=()
    [[ -n "${OUT_BATCH:-}" ]] && b+=("max_events: $OUT_BATCH")
    [[ -n "${OUT_BATCH_BYTES:-}" ]] && b+=("max_bytes: $OUT_BATCH_BYTES")
    [[ -n "${OUT_MAX_WAIT:-}" ]] && b+=("max_wait: $OUT_MAX_WAIT")
    [[ -n "${MAX_IN_FLIGHT:-}" ]] && b+=("max_in_flight: $MAX_IN_FLIGHT")
    if [[ ${#b[@]} -gt 0 ]]; then
        local IFS=,
        printf '    batch: { %s }\n' "${b[*]}"
    fi
    printf '    retry: { %s }\n' "$RETRY"
}

# Reads the run's events back at the destination: prints "lost duplicated" ("- -" when not checked).
run_dest_check() { # OUTPUT NAME TOTAL DIR
    local out="$4/check.json" rc=0
    if [[ "$CHECK" != 1 || "$1" == archive ]]; then
        echo "- -"
        return 0
    fi
    case "$1" in
        kafka) "${HARNESS_JAVA[@]}" KafkaCheck "$DEST_ADDR" "$2" "$3" "$out" "$TIMEOUT" > /dev/null 2>> "$4/check.err" \
            || rc=$? ;;
        opensearch) "${HARNESS_JAVA[@]}" OsCheck "http://$DEST_ADDR" "$2" "$3" "$out" "$TIMEOUT" > /dev/null \
            2>> "$4/check.err" || rc=$? ;;
        otlp)
            wait_pid "$SEQSINK_PID" "$((3 * TIMEOUT))" || rc=$?
            cp "$DEST_DIR/seqsink.json" "$out" 2>/dev/null || true
            ;;
    esac
    if [[ ! -s "$out" ]]; then
        echo "the read-back at $1 failed (exit $rc): $(tail -3 "$4/check.err" 2>/dev/null)" >&2
        echo "? ?"
        return 0
    fi
    echo "$(json lost "$out") $(json duplicates "$out")"
}

run_dest_finish() { # OUTPUT NAME: frees what the run left at the destination
    case "$1" in
        kafka) kafka_java drop "$DEST_ADDR" "$2" >> "$DEST_DIR/broker.log" 2>&1 || true ;;
        opensearch) curl -s --max-time 60 -X DELETE "http://$DEST_ADDR/$2" > /dev/null || true ;;
        otlp) dest_down; stop_pid "$SEQSINK_PID" 5 ;;
    esac
}

agent_yaml() { # OUTPUT NAME DIR
    cat <<YAML
data_dir: $3/data
journal:
  durability: $DURABILITY
admin:
  listen: 127.0.0.1:0
inputs:
  - id: bench
    type: tcp
    listen: 127.0.0.1:0
outputs:
  - id: out
$(output_yaml "$1" "$2" "$3")
YAML
}

gen_tcp() { # ADDRESS COUNT START RATE OUT (in the background: sets GEN_PID)
    "${GEN_JAVA[@]}" LoadGen tcp "$1" "$2" "$SIZE" "$4" "$3" >> "$5" &
    GEN_PID=$!
    PIDS+=("$GEN_PID")
}

delivered() { # ADMIN TARGET TIMELINE RESULT TIMEOUT INTERVAL (in the background: sets WATCH_PID)
    "${HARNESS_JAVA[@]}" Delivered "$1" bench out "$2" "$3" "$4" "$5" "$6" > /dev/null 2>&1 &
    WATCH_PID=$!
    PIDS+=("$WATCH_PID")
    wait_file "$3" 60 "$WATCH_PID" # its first sample: it polls before the load starts
}

ack_p99_ms() { # PROMETHEUS-TEXT
    local v
    v="$(prom_value "$1" gapless_output_ack_latency_seconds 'output="out",quantile="0.99"')"
    [[ -n "$v" ]] && awk -v v="$v" 'BEGIN { printf "%.1f", v * 1000 }' || echo "-"
}

run_once() {
    local out=$1 state=$2 run=$3 dir="$WORK/$1-$2-$3" name="bench-$2-$3"
    local warm=0
    [[ "$state" == warm ]] && warm=$WARMUP
    local total=$((warm + LINES))
    mkdir -p "$dir"
    run_dest_prepare "$out" "$name" "$total" "$dir"
    agent_yaml "$out" "$name" "$dir" > "$dir/agent.yaml"
    start_agent "$dir" "$dir/agent.yaml"
    local agent=$AGENT_PID addr admin
    addr="$(listener "$dir/data/run/listeners.json" bench)"
    admin="$(listener "$dir/data/run/listeners.json" admin)"
    if [[ $warm -gt 0 ]]; then
        gen_tcp "$addr" "$((warm / 2))" 0 "$RATE" "$dir/gen-warmup.json"
        wait_pid "$GEN_PID" "$TIMEOUT"
        sleep 1
        gen_tcp "$addr" "$((warm - warm / 2))" "$((warm / 2))" "$RATE" "$dir/gen-warmup.json"
        wait_pid "$GEN_PID" "$TIMEOUT"
        delivered "$admin" "$warm" "$dir/timeline-warmup.txt" "$dir/delivered-warmup.json" "$TIMEOUT" 100
        wait_pid "$WATCH_PID" "$((TIMEOUT + 10))" \
            || { echo "warm-up not delivered: $(cat "$dir/delivered-warmup.json" 2>/dev/null)" >&2; return 1; }
        sleep 1 # let the syncer, GC, the JIT and the output go idle
    fi
    local load cpu0 cpu1
    load="$(cut -d' ' -f1 /proc/loadavg)"
    cpu0="$(ticks "$agent")"
    delivered "$admin" "$total" "$dir/timeline.txt" "$dir/delivered.json" "$TIMEOUT" 100
    gen_tcp "$addr" "$LINES" "$warm" "$RATE" "$dir/gen.json"
    wait_pid "$GEN_PID" "$TIMEOUT"
    local rc=0
    wait_pid "$WATCH_PID" "$((TIMEOUT + 10))" || rc=$?
    cpu1="$(ticks "$agent")"
    [[ $rc -eq 0 ]] || { echo "not delivered (exit $rc): $(cat "$dir/delivered.json" 2>/dev/null)" >&2; return 1; }
    local hwm metrics
    hwm="$(status_kib "$agent" VmHWM)"
    metrics="$(prom "$admin")"
    stop_pid "$agent"
    local check
    check="$(run_dest_check "$out" "$name" "$total" "$dir")"
    run_dest_finish "$out" "$name"
    awk -v n="$LINES" -v first="$(json first_send_ns "$dir/gen.json")" -v last="$(json done_ns "$dir/delivered.json")" \
        -v c0="$cpu0" -v c1="$cpu1" -v hz="$HZ" -v hwm="$hwm" -v p99="$(ack_p99_ms "$metrics")" -v check="$check" \
        -v what="$out" -v state="$state" -v run="$run" -v load="$load" -v date="$(date -u +%FT%TZ)" 'BEGIN {
            s = (last - first) / 1e9; cpu = (c1 - c0) / hz; split(check, c, " ")
            printf "%s %s %s %d %.0f %s %.2f %.2f %.1f %s %s %s\n", date, what, state, run, n / s, p99, cpu,
                cpu * 1e6 / n, hwm / 1024, c[1], c[2], load }' >> "$WORK/results.tsv"
    tail -1 "$WORK/results.tsv" | awk '{
        printf "%-10s %-4s run %d: %9.0f events/s  ack p99 %s ms  agent CPU %6.2f s (%5.2f s per 1M)  peak RSS %6.1f MiB  lost %s duplicated %s  (load %s)\n",
            $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
}

run_outage() {
    local out=$1 run=$2 dir="$WORK/$1-outage-$2" name="bench-outage-$2"
    local total=$((OUTAGE_RATE * (OUTAGE_BEFORE + OUTAGE + OUTAGE_AFTER)))
    mkdir -p "$dir"
    run_dest_prepare "$out" "$name" "$total" "$dir"
    agent_yaml "$out" "$name" "$dir" > "$dir/agent.yaml"
    start_agent "$dir" "$dir/agent.yaml"
    local agent=$AGENT_PID addr admin
    addr="$(listener "$dir/data/run/listeners.json" bench)"
    admin="$(listener "$dir/data/run/listeners.json" admin)"
    local cpu0 cpu1 t_stop t_start t_ready
    cpu0="$(ticks "$agent")"
    local bound=$((OUTAGE_BEFORE + OUTAGE + OUTAGE_AFTER + TIMEOUT))
    delivered "$admin" "$total" "$dir/timeline.txt" "$dir/delivered.json" "$bound" 200
    gen_tcp "$addr" "$total" 0 "$OUTAGE_RATE" "$dir/gen.json"
    local gen=$GEN_PID watch=$WATCH_PID
    sleep "$OUTAGE_BEFORE"
    t_stop="$(now_ns)"
    dest_down
    local left
    left="$(awk -v t="$t_stop" -v now="$(now_ns)" -v o="$OUTAGE" 'BEGIN { l = o - (now - t) / 1e9; print (l > 0) ? l : 0 }')"
    sleep "$left"
    t_start="$(now_ns)"
    dest_up "$out"
    t_ready="$(now_ns)"
    wait_pid "$gen" "$bound"
    local rc=0
    wait_pid "$watch" "$((bound + 10))" || rc=$?
    cpu1="$(ticks "$agent")"
    [[ $rc -eq 0 ]] || echo "not all delivered (exit $rc): $(cat "$dir/delivered.json" 2>/dev/null)" >&2
    local hwm metrics
    hwm="$(status_kib "$agent" VmHWM)"
    metrics="$(prom "$admin")"
    stop_pid "$agent"
    local check
    check="$(run_dest_check "$out" "$name" "$total" "$dir")"
    run_dest_finish "$out" "$name"
    # The timeline: epoch_ns accepted head acked. Before: the acked rate from 2 s after the first line to the
    # stop; drained: the first sample after the restart with a backlog under half a second of input; after: the
    # acked rate from then to the generator's last line.
    awk -v rate="$OUTAGE_RATE" -v first="$(json first_send_ns "$dir/gen.json")" -v gen_end="$(json last_ns "$dir/gen.json")" \
        -v t_stop="$t_stop" -v t_start="$t_start" -v t_ready="$t_ready" -v c0="$cpu0" -v c1="$cpu1" -v hz="$HZ" \
        -v hwm="$hwm" -v p99="$(ack_p99_ms "$metrics")" -v check="$check" -v what="$out" -v run="$run" \
        -v total="$total" -v load="$(cut -d' ' -f1 /proc/loadavg)" -v date="$(date -u +%FT%TZ)" '
        { t[NR] = $1; head[NR] = $3; acked[NR] = $4 }
        END {
            b0 = b1 = s = d = 0
            for (i = 1; i <= NR; i++) {
                if (!b0 && t[i] >= first + 2e9) b0 = i
                if (t[i] <= t_stop) b1 = i
                if (!s && t[i] >= t_start) s = i
                if (s && !d && head[i] - acked[i] <= rate / 2) d = i
            }
            before = (b0 && b1 > b0) ? (acked[b1] - acked[b0]) / ((t[b1] - t[b0]) / 1e9) : -1
            backlog = s ? head[s] - acked[s] : -1
            drain = d ? (t[d] - t_start) / 1e9 : -1
            drate = (d && s && t[d] > t[s]) ? (acked[d] - acked[s]) / ((t[d] - t[s]) / 1e9) : -1
            e = 0
            for (i = 1; i <= NR; i++) if (t[i] <= gen_end) e = i
            after = (d && e > d + 4) ? (acked[e] - acked[d]) / ((t[e] - t[d]) / 1e9) : -1
            split(check, c, " "); cpu = (c1 - c0) / hz
            printf "%s %s outage %d %d %.0f %.1f %.1f %d %.1f %.0f %.0f %s %s %s %.2f %.2f %.1f %s\n", date, what, run,
                total, before, (t_start - t_stop) / 1e9, (t_ready - t_start) / 1e9, backlog, drain, drate, after, c[1],
                c[2], p99, cpu, cpu * 1e6 / total, hwm / 1024, load }' "$dir/timeline.txt" >> "$WORK/results.tsv"
    tail -1 "$WORK/results.tsv" | awk '{
        printf "%-10s outage run %d: %d lines at %s/s; before %s events/s; down %s s (answering %s s after its start); backlog %s at the restart, drained in %s s (%s events/s); after %s events/s; lost %s duplicated %s; ack p99 %s ms; agent CPU %s s (%s per 1M), peak RSS %s MiB (load %s)\n",
            $2, $4, $5, rate, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19 }' rate="$OUTAGE_RATE"
}

if [[ "$OUTAGE" -gt 0 ]]; then
    printf '%s\n' "# date output mode run total before_eps down_s ready_s backlog drain_s drain_eps after_eps lost duplicated ack_p99_ms cpu_s cpu_s_per_M rss_peak_mib load1" \
        > "$WORK/results.tsv"
else
    printf '%s\n' "# date output state run events_per_s ack_p99_ms cpu_s cpu_s_per_M rss_peak_mib lost duplicated load1" \
        > "$WORK/results.tsv"
fi
for out in "${OUTPUTS[@]}"; do
    dest_open "$out"
    if [[ "$OUTAGE" -gt 0 ]]; then
        for ((run = 1; run <= RUNS; run++)); do
            run_outage "$out" "$run"
        done
    else
        for state in $STATES; do
            for ((run = 1; run <= RUNS; run++)); do
                run_once "$out" "$state" "$run"
            done
        done
    fi
    dest_close
done

cat "$WORK/results.tsv" >> "$RESULTS"
echo
if [[ "$OUTAGE" -gt 0 ]]; then
    echo "summary (median [min-max] of $RUNS runs; $OUTAGE_RATE lines/s of $SIZE B, destination down $OUTAGE s after $OUTAGE_BEFORE s):"
    SUMMARY_COLS="6:before_events/s 9:backlog 10:drain_s 11:drain_events/s 12:after_events/s 13:lost 14:duplicated 16:cpu_s"
else
    echo "summary (median [min-max] of $RUNS runs; $LINES lines of $SIZE B, warm after $WARMUP; rate $RATE):"
    SUMMARY_COLS="5:events/s 6:ack_p99_ms 8:cpu_s_per_1M 9:peak_rss_MiB 10:lost 11:duplicated"
fi
summary "$WORK/results.tsv"
echo "raw results appended to $RESULTS"
