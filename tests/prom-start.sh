# Sourced by scripts and bats tests: a real Prometheus (Debian's package) scraping the
# simulator through its HTTP service discovery, on a free loopback port with its own
# temporary storage.
#   prom_start SIM_URL [INTERVAL]   sets PROM_PID, PROM_URL, PROM_DIR; INTERVAL is the
#                                   scrape, evaluation and discovery period (default 1s)
#   prom_stop
#   prom_start_file SIM_URL [INTERVAL]  in setup_file: one Prometheus for the file's tests,
#                                   PROM_FILE_URL exported (PROM_URL stays unset)
#   prom_stop_file                  in teardown_file
# Environment: PROMETHEUS (the binary, default prometheus); PROM_RULE_FOR (every alert
# rule's `for`, e.g. 1s for tests; default: the rules' own); PROM_CA_FILE (CA of an https
# simulator); PROM_HISTORY (seconds: Prometheus starts with that much history of every
# target, one sample a second, written by promtool from what the simulator serves now:
# tests need no minute of real scrapes for it; PROMTOOL, default promtool); PROM_QUERY_LOG
# (a file: Prometheus writes every query it is asked there, a JSON line each).
# Returns 2 with a message when prometheus is not installed, 1 when it did
# not become ready within 30 s. Waits on GET /-/ready, never a fixed sleep.
PROMETHEUS=${PROMETHEUS:-prometheus}
PROMTOOL=${PROMTOOL:-promtool}
PROM_CONFIG_DIR=${PROM_CONFIG_DIR:-config/prometheus}

# prom_free_port: a loopback port nothing listens on now (below Linux's ephemeral range,
# so no outgoing connection holds it either). Asked with bash's /dev/tcp, not a process:
# python3 here is a version manager's shim that costs half a second of CPU a start.
# prom_start tries another port if one is taken between this and the bind.
prom_free_port() {
    local p i
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        if ! (exec 9<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "prom_free_port: no free port found" >&2
    return 1
}

prom_start() {
    prom_sim=$1
    prom_interval=${2:-1s}
    PROM_PID=""
    PROM_URL=""
    if ! command -v "$PROMETHEUS" >/dev/null 2>&1; then
        echo "prometheus is not installed (Debian: apt-get install prometheus); going on without it" >&2
        return 2
    fi
    PROM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/flinktop-prom.XXXXXX") || return 1
    # the discovery URL, the intervals (a scrape may not time out after its interval)
    sed -e "s#http://127.0.0.1:8081#$prom_sim#" \
        -e "s#^\(  scrape_interval:\).*#\1 $prom_interval#" \
        -e "s#^\(  evaluation_interval:\).*#\1 $prom_interval#" \
        -e "s#^\(  scrape_timeout:\).*#\1 $prom_interval#" \
        -e "s#^\(        refresh_interval:\).*#\1 $prom_interval#" \
        "$PROM_CONFIG_DIR/prometheus.yml" >"$PROM_DIR/prometheus.yml" || return 1
    if [ -n "${PROM_CA_FILE:-}" ]; then
        # https: the discovery request and every scrape verify the simulator's certificate
        sed -i -e "s#^\(        refresh_interval:.*\)#\1\n        tls_config:\n          ca_file: $PROM_CA_FILE#" \
            -e "s#^\(    honor_labels:.*\)#\1\n    tls_config:\n      ca_file: $PROM_CA_FILE#" \
            "$PROM_DIR/prometheus.yml" || return 1
    fi
    if [ -n "${PROM_QUERY_LOG:-}" ]; then
        sed -i -e "s#^global:#global:\n  query_log_file: $PROM_QUERY_LOG#" \
            "$PROM_DIR/prometheus.yml" || return 1
    fi
    if [ -n "${PROM_RULE_FOR:-}" ]; then
        sed -e "s#^\(        for:\).*#\1 $PROM_RULE_FOR#" "$PROM_CONFIG_DIR/flink-rules.yml" \
            >"$PROM_DIR/flink-rules.yml" || return 1
    else
        cp "$PROM_CONFIG_DIR/flink-rules.yml" "$PROM_DIR/flink-rules.yml" || return 1
    fi
    if [ -n "${PROM_HISTORY:-}" ]; then
        prom_history "$prom_sim" "$PROM_HISTORY" "$PROM_DIR/data" || return 1
    fi
    tries=0
    while [ $tries -lt 3 ]; do # a port taken between the probe and the bind: another one
        tries=$((tries + 1))
        port=$(prom_free_port) || return 1
        "$PROMETHEUS" --config.file="$PROM_DIR/prometheus.yml" \
            --storage.tsdb.path="$PROM_DIR/data" --web.listen-address="127.0.0.1:$port" \
            --log.level=warn >"$PROM_DIR/log" 2>&1 3>&- &
        PROM_PID=$!
        PROM_URL="http://127.0.0.1:$port"
        i=0
        while [ $i -lt 300 ]; do
            if curl -sf -o /dev/null "$PROM_URL/-/ready" 2>/dev/null; then
                return 0
            fi
            if ! kill -0 "$PROM_PID" 2>/dev/null; then
                break
            fi
            i=$((i + 1))
            sleep 0.1
        done
        if kill -0 "$PROM_PID" 2>/dev/null; then
            break # running but never ready: no point in another port
        fi
        wait "$PROM_PID" 2>/dev/null
        PROM_PID=""
    done
    echo "prometheus did not become ready: $(tail -n 5 "$PROM_DIR/log")" >&2
    prom_stop
    return 1
}

# prom_history SIM_URL SECONDS DIR: a TSDB block in DIR holding, for every target the
# simulator's discovery lists, what it serves now once a second over the last SECONDS
# seconds, with the labels a scrape gives (the target's, instance, job): what a Prometheus
# that had scraped it that long would hold. One curl for every target (one connection),
# one awk, one promtool.
prom_history() {
    local sim=$1 secs=$2 dir=$3 now tls=() urls=()
    [ -n "${PROM_CA_FILE:-}" ] && tls=(--cacert "$PROM_CA_FILE")
    now=$(date +%s)
    mkdir -p "$dir" || return 1
    curl -sf "${tls[@]}" "$sim/_sim/prometheus/sd" |
        jq -r '.[] | .targets[0] as $t | [$t, .labels.__metrics_path__,
            ([.labels | to_entries[] | select(.key | startswith("__") | not)
              | "\(.key)=\"\(.value)\""] + ["instance=\"\($t)\"", "job=\"flink\""] | join(","))]
            | @tsv' >"$dir/targets.tsv" || return 1
    while IFS=$'\t' read -r target path _; do
        urls+=("${sim%%://*}://$target$path")
    done <"$dir/targets.tsv"
    [ ${#urls[@]} -gt 0 ] || { echo "prom_history: no targets at $sim" >&2; return 1; }
    # each scrape ends with a line of its own (-w): the next target's labels apply
    curl -sf "${tls[@]}" -w '\n#END\n' "${urls[@]}" >"$dir/scrapes.txt" || return 1
    awk -v now="$now" -v n="$secs" '
        FNR == NR { split($0, f, "\t"); labels[NR] = f[3]; next }
        FNR == 1 { t = 1 }
        /^#END$/ { t++; next }
        /^#/ || NF < 2 { next }
        {
            v = $NF; s = substr($0, 1, length($0) - length(v) - 1); L = labels[t]
            i = index(s, "{")
            if (i) { b = substr(s, 1, i - 1); l = substr(s, i + 1); sub(/} *$/, "", l); l = l "," L }
            else { b = s; l = L }
            for (k = n; k >= 1; k--) printf "%s{%s} %s %d\n", b, l, v, now - k
        }
        END { print "# EOF" }' "$dir/targets.tsv" "$dir/scrapes.txt" >"$dir/history.om" || return 1
    "$PROMTOOL" tsdb create-blocks-from openmetrics "$dir/history.om" "$dir" >"$dir/promtool.log" 2>&1 ||
        { echo "promtool: $(tail -n 3 "$dir/promtool.log")" >&2; return 1; }
    rm -f "$dir/history.om" "$dir/targets.tsv" "$dir/scrapes.txt" "$dir/promtool.log"
}

prom_stop() {
    if [ -n "${PROM_PID:-}" ]; then
        kill "$PROM_PID" 2>/dev/null
        wait "$PROM_PID" 2>/dev/null
        PROM_PID=""
    fi
    if [ -n "${PROM_DIR:-}" ]; then
        rm -rf "$PROM_DIR"
        PROM_DIR=""
    fi
    return 0
}

# prom_start_file SIM_URL [INTERVAL]: in setup_file, a Prometheus the file's tests share
# (they set PROM_URL=$PROM_FILE_URL); a test's own prom_start/prom_stop leave it alone.
prom_start_file() {
    prom_start "$@"
    local rc=$?
    PROM_FILE_PID=$PROM_PID PROM_FILE_URL=$PROM_URL PROM_FILE_DIR=${PROM_DIR:-}
    export PROM_FILE_PID PROM_FILE_URL PROM_FILE_DIR
    PROM_PID="" PROM_URL="" PROM_DIR=""
    return $rc
}

# prom_alive PID: running and not a zombie (kill -0 alone waits for its reaping, which the
# file's teardown may never do)
prom_alive() {
    local st
    kill -0 "$1" 2>/dev/null || return 1
    read -r st 2>/dev/null <"/proc/$1/stat" || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

prom_stop_file() {
    local pid=${PROM_FILE_PID:-} i=0
    PROM_FILE_PID=""
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null # reaped at once where teardown_file is its parent
        # where it is not: poll (with a deadline) for its end; a zombie has ended
        while prom_alive "$pid" && [ $i -lt 300 ]; do
            i=$((i + 1))
            sleep 0.05
        done
    fi
    if [ -n "${PROM_FILE_DIR:-}" ]; then
        rm -rf "$PROM_FILE_DIR"
        PROM_FILE_DIR=""
    fi
    return 0
}
