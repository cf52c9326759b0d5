#!/usr/bin/env bats
# `prometheus: {context, namespace, service, port}`: a Prometheus inside the cluster,
# reached through the context's API server service proxy with the context's TLS and
# token. The simulator (HTTPS, a bearer token) plays the API server: its Service
# monitoring/prometheus forwards to a real Prometheus (Debian's) scraping it.
# Every wait polls with a deadline; nothing sleeps a fixed time.

load ../bats_speed

TOKEN=prom-proxy-token-7c2e

setup_file() {
    # the interpreter itself, resolved once: python3 is a version manager's shim here that
    # costs half a second of CPU a start; -S (no site packages) halves what is left
    PY=$(python3 -c 'import sys; print(sys.executable)') || return 1
    export PY
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    . tests/prom-start.sh
    test_cert || return 1
    export TEST_CERT TEST_KEY
    sim_start_file --clusters 3 --jobs 2 --frozen --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_FILE_TMPDIR/kc" || return 1
    # with a minute of history from the start (prom-start.sh PROM_HISTORY): the backfill
    # test does not wait ten seconds of scrapes for its points
    PROM_CA_FILE=$TEST_CERT PROM_HISTORY=60 prom_start_file "$SIM_URL" 1s
    local rc=$?
    [ $rc -ne 1 ] || return 1 # 2: not installed, the tests that need it skip
    if [ -n "$PROM_FILE_URL" ]; then
        curl -sf --cacert "$TEST_CERT" -X PUT "$SIM_URL/_sim/prometheus-upstream" \
            -d "{\"url\":\"$PROM_FILE_URL\"}" >/dev/null || return 1
    fi
}

teardown_file() {
    prom_stop_file
    sim_stop_file
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
    . tests/prom-start.sh
    OUT="$BATS_TEST_TMPDIR/out.json"
    SCALE=${TEST_TIME_SCALE:-1}
    PROM_URL=${PROM_FILE_URL:-}
    # the guide's Prometheus, by the context the simulator's kubeconfig names
    cat >"$BATS_TEST_TMPDIR/c.yaml" <<EOF
prometheus:
  context: flinktop-sim
  namespace: monitoring
  service: prometheus
  port: "9090"
EOF
}

teardown() {
    prom_stop
    sim_stop
}

need_prometheus() {
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    [ -n "$PROM_URL" ]
}

py() {
    "$PY" -S -c "import json,sys; d=json.load(open('$OUT')); $1"
}

# k8s PATH: GET the simulator's API with the token; prints the body, fails on HTTP errors
k8s() {
    curl -sf --cacert "$TEST_CERT" -H "Authorization: Bearer $TOKEN" "$SIM_URL$1"
}

# k8s_status PATH: the HTTP status of GET PATH with the token
k8s_status() {
    curl -s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' --cacert "$TEST_CERT" \
        -H "Authorization: Bearer $TOKEN" "$SIM_URL$1"
}

# promq QUERY: the first value of an instant query, straight to Prometheus; 0 when none
promq_num() {
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // 0 | tonumber | floor'
}

# (wait_until SECONDS CMD...: tests/sim-http.bash)

# Prometheus holds N scrapes of every running job, task metrics included
scraped_for() {
    local want
    want=$(curl -sf --cacert "$TEST_CERT" "$SIM_URL/_sim/jobs" |
        jq '[.jobs[] | select(.state == "RUNNING")] | length')
    [ "${want:-0}" -gt 0 ] &&
        [ "$(promq_num 'count(count by (job_id) (flink_taskmanager_job_task_busyTimeMsPerSecond))')" = "$want" ] &&
        [ "$(promq_num 'min(count_over_time(flink_jobmanager_job_numRestarts[5m]))')" -ge "$1" ]
}

# upstream_counts: the proxy's request counts since the last PUT, as JSON
upstream_counts() {
    curl -sf --cacert "$TEST_CERT" "$SIM_URL/_sim/prometheus-upstream"
}

@test "the simulator's service proxy: monitoring/prometheus listed, path forms as kube-apiserver's, the token required" {
    need_prometheus
    wait_until 30 scraped_for 1
    # and scraped for real at least once (up is a scrape's own series, not the history's)
    up_all() { [ "$(promq_num 'count(up == 1)')" -gt 0 ]; }
    wait_until 30 up_all
    # the Service, in its namespace's list
    k8s /api/v1/namespaces/monitoring/services >"$BATS_TEST_TMPDIR/svc.json"
    "$PY" -S -c "
import json
s = json.load(open('$BATS_TEST_TMPDIR/svc.json'))['items']
assert [x['metadata']['name'] for x in s] == ['prometheus'], s
assert s[0]['spec']['ports'] == [{'name': 'web', 'protocol': 'TCP', 'port': 9090, 'targetPort': 9090}], s
"
    local base=/api/v1/namespaces/monitoring/services
    # by port number, port name and with the http scheme: Prometheus's own answer
    for svc in prometheus:9090 prometheus:web http:prometheus:web; do
        [ "$(k8s_status "$base/$svc/proxy/api/v1/status/buildinfo")" = 200 ]
        grep -q '"version"' "$BATS_TEST_TMPDIR/body"
    done
    # a query with a query string that needs escaping arrives whole
    [ "$(k8s_status "$base/prometheus:9090/proxy/api/v1/query?query=count%28up%7Bjob%3D~%22.%2B%22%7D%29")" = 200 ]
    "$PY" -S -c "
import json
d = json.load(open('$BATS_TEST_TMPDIR/body'))
assert d['status'] == 'success' and int(d['data']['result'][0]['value'][1]) > 0, d
"
    # Prometheus's own errors pass through: a bad query is its 400 and its error body
    [ "$(k8s_status "$base/prometheus:9090/proxy/api/v1/query?query=sum%28")" = 400 ]
    grep -q '"errorType":"bad_data"' "$BATS_TEST_TMPDIR/body"
    # no port: the one port is named, so kube-apiserver finds no endpoint; no such port
    [ "$(k8s_status "$base/prometheus/proxy/api/v1/query?query=up")" = 503 ]
    grep -q 'no endpoints available for service' "$BATS_TEST_TMPDIR/body"
    [ "$(k8s_status "$base/prometheus:9091/proxy/api/v1/query?query=up")" = 503 ]
    # another service in the namespace does not exist
    [ "$(k8s_status "$base/grafana:3000/proxy/")" = 404 ]
    # without the token: 401, nothing forwarded
    [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TEST_CERT" "$SIM_URL$base/prometheus:9090/proxy/api/v1/query?query=up")" = 401 ]
}

@test "once json with prometheus through the context's service proxy: figures and backfilled history from Prometheus" {
    need_prometheus
    wait_until 60 scraped_for 10
    # the counts start again
    curl -sf --cacert "$TEST_CERT" -X PUT "$SIM_URL/_sim/prometheus-upstream" \
        -d "{\"url\":\"$PROM_URL\"}" >/dev/null
    run "$FLINKTOP" --once --output json --refresh 1 -c "$BATS_TEST_TMPDIR/c.yaml" \
        --kubeconfig "$BATS_FILE_TMPDIR/kc"
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    upstream_counts >"$BATS_TEST_TMPDIR/counts.json"
    py "
import urllib.parse, urllib.request
p = d['prometheus']
assert p['url'] == '$SIM_URL/api/v1/namespaces/monitoring/services/prometheus:9090/proxy', p
assert p['status'] == 'ok' and p['error'] is None and p['queries'] == 4, p
assert 0 < p['backfill_queries'] <= 5, p
# every request went through the proxy: one round (3 queries, the alerts, the rules once)
# and the backfill's query_range, nothing per job
n = json.load(open('$BATS_TEST_TMPDIR/counts.json'))
assert n['paths'].get('/api/v1/query') == 3 and n['paths'].get('/api/v1/alerts') == 1, n
assert n['paths'].get('/api/v1/query_range') == p['backfill_queries'], (n, p)
def raw(q):
    u = '$PROM_URL/api/v1/query?' + urllib.parse.urlencode({'query': q})
    return json.load(urllib.request.urlopen(u))['data']['result']
seen = 0
for c in d['clusters']:
    assert c['status'] == 'ok', c
    for j in c['jobs']:
        if j['state'] != 'RUNNING':
            continue
        h = j['prometheus']
        assert h is not None, (c['name'], j['name'])
        # Prometheus's own figure for the job, asked directly, is what came through the proxy
        want = raw('sum(flink_taskmanager_job_task_numRecordsOutPerSecond{task_name=~\"Source:.*\",job_id=\"%s\",cluster=\"%s\"})' % (j['id'], c['name']))
        assert want, (c['name'], j['name'])
        want = float(want[0]['value'][1])
        assert abs(h['records_in_per_s'] - want) <= 1e-6 * max(1, want), (h, want)
        assert h['restarts'] >= 0 and h['checkpoints_failed'] >= 0, h
        for key in ('records_in_per_s', 'records_out_per_s', 'backpressured_max', 'busy_max'):
            hist = j['history'][key]
            assert hist['source'] == 'prometheus', (c['name'], j['name'], key, hist)
            # busy time is NaN where Flink cannot measure it (a gap, left out)
            assert key == 'busy_max' or len(hist['points']) >= 8, (c['name'], j['name'], key, hist)
        seen += 1
assert seen >= 5, seen
"
}

@test "Prometheus behind the proxy down: once on Flink REST, the source marked with the API server's 503" {
    # this test's own simulator and no Prometheus behind it: an upstream nothing listens on
    dead=$(prom_free_port)
    sim_start --clusters 2 --jobs 2 --frozen --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_TEST_TMPDIR/kc" \
        --prometheus-upstream "http://127.0.0.1:$dead"
    run "$FLINKTOP" --once --output json --timeout 3 -c "$BATS_TEST_TMPDIR/c.yaml" \
        --kubeconfig "$BATS_TEST_TMPDIR/kc"
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
p = d['prometheus']
assert p['status'] == 'error' and 'HTTP 503: error trying to reach service: ' in p['error'], p
assert 'connection refused' in p['error'], p
assert p['last_ok'] is None, p
for c in d['clusters']:
    assert c['status'] == 'ok', c
    for j in c['jobs']:
        assert j['prometheus'] is None, j
        if j['state'] == 'RUNNING':
            assert j['records_in_per_s'] is not None, j   # from Flink REST
"
    # no upstream at all: no Service, and the proxy says so
    sim_http DELETE "/_sim/prometheus-upstream"
    [ "$(k8s_status /api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query)" = 404 ]
    k8s /api/v1/namespaces/monitoring/services | "$PY" -S -c 'import json,sys; assert json.load(sys.stdin)["items"] == []'
}
