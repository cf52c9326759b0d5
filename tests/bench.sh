#!/bin/bash
# make bench: figures, never pass/fail. Each scenario runs the console in a real terminal
# (tmux) on the simulator posing as a kube-apiserver, as a user meets it: HTTPS with a
# throwaway certificate, a bearer token, a kubeconfig, every Flink request through the
# API server's service proxy. flinktop writes what it sees to a trace file
# (FLINKTOP_BENCH=trace, src/model/bench_trace.h); this script reads it.
#
# Scenarios (BENCH_SCENARIOS, space separated; default all ten):
#   3x20 10x100 1x1000 100x1   CLUSTERS x JOBS per cluster (100x1: 100 FlinkDeployments)
#   p512                       one job, parallelism 512, 128 task managers
#   NAME-hang                  the same with the proxy paths of one cluster (staging)
#                              hanging; a one-cluster scenario gets staging as a second
#   CxJ-prom                   CLUSTERS x JOBS with a real Prometheus (tests/prom-bench.sh,
#                              its own figures: every job's health on the board, the
#                              opened job's history against Prometheus's, Prometheus
#                              queries per refresh, per-job Flink REST per minute)
# Figures for each: first frame with every FlinkDeployment; time until every job's summary
# is on the board; the first fill of the rows on screen (their first details, at the
# budget's full rate; the steady-state window starts after it); time until every job has its details (within the scenario's run);
# key-to-screen p50/p99 (`?` pressed while polls are in flight, measured from the moment
# the key is sent to the end of the doupdate() that shows it); CPU % of a core over
# BENCH_SECONDS (default 60) at 2 s refresh on the clusters screen; private memory
# (Private_Dirty) at the end of that window; requests per minute to the API server by
# class at steady state (GET /_sim/stats, reset after warm-up); the age of the data of
# the job on screen.
# BENCH_QUICK=1: a short run (5 s window, few keys) that checks the script itself.
# BENCH_LONG=1: a 300 s window, private memory at 5 minutes.
# BENCH_TRACE_DIR=DIR keeps each scenario's trace and key send times there.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # EPOCHREALTIME times the keys
set -u
cd "$(dirname "$0")/.." || exit 1
FLINKTOP=${FLINKTOP:-./flinktop}
. tests/sim-start.sh

REFRESH=2
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    WINDOW=${BENCH_SECONDS:-5} KEYS=6 SETTLE=10 AGE_SECONDS=3 FILL_MAX=${BENCH_FILL_MAX:-60}
else
    WINDOW=${BENCH_SECONDS:-60} KEYS=24 SETTLE=20 AGE_SECONDS=4 FILL_MAX=${BENCH_FILL_MAX:-180}
fi
[ "${BENCH_LONG:-0}" = 1 ] && WINDOW=${BENCH_SECONDS:-300}
SCENARIOS=${BENCH_SCENARIOS:-"3x20 10x100 1x1000 100x1 p512 3x20-hang 10x100-hang 1x1000-hang 100x1-hang p512-hang 100x1-prom"}
HZ=$(getconf CLK_TCK)

dir=$(mktemp -d "${TMPDIR:-/tmp}/flinktop-bench.XXXXXX") || exit 1
SOCK="flinktop-bench-$$"
T() { tmux -L "$SOCK" "$@"; }
PID="" CTL_PID=""
stop_console() {
    exec 7>&-
    if [ -n "$CTL_PID" ]; then
        kill "$CTL_PID" 2>/dev/null
        wait "$CTL_PID" 2>/dev/null
    fi
    CTL_PID=""
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null # SIGTERM: flinktop restores the terminal and exits
        for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
    fi
    PID=""
    T kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$UID/$SOCK" # tmux 3.3 leaves its socket
}
cleanup() {
    stop_console
    sim_stop
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -days 1 \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1; then
    echo "bench: openssl could not make a certificate:" >&2
    cat "$dir/openssl.log" >&2
    exit 1
fi
: >"$dir/config.yaml" # the defaults, not the user's config
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# fig LINE: a figure, on screen and in the scenario's report (the table at the end)
fig() {
    echo "$1"
    echo "$1" >>"$dir/report.$name"
}
figs() { while IFS= read -r l; do fig "$l"; done; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }

# wait_trace AWK_CONDITION SECONDS: the first trace line matching, or nothing at the deadline
wait_trace() {
    local end=$((SECONDS + $2)) line
    while :; do
        line=$(awk "$1 {print; exit}" "$dir/trace" 2>/dev/null)
        [ -n "$line" ] && { echo "$line"; return 0; }
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
}

# key_figures SENDS_FILE: p50/p99/max from the send times to the frames that showed them;
# then the part flinktop spent (its read of the key to its frame) and its longest loop turn
# while keys were sent (a key waits at most that long for flinktop; the rest of its wait
# is the terminal's and the scheduler's)
key_figures() {
    awk -v sends="$1" '
        BEGIN { m = 0; while ((getline l < sends) > 0) { split(l, t, "."); s[n++] = t[1] * 1000000 + t[2] } }
        $1 == "key" { r[m] = $2 + 0; d[m] = $3 + 0; m++ }
        $1 == "busy" && m > 0 { if ($3 / 1000 > busy) busy = $3 / 1000 }
        END {
            k = 0; lost = 0
            for (i = 0; i < n; i++) {
                for (j = 0; j < m && r[j] < s[i]; j++) ;
                if (j == m) { lost++; continue }
                lat[k++] = (d[j] - s[i]) / 1000
                if ((d[j] - r[j]) / 1000 > inside) inside = (d[j] - r[j]) / 1000
            }
            # insertion sort: a few dozen samples
            for (i = 1; i < k; i++) { v = lat[i]; for (j = i - 1; j >= 0 && lat[j] > v; j--) lat[j + 1] = lat[j]; lat[j + 1] = v }
            if (k == 0) { printf "> 30000 ms (no key reached the screen, %d sent)", n; exit }
            p50 = lat[int((k - 1) * 0.50 + 0.5)]; p99 = lat[int((k - 1) * 0.99 + 0.5)]
            printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d keys, %d never shown); read to screen max %.1f ms, longest loop turn %.1f ms", p50, p99, lat[k - 1], n, lost, inside, busy
        }' "$dir/trace"
}

# frame_figures FROM TO: the frames drawn between two counts of frame lines
frame_figures() {
    awk -v from="$1" -v to="$2" '$1 == "frame" { n++; if (n > from && n <= to) { k++; d = $3 + 0; s += d; if (d > m) m = d } }
        END { if (k == 0) printf "0 frames"; else printf "%d frames, draw mean %.2f ms, max %.2f ms", k, s / k, m }' "$dir/trace"
}
frame_count() { awk '$1 == "frame"' "$dir/trace" | wc -l; }

# prom_scenario NAME: CxJ-prom, through tests/prom-bench.sh (Prometheus scrapes for
# PROM_WARM_SECONDS, default 120, before the console starts; BENCH_QUICK: 20)
prom_scenario() {
    local name=$1 base=${1%-prom}
    local clusters=${base%x*} jobs=${base#*x}
    case "$clusters$jobs" in *[!0-9]*|"") echo "bench: unknown scenario $name" >&2; return 1 ;; esac
    echo
    echo "== $name: $clusters FlinkDeployments x $jobs jobs with Prometheus, through the Kubernetes API (load $(cut -d' ' -f1-3 /proc/loadavg))"
    if ! command -v "${PROMETHEUS:-prometheus}" >/dev/null 2>&1; then
        echo "  prometheus is not installed (make deps): skipped"
        return 0
    fi
    local warm=${PROM_WARM_SECONDS:-120}
    [ "${BENCH_QUICK:-0}" = 1 ] && warm=${PROM_WARM_SECONDS:-20}
    PROM_WARM_SECONDS=$warm FLINKTOP=$FLINKTOP timeout 300 bash tests/prom-bench.sh \
        "$clusters" "$jobs" "$WINDOW" "$REFRESH" | figs
}

# run_scenario NAME
run_scenario() {
    local name=$1 base=${1%-hang} hang=0 clusters jobs extra="" label
    case "$name" in *-prom) prom_scenario "$name"; return ;; esac
    [ "$name" != "$base" ] && hang=1
    case "$base" in
        p512) clusters=1 jobs=1 extra="--parallelism 512 --taskmanagers 128"
              label="1 job, parallelism 512, 128 task managers" ;;
        *x*) clusters=${base%x*} jobs=${base#*x}
             label="$clusters clusters x $jobs jobs" ;;
        *) echo "bench: unknown scenario $name (3x20, 10x100, p512, 3x20-hang, ...)" >&2; return 1 ;;
    esac
    case "$clusters$jobs" in *[!0-9]*) echo "bench: unknown scenario $name" >&2; return 1 ;; esac
    local answering=$clusters
    if [ $hang = 1 ]; then
        [ "$clusters" -lt 2 ] && clusters=2 # staging, the cluster that hangs
        answering=$((clusters - 1))
        label="$label, staging's proxy hanging"
        [ "$base" = p512 ] || [ "${base%x*}" = 1 ] && label="$label (a second cluster)"
    fi
    local want_jobs=$((answering * jobs))
    echo
    echo "== $name: $label, through the Kubernetes API (load $(cut -d' ' -f1-3 /proc/loadavg))"

    rm -f "$dir/trace" "$dir/sends" "$dir/kubeconfig" "$dir/report.$name"
    local token
    token=$(openssl rand -hex 24)
    set -- --clusters "$clusters" --jobs "$jobs" $extra --frozen --token "$token" \
        --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" --kubeconfig-out "$dir/kubeconfig"
    [ $hang = 1 ] && set -- "$@" --fault '/api/v1/namespaces/flink-staging/services/*/proxy/*=hang'
    sim_start "$@" || return 1

    T -f /dev/null new-session -d -s b -x 160 -y 50 \
        "exec env XDG_CONFIG_HOME=$dir XDG_STATE_HOME=$dir FLINKTOP_BENCH=trace FLINKTOP_BENCH_FILE=$dir/trace $FLINKTOP --refresh $REFRESH -c $dir/config.yaml --kubeconfig $dir/kubeconfig 2>$dir/stderr"
    T set-option -g window-size manual 2>/dev/null
    PID=""
    for _ in $(seq 1 100); do # the pane's process is flinktop itself (exec)
        PID=$(T display -p -t b '#{pane_pid}' 2>/dev/null)
        [ -n "$PID" ] && [ "$(cat "/proc/$PID/comm" 2>/dev/null)" = flinktop ] && break
        PID=""
        sleep 0.05
    done
    if [ -z "$PID" ]; then
        echo "bench: flinktop did not start: $(cat "$dir/stderr" 2>/dev/null)" >&2
        stop_console
        sim_stop
        return 1
    fi

    # progress MS CLUSTERS ANSWERED JOBS DETAILED
    local line ms
    if line=$(wait_trace "\$1 == \"progress\" && \$3 >= $clusters" "$SETTLE"); then
        set -- $line
        fig "  first frame: $2 ms (every FlinkDeployment on screen)"
    else
        fig "  first frame: > $((SETTLE * 1000)) ms (not every FlinkDeployment on screen yet)"
    fi
    if line=$(wait_trace "\$1 == \"progress\" && \$4 >= $answering && \$5 >= $want_jobs" "$SETTLE"); then
        set -- $line
        fig "  every job's summary: $2 ms ($want_jobs jobs on the board)"
    else
        set -- $(awk '$1 == "progress"' "$dir/trace" | tail -n 1) x 0 0 0 0 0
        fig "  every job's summary: > $((SETTLE * 1000)) ms (after it: $5 of $want_jobs jobs, $4 of $answering clusters answered)"
    fi
    # the job rows on screen (about 46 on the 50-line terminal) get their first details at
    # the budget's full rate (a fill); steady state starts once they have them (at most
    # FILL_MAX s)
    local rows=$((want_jobs < 48 ? want_jobs : 48))
    if line=$(wait_trace "\$1 == \"progress\" && \$6 >= $rows" "$FILL_MAX"); then
        set -- $line
        fig "  first fill of the rows on screen: $2 ms ($rows jobs with details)"
    else
        set -- $(awk '$1 == "progress"' "$dir/trace" | tail -n 1) x 0 0 0 0 0
        fig "  first fill of the rows on screen: > $2 ms ($6 of $rows jobs with details)"
    fi
    sleep $((2 * REFRESH)) # two rounds more: steady state

    curl -sfk -X DELETE "$SIM_URL/_sim/stats" >/dev/null
    local c0 s0 t0 c1 s1 t1
    local f0 f1
    f0=$(frame_count)
    c0=$(cpu_ticks "$PID") s0=$(cpu_ticks "$SIM_PID") t0=$EPOCHREALTIME
    sleep "$WINDOW" # the measurement window itself
    c1=$(cpu_ticks "$PID") s1=$(cpu_ticks "$SIM_PID") t1=$EPOCHREALTIME
    f1=$(frame_count)
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "bench: flinktop exited during $name: $(tail -n 3 "$dir/stderr" 2>/dev/null)" >&2
        PID=""
        stop_console
        sim_stop
        return 1
    fi
    curl -sfk "$SIM_URL/_sim/stats" >"$dir/stats.json"
    local priv
    priv=$(sed -n 's/^Private_Dirty: *\([0-9]*\) kB/\1/p' "/proc/$PID/smaps_rollup" 2>/dev/null)
    awk -v a="$c0" -v b="$c1" -v sa="$s0" -v sb="$s1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
        -v w="$WINDOW" -v r="$REFRESH" 'BEGIN {
        printf "  CPU: %.2f %% of a core over %d s at %d s refresh, clusters screen (simulator: %.1f %%)\n",
            (b - a) / hz / (t1 - t0) * 100, w, r, (sb - sa) / hz / (t1 - t0) * 100 }' | figs
    fig "  frames on the clusters screen: $(frame_figures "$f0" "$f1") over the window"
    fig "  private memory: ${priv:-?} kB (Private_Dirty, $((SECONDS - ${scenario_start:-0})) s after start)"
    jq -r --argjson s "$(awk -v t0="$t0" -v t1="$t1" 'BEGIN { print t1 - t0 }')" '
        def pm(x): (x // 0) * 60 / $s | floor;
        "  requests/min to the API server: \(pm(.kubernetes_list + .kubernetes_watch + .kubernetes_other + .proxy)) (list \(pm(.kubernetes_list)), watch \(pm(.kubernetes_watch)), other \(pm(.kubernetes_other)), proxy \(pm(.proxy)))",
        "    most: " + ([.by_path | to_entries | sort_by(-.value) | .[:3][] | "\(.key) \(pm(.value))"] | join(", "))
    ' "$dir/stats.json" 2>/dev/null | figs

    # keys while polls are in flight: `?` opens and closes the help, sent through one
    # control-mode client so that no tmux process starts between the time and the key
    rm -f "$dir/ctl"
    mkfifo "$dir/ctl"
    T -C attach -t b <"$dir/ctl" >/dev/null 2>&1 &
    CTL_PID=$!
    exec 7>"$dir/ctl"
    echo "display-message -p ready" >&7
    sleep 0.3 # the client attached
    for _ in $(seq 1 "$KEYS"); do
        echo "$EPOCHREALTIME" >>"$dir/sends"
        echo "send-keys -t b ?" >&7
        sleep "0.$((100 + RANDOM % 200))"
    done
    local last
    last=$(tail -n 1 "$dir/sends" | tr -d .)
    wait_trace "\$1 == \"key\" && \$2 >= $last" 30 >/dev/null
    fig "  key-to-screen: $(key_figures "$dir/sends")"

    # the first cluster's first job: how old is what its screen shows
    echo "send-keys -t b Enter" >&7
    wait_trace "\$1 == \"key\" && \$2 >= ${EPOCHREALTIME/./}" 10 >/dev/null
    sleep 0.5 # the jobs screen drawn
    echo "send-keys -t b Enter" >&7
    sleep "$REFRESH" # one refresh on the job's screen: what was there before it is gone
    local from
    from=$(awk '$1 == "age"' "$dir/trace" | wc -l)
    sleep "$AGE_SECONDS"
    awk -v from="$from" '$1 == "age" && ++n > from' "$dir/trace" | awk -v open=$(((REFRESH + AGE_SECONDS) * 1000)) '
        { n++; sa = $3 + 0; da = $4 + 0; if (sa > sm) sm = sa; if (da >= 0) { a[k++] = da; if (da > dm) dm = da } }
        END {
            for (i = 1; i < k; i++) { v = a[i]; for (j = i - 1; j >= 0 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
            if (k == 0) { printf "  age of the job on screen: > %d ms (its metrics never arrived in %d frames)\n", open, n; exit }
            printf "  age of the job on screen: p50 %d ms, max %d ms (vertex metrics; summary max %d ms; %d frames)\n",
                a[int((k - 1) / 2)], dm, sm, n }' | figs

    if [ "$base" = p512 ]; then # the heatmap bins 512 subtasks a vertex
        echo "send-keys -t b 3" >&7
        sleep "$REFRESH"
        f0=$(frame_count)
        sleep "$AGE_SECONDS"
        fig "  backpressure tab (512 subtasks): $(frame_figures "$f0" "$(frame_count)")"
    fi

    # details: anything up to now counts
    if line=$(wait_trace "\$1 == \"progress\" && \$6 >= $want_jobs" 0); then
        set -- $line
        fig "  every job's details: $2 ms"
    else
        set -- $(awk '$1 == "progress"' "$dir/trace" | tail -n 1) x 0 0 0 0 0
        fig "  every job's details: > $2 ms (by then $6 of $want_jobs jobs)"
    fi
    if [ -n "${BENCH_TRACE_DIR:-}" ] && mkdir -p "$BENCH_TRACE_DIR"; then
        cp "$dir/trace" "$BENCH_TRACE_DIR/$name.trace"
        cp "$dir/sends" "$BENCH_TRACE_DIR/$name.sends"
    fi
    stop_console
    sim_stop
}

# table_row NAME: the scenario's figures as one row of a Markdown table (README)
table_row() {
    local f="$dir/report.$1"
    [ -f "$f" ] || return 0
    case "$1" in *-prom) return 0 ;; esac # its own figures, printed above
    get() { sed -n "s/^  $1: $2.*/\\1/p" "$f" | head -n 1; }
    printf '| %s | %s | %s | %s | %s | %s | %s %% | %s kB | %s | %s |\n' "$1" \
        "$(get 'first frame' '\(>\{0,1\} \{0,1\}[0-9]*\) ms')" \
        "$(get "every job's summary" '\(>\{0,1\} \{0,1\}[0-9]*\) ms')" \
        "$(get "every job's details" '\(>\{0,1\} \{0,1\}[0-9]*\) ms')" \
        "$(get 'key-to-screen' 'p50 \([0-9.]*\) ms')/$(get 'key-to-screen' '.*p99 \([0-9.]*\) ms')" \
        "$(get 'key-to-screen' '.*longest loop turn \([0-9.]*\) ms')" \
        "$(get 'CPU' '\([0-9.]*\) %')" "$(get 'private memory' '\([0-9?]*\) kB')" \
        "$(sed -n 's/^  requests\/min to the API server: \([0-9]*\) (list \([0-9]*\), watch \([0-9]*\), other [0-9]*, proxy \([0-9]*\)).*/\1 (\2, \3, \4)/p' "$f")" \
        "$(get 'age of the job on screen' '\(> [0-9]*\) ms')$(get 'age of the job on screen' 'p50 [0-9]* ms, max \([0-9]*\) ms')"
}

echo "flinktop bench: $(git describe --always --dirty 2>/dev/null || echo '?') on $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), window ${WINDOW} s"
for name in $SCENARIOS; do
    scenario_start=$SECONDS
    run_scenario "$name"
done
echo
echo "| scenario | first frame (ms) | every summary (ms) | every job's details (ms) | key p50/p99 (ms) | longest loop turn (ms) | CPU | private | requests/min (list, watch, proxy) | job on screen, max age (ms) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for name in $SCENARIOS; do table_row "$name"; done
