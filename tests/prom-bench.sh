#!/usr/bin/env bash
# What Prometheus costs per refresh as the fleet grows: the console against a simulated
# fleet (CLUSTERS x JOBS), Prometheus reached through the simulator's service proxy
# (prometheus: {context, namespace, service, port}), for SECONDS; prints the requests the
# proxy forwarded per path and per refresh, and the Flink REST requests by path template.
#   tests/prom-bench.sh CLUSTERS JOBS [SECONDS=30] [REFRESH_S=2]
# Needs prometheus and tmux; starts and stops its own simulator, Prometheus and tmux server.
set -u
cd "$(dirname "$0")/.." || exit 1
CLUSTERS=${1:?clusters}
JOBS=${2:?jobs}
SECONDS_RUN=${3:-30}
REFRESH=${4:-2}
FLINKTOP=${FLINKTOP:-./flinktop}
FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}
. tests/sim-start.sh
. tests/prom-start.sh
D=$(mktemp -d "${TMPDIR:-/tmp}/flinktop-prom-bench.XXXXXX")
SOCK="flinktop-prom-bench-$$"
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    prom_stop
    sim_stop
    rm -rf "$D"
}
trap cleanup EXIT
sim_start --clusters "$CLUSTERS" --jobs "$JOBS" --taskmanagers 2 --frozen \
    --kubeconfig-out "$D/kc" || exit 1
prom_start "$SIM_URL" "${REFRESH}s" || exit 1
curl -sf -X PUT "$SIM_URL/_sim/prometheus-upstream" -d "{\"url\":\"$PROM_URL\"}" >/dev/null
want=$(curl -sf "$SIM_URL/_sim/jobs" |
    python3 -c 'import json,sys; print(sum(j["state"]=="RUNNING" for j in json.load(sys.stdin)["jobs"]))')
scraped() {
    curl -sf "$PROM_URL/api/v1/query" \
        --data-urlencode 'query=count(count by (job_id, cluster) (flink_taskmanager_job_task_busyTimeMsPerSecond))' |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
# a loaded machine may not scrape a big fleet whole each interval: go on once nine in
# ten jobs are there (the counts measured do not depend on the data)
end=$(($(date +%s) + 180))
until [ "$(scraped)" -ge $((want * 9 / 10)) ]; do
    [ "$(date +%s)" -lt "$end" ] || { echo "Prometheus scraped $(scraped) of $want jobs" >&2; exit 1; }
    sleep 1
done
echo "Prometheus has $(scraped) of $want jobs"
printf 'refresh: %s\nprometheus:\n  context: flinktop-sim\n  namespace: monitoring\n  service: prometheus\n  port: web\n' \
    "$REFRESH" >"$D/c.yaml"
curl -sf -X DELETE "$SIM_URL/_sim/stats" >/dev/null
curl -sf -X PUT "$SIM_URL/_sim/prometheus-upstream" -d "{\"url\":\"$PROM_URL\"}" >/dev/null
tmux -L "$SOCK" -f /dev/null new-session -d -x 220 -y 60 \
    "env LANG=C.UTF-8 $FLINKTOP -c $D/c.yaml --kubeconfig $D/kc --start fleet 2>$D/stderr"
sleep "$SECONDS_RUN"
curl -sf "$SIM_URL/_sim/prometheus-upstream" >"$D/prom.json"
curl -sf "$SIM_URL/_sim/stats" >"$D/stats.json"
tmux -L "$SOCK" kill-server 2>/dev/null
python3 - "$D/prom.json" "$D/stats.json" "$SECONDS_RUN" "$REFRESH" "$CLUSTERS" "$JOBS" "$want" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
secs, refresh = float(sys.argv[3]), float(sys.argv[4])
rounds = secs / refresh
print("fleet: %s clusters x %s jobs (%s running), %.0f s at %.0f s refresh (~%.0f refreshes)"
      % (sys.argv[5], sys.argv[6], sys.argv[7], secs, refresh, rounds))
print("prometheus requests through the proxy: %d (%.1f per refresh)" % (p["requests"], p["requests"] / rounds))
for path, n in sorted(p["paths"].items()):
    print("  %-24s %5d  %.2f per refresh" % (path, n, n / rounds))
jobs = {k: v for k, v in s["by_path"].items() if "/jobs/{jid}" in k}
print("flink REST through the proxy: %d; per-job paths: %d" % (s.get("proxy", 0), sum(jobs.values())))
for path, n in sorted(jobs.items(), key=lambda kv: -kv[1])[:8]:
    print("  %-90s %5d" % (path, n))
EOF
