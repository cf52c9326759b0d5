#!/usr/bin/env bats
# The console with `prometheus: {context, namespace, service, port}`: Prometheus reached
# through the context's API server service proxy (the simulator over HTTPS with a bearer
# token, forwarding to a real Prometheus that scrapes it). The status bar says it is ok,
# the board shows its figures where Flink REST has none, and a job opened at once shows
# the history Prometheus has.

load ../bats_speed
load lib

TOKEN=prom-proxy-e2e-41d8

setup_file() {
    e2e_setup || return 1
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || return 0
    test_cert || return 1
    export TEST_CERT TEST_KEY
    sim_start_file --frozen --clusters 3 --jobs 2 --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_FILE_TMPDIR/kc" || return 1
    # a minute of history from the start (prom-start.sh PROM_HISTORY): no test waits 45 s
    # of scrapes for it
    # every query it is asked, logged: which JobManagers the backfill asks for
    export PROM_QUERY_LOG="$BATS_FILE_TMPDIR/queries.log"
    PROM_CA_FILE=$TEST_CERT PROM_HISTORY=60 prom_start_file "$SIM_URL" 1s || return 1
    curl -sf --cacert "$TEST_CERT" -X PUT "$SIM_URL/_sim/prometheus-upstream" \
        -d "{\"url\":\"$PROM_FILE_URL\"}" >/dev/null
}

teardown_file() {
    prom_stop_file
    sim_stop_file
}

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    PROM_URL=$PROM_FILE_URL
    cat >"$BATS_TEST_TMPDIR/c.yaml" <<EOF
prometheus:
  context: flinktop-sim
  namespace: monitoring
  service: prometheus
  port: web
EOF
}

teardown() {
    e2e_teardown
    sim_http DELETE "/_sim/faults" || true
}

sim_fault() { # PATTERN MODE
    curl -sf --cacert "$TEST_CERT" -X POST "$SIM_URL/_sim/faults" \
        -d "{\"pattern\":\"$1\",\"mode\":\"$2\",\"arg\":\"\"}" >/dev/null
}

promq_num() {
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // 0 | tonumber | floor'
}

# Prometheus holds N scrapes (1 s apart) of every job
prom_has_seconds() { [ "$(promq_num 'min(count_over_time(flink_jobmanager_job_numRestarts[5m]))')" -ge "$1" ]; }

wait_prom_seconds() { poll 90 prom_has_seconds "$1"; }

proxied() { # the proxy's count of forwarded requests to PATH
    curl -sf --cacert "$TEST_CERT" "$SIM_URL/_sim/prometheus-upstream" |
        jq --arg p "$1" '.paths[$p] // 0'
}

@test "through the service proxy: prometheus ok, and the board on its figures where REST has none" {
    wait_prom_seconds 3
    # every subtask-metrics request hangs: REST alone would leave IN/s and OUT/s at "-"
    sim_fault '*/subtasks/metrics*' hang
    local before
    before=$(proxied /api/v1/query)
    START=fleet console 200 30 --refresh 1 -c "$BATS_TEST_TMPDIR/c.yaml" --kubeconfig "$BATS_FILE_TMPDIR/kc"
    wait_for "prometheus ok" 20
    wait_for "LAG"
    row_ok() { grab; line_matches ' RUNNING ' ' [0-9.]+k? +[0-9.]+k? .* P [0-9]+s +[0-9.]+[kM]?$'; }
    poll 15 row_ok
    # the figures came through the API server: its proxy forwarded the instant queries,
    # and goes on doing so round after round (sharing the API server's request budget
    # with the Flink REST details, they are not held behind them)
    local n
    n=$(proxied /api/v1/query)
    [ "$n" -gt "$before" ]
    rounds() { [ "$(proxied /api/v1/query)" -ge $((n + 9)) ]; }
    poll 20 rounds || { echo "Prometheus rounds stalled at $(proxied /api/v1/query) queries" >&2; return 1; }
    grab
    [[ "${SCREEN##*$'\n'}" != *"prometheus error"* ]]
}

# open_job_at_start REFRESH: once Prometheus holds 45 s, a console (refreshing every
# REFRESH s) started at STARTED (ms) opens production's first job
open_job_at_start() {
    wait_prom_seconds 45
    tick
    STARTED=$NOW_MS
    console 120 40 --refresh "$1" -c "$BATS_TEST_TMPDIR/c.yaml" --kubeconfig "$BATS_FILE_TMPDIR/kc"
    wait_for "1.20.1" 20
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "records per second"
}

@test "through the service proxy: a job opened right after start shows Prometheus's history" {
    open_job_at_start 1
    # a 40 s axis before the console has run 35 s is Prometheus's history (not stretched
    # under the sanitizers: by 40 s the console's own points would span it)
    long_axis() { grab; line_matches '-([45][0-9]s|[0-9]+m)( |$)'; }
    poll_before $((STARTED + 35000)) long_axis || { echo "no 40 s of history on the chart" >&2; return 1; }
    grab
    [[ "$SCREEN" != *"no history yet"* ]]
    [ "$(proxied /api/v1/query_range)" -gt 0 ]
}

@test "through the service proxy: the JobManager heap's history is Prometheus's, asked for its own clusters' JobManagers" {
    # a refresh every 5 s: ten points within 42 s are Prometheus's (prom.bats)
    open_job_at_start 5
    keys 4
    wait_for "jobmanager heap"
    poll_before $((STARTED + 42000)) heap_trend_is 10
    # the backfill's heap query (the one with the task managers' ids): the JobManagers of
    # the clusters asked, by namespace and pod prefix, not the whole fleet's
    local ns qs q
    ns=$(curl -sf --cacert "$TEST_CERT" -H "Authorization: Bearer $TOKEN" \
        "$SIM_URL/apis/flink.apache.org/v1beta1/flinkdeployments" |
        jq -er '[.items[] | select(.metadata.name == "production")][0].metadata.namespace')
    qs=$(heap_queries)
    [ -n "$qs" ]
    while IFS= read -r q; do
        [[ $q == *'flink_jobmanager_Status_JVM_Memory_Heap_Used{namespace=~"'* ]]
        [[ $q == *'pod=~"('* ]]
    done <<<"$qs"
    [[ $qs == *"$ns"* ]]
    [[ $qs == *"production"* ]]
}
