# Shared by bench/source-bench.sh and bench/output-bench.sh (sourced, not run): the work folder, process
# bookkeeping (every process started is in PIDS and is killed at exit), the harness build, /proc readings and
# bounded waits. Expects ROOT, DIST, KEEP and WORK_NAME to be set.

HZ="$(getconf CLK_TCK)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/$WORK_NAME.XXXXXX")"
PIDS=()
cleanup() {
    local p i
    for p in "${PIDS[@]:-}"; do
        [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true
    done
    for ((i = 0; i < 50; i++)); do # at most 5 s for them to stop
        local alive=0
        for p in "${PIDS[@]:-}"; do
            [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null && alive=1
        done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for p in "${PIDS[@]:-}"; do
        [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true
    done
    if [[ "$KEEP" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -x "$DIST/bin/gapless" ]]; then
    echo "building the distribution (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
AGENT_CP="$DIST/lib/agent/*"
TOOLS="$WORK/tools"
mkdir -p "$TOOLS"
javac -d "$TOOLS" -cp "$AGENT_CP" "$ROOT"/bench/harness/{Sink,LoadGen,Delivered,SeqCount,SeqSink,KafkaCheck,OsCheck}.java
HARNESS_JAVA=(java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    "-Dlogback.configurationFile=$ROOT/bench/harness/logback-warn.xml" -cp "$TOOLS:$AGENT_CP")
# The generators run fully compiled (they compete with the agent for the CPU: the less they spend the better).
GEN_JAVA=(java -Xms256m -Xmx1g -cp "$TOOLS:$AGENT_CP")

json() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" "$2" | tr -d '"'; }
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
now_ns() { date +%s%N; }
prom() { curl -s --max-time 5 "http://$1/metrics/prometheus" || true; }
# A Prometheus sample: prom_value TEXT NAME LABELS (labels as written, e.g. output="out",quantile="0.99").
prom_value() { awk -v k="$2{$3}" '$1 == k {print $2; exit}' <<< "$1"; }
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
stop_pid() { # PID [SECONDS]: SIGTERM, SIGKILL after SECONDS (10), then reaped
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < ${2:-10} * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
wait_pid() { # PID SECONDS: waits for a child to end (its exit status), killing it at the bound
    local pid=$1 i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
        sleep 0.1
    done
    echo "process $pid still running after $2 s: killed" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 124
}
listener() { # listeners.json ID -> host:port
    sed -n "s/.*\"$2\":\"\(127\.0\.0\.1:[0-9]*\)\".*/\1/p" "$1"
}
start_agent() { # DIR CONFIG -> sets AGENT_PID; waits for DIR/data/run/listeners.json
    local dir=$1 conf=$2
    rm -f "$dir/data/run/listeners.json"
    "$DIST/bin/gapless" agent --config "$conf" >> "$dir/agent.log" 2>&1 &
    AGENT_PID=$!
    PIDS+=("$AGENT_PID")
    wait_file "$dir/data/run/listeners.json" 60 "$AGENT_PID"
}
machine_line() {
    echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "work folder: $WORK"
}
# summary TSV: for each distinct pair of columns 2 and 3 (what, state), median [min-max] of the
# columns named in SUMMARY_COLS ("N:name ...").
summary() {
    local tsv=$1 key col
    for key in $(awk '!/^#/ { print $2 ":" $3 }' "$tsv" | awk '!seen[$0]++'); do
        for col in $SUMMARY_COLS; do
            awk -v k="$key" -v c="${col%%:*}" '!/^#/ && $2 ":" $3 == k && $c != "-" { print $c }' "$tsv" | sort -g \
                | awk -v k="$key" -v name="${col#*:}" '{ v[NR] = $1 } END {
                    if (NR == 0) { printf "  %-26s %-16s %12s\n", k, name, "-"; exit }
                    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                    printf "  %-26s %-16s %12.2f [%s-%s]\n", k, name, med, v[1], v[NR] }'
        done
    done
}
