#!/usr/bin/env bash
# make bench's Prometheus scenario (tests/bench.sh runs it as 100x1-prom), or alone:
#   tests/prom-bench.sh CLUSTERS JOBS [WINDOW_S=60] [REFRESH_S=2]
# The console against a simulated fleet of CLUSTERS FlinkDeployments x JOBS jobs, found
# through the simulator's Kubernetes API, with a real Prometheus (tests/prom-start.sh)
# scraping the simulator and reached through the API server's service proxy
# (prometheus: {context, namespace, service, port}). Prometheus scrapes for
# PROM_WARM_SECONDS (default 120) before the console starts, so it holds history from
# before launch. Prints figures, never pass/fail:
#   - every job's health on the board: start to the frame where every job's throughput,
#     worst backpressure and last checkpoint are known (FLINKTOP_BENCH=trace "health");
#   - the job opened right after that (Enter on the board's first row): the points of
#     throughput history in its first frame, against the points Prometheus holds for it
#     over the ring's window (15 min at the refresh period), and the most within 5 s;
#   - steady state on the board over WINDOW_S: Prometheus queries per refresh (through
#     the proxy, by path), per-job Flink REST requests per minute (/jobs/JID...: the
#     board's; the selected row's job is asked at the detail interval for the action
#     keys) and each cluster's /jobs/overview per minute.
# Bounded: about PROM_WARM_SECONDS + WINDOW_S + 60 s. Needs prometheus, tmux, jq; starts
# and stops its own simulator, Prometheus and tmux server (by PID and socket).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
cd "$(dirname "$0")/.." || exit 1
CLUSTERS=${1:?clusters}
JOBS=${2:?jobs}
WINDOW=${3:-60}
REFRESH=${4:-2}
WARM=${PROM_WARM_SECONDS:-120}
FLINKTOP=${FLINKTOP:-./flinktop}
FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}
. tests/sim-start.sh
. tests/prom-start.sh
D=$(mktemp -d "${TMPDIR:-/tmp}/flinktop-prom-bench.XXXXXX") || exit 1
SOCK="flinktop-prom-bench-$$"
T() { tmux -L "$SOCK" "$@"; }
cleanup() {
    T kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$UID/$SOCK" # tmux 3.3 leaves its socket
    prom_stop
    sim_stop
    [ -n "${BENCH_TRACE_DIR:-}" ] && mkdir -p "$BENCH_TRACE_DIR" && cp "$D/trace" "$BENCH_TRACE_DIR/prom.trace" 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# wait_trace AWK_CONDITION SECONDS: the first trace line matching, or nothing at the deadline
wait_trace() {
    local end=$((SECONDS + $2)) line
    while :; do
        line=$(awk "$1 {print; exit}" "$D/trace" 2>/dev/null)
        [ -n "$line" ] && { echo "$line"; return 0; }
        [ $SECONDS -ge $end ] && return 1
        sleep 0.1
    done
}
promq() { # QUERY: the first value of an instant query, 0 none
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'
}

sim_start --clusters "$CLUSTERS" --jobs "$JOBS" --taskmanagers 2 --frozen \
    --kubeconfig-out "$D/kc" || exit 1
prom_start "$SIM_URL" "${REFRESH}s" || exit 1
warm_from=$SECONDS
curl -sf -X PUT "$SIM_URL/_sim/prometheus-upstream" -d "{\"url\":\"$PROM_URL\"}" >/dev/null
want=$(curl -sf "$SIM_URL/_sim/jobs" | jq '[.jobs[] | select(.state == "RUNNING")] | length')
scraped() { promq 'count(count by (job_id, cluster) (flink_taskmanager_job_task_busyTimeMsPerSecond))'; }
end=$((SECONDS + 120))
until [ "$(scraped)" -ge "$want" ]; do
    [ $SECONDS -lt $end ] || { echo "  Prometheus scraped $(scraped) of $want jobs in 120 s" >&2; exit 1; }
    sleep 1
done
while [ $((SECONDS - warm_from)) -lt "$WARM" ]; do sleep 1; done
echo "  fleet: $CLUSTERS FlinkDeployments x $JOBS jobs ($want running), 2 task managers each; refresh ${REFRESH} s"
echo "  Prometheus: scraping every ${REFRESH} s for $((SECONDS - warm_from)) s before the console started"

printf 'refresh: %s\nprometheus:\n  context: flinktop-sim\n  namespace: monitoring\n  service: prometheus\n  port: web\n' \
    "$REFRESH" >"$D/c.yaml"
curl -sf -X DELETE "$SIM_URL/_sim/stats" >/dev/null
T -f /dev/null new-session -d -s b -x 160 -y 50 \
    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$D XDG_STATE_HOME=$D FLINKTOP_BENCH=trace FLINKTOP_BENCH_FILE=$D/trace $FLINKTOP -c $D/c.yaml --kubeconfig $D/kc --start fleet 2>$D/stderr"

if line=$(wait_trace "\$1 == \"health\" && \$3 >= $want" 60); then
    set -- $line
    echo "  every job's health on the board: $2 ms ($want jobs: throughput, backpressure, checkpoint age)"
else
    set -- $(awk '$1 == "health"' "$D/trace" 2>/dev/null | tail -n 1) x 0 0
    echo "  every job's health on the board: > 60000 ms (by then $3 of $want jobs)"
fi
startup=$(jq '[.by_path | to_entries[] | select(.key | test("/jobs/\\{jid\\}")) | .value] | add // 0' \
    <(curl -sf "$SIM_URL/_sim/stats"))
echo "  per-job Flink REST requests until then: $startup"

# the board's first row opened right away: its history in the first frame
T send-keys -t b Enter
if line=$(wait_trace '$1 == "opened"' 20); then
    set -- $line
    jid=$3 points=$4
    held=$(curl -sf "$PROM_URL/api/v1/query_range" \
        --data-urlencode "query=sum by (job_id) (flink_taskmanager_job_task_numRecordsOutPerSecond{job_id=\"$jid\",task_name=~\"Source:.*\"})" \
        --data-urlencode "start=$(($(date +%s) - 900))" --data-urlencode "end=$(date +%s)" \
        --data-urlencode "step=$REFRESH" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(len(r[0]["values"]) if r else 0)')
    echo "  job opened at $2 ms: $points points of throughput history in its first frame; Prometheus holds $held (15 min at ${REFRESH} s steps)"
    sleep 5 # its backfill (and REST's own points) coming in
    if line=$(awk -v j="$jid" '$1 == "points" && $3 == j' "$D/trace" | sort -k4,4n | tail -n 1) && [ -n "$line" ]; then
        set -- $line
        echo "    then $4 points at $2 ms (the most within 5 s of opening: Prometheus's backfill and REST's points)"
    else
        echo "    then no more points within 5 s"
    fi
else
    echo "  job opened: no job screen within 20 s"
fi
T send-keys -t b Escape
sleep $((2 * REFRESH)) # back on the board, two rounds: steady state

prom_counts() { curl -sf "$SIM_URL/_sim/prometheus-upstream"; }
prom_counts >"$D/p0.json"
curl -sf -X DELETE "$SIM_URL/_sim/stats" >/dev/null
t0=$SECONDS
sleep "$WINDOW"
prom_counts >"$D/p1.json"
curl -sf "$SIM_URL/_sim/stats" >"$D/stats.json"
secs=$((SECONDS - t0))
T kill-server 2>/dev/null
python3 - "$D/p0.json" "$D/p1.json" "$D/stats.json" "$secs" "$REFRESH" "$CLUSTERS" <<'EOF'
import json, sys
p0, p1, s = (json.load(open(f)) for f in sys.argv[1:4])
secs, refresh, clusters = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
rounds = secs / refresh
paths = {k: v - p0["paths"].get(k, 0) for k, v in p1["paths"].items()}
queries = sum(paths.values())
print("  Prometheus queries per refresh (steady state, %.0f s on the board): %.1f (%s)"
      % (secs, queries / rounds, ", ".join("%s %.1f" % (k, v / rounds) for k, v in sorted(paths.items()) if v)))
per_job = {k: v for k, v in s["by_path"].items() if "/jobs/{jid}" in k}
overview = sum(v for k, v in s["by_path"].items() if k.endswith("/jobs/overview"))
print("  per-job Flink REST requests per minute for the board: %.1f (%s)"
      % (sum(per_job.values()) * 60 / secs,
         ", ".join("%s %.1f" % (k.split("/jobs/{jid}")[1] or "/jobs/{jid}", v * 60 / secs)
                   for k, v in sorted(per_job.items(), key=lambda kv: -kv[1])[:4]) or "none"))
print("  /jobs/overview per minute: %.0f for %d clusters (the request budget's steady share paces"
      " the summaries; unchanged by Prometheus)" % (overview * 60 / secs, clusters))
EOF
