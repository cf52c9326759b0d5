#!/usr/bin/env bats
# A real Prometheus (Debian's package) scraping the simulator through its http_sd
# endpoint, and flinktop --once reading the fleet's health and the alerts from it.
# Every wait polls with a deadline; nothing sleeps a fixed time.

# One simulator (frozen, with a kubeconfig) and one Prometheus scraping it for the tests
# that only read: Prometheus takes seconds to start and to scrape every target once. The
# alert's test (it fails a job) gets its own here too, with its Prometheus: by the time it
# runs, Prometheus has scraped it, instead of the test waiting for that. (The history
# test starts its own: flinktop reads its whole history, and a minute of scrapes on a
# loaded machine may have a gap.)
load ../bats_speed

setup_file() {
    # the interpreter itself, resolved once: python3 is a version manager's shim here that
    # costs half a second of CPU a start; -S (no site packages) halves what is left
    PY=$(python3 -c 'import sys; print(sys.executable)') || return 1
    export PY
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    . tests/prom-start.sh
    sim_start_file --clusters 3 --jobs 4 --frozen --kubeconfig-out "$BATS_FILE_TMPDIR/kc" || return 1
    local file_sim=$SIM_URL file_log=$SIM_LOG
    prom_start_file "$SIM_URL" 1s
    local rc=$?
    [ $rc -eq 2 ] && return 0 # not installed: the tests that need it skip
    [ $rc -eq 0 ] || return 1
    # the alert's: frozen, every rule's for 1s
    sim_start --clusters 3 --jobs 4 --frozen || return 1
    ALERT_SIM_PID=$SIM_PID ALERT_SIM_URL=$SIM_URL ALERT_SIM_LOG=$SIM_LOG
    PROM_RULE_FOR=1s prom_start "$SIM_URL" 1s || return 1
    ALERT_PROM_PID=$PROM_PID ALERT_PROM_URL=$PROM_URL ALERT_PROM_DIR=$PROM_DIR
    export ALERT_SIM_PID ALERT_SIM_URL ALERT_SIM_LOG ALERT_PROM_PID ALERT_PROM_URL ALERT_PROM_DIR
    # the tests see the file's simulator (sim_stop leaves it alone)
    SIM_PID=$SIM_FILE_PID SIM_URL=$file_sim SIM_LOG=$file_log PROM_PID="" PROM_URL="" PROM_DIR=""
    export SIM_PID SIM_URL SIM_LOG
}

# stop_file_pid PID: a process setup_file started, gone (with a deadline: not our child)
stop_file_pid() {
    local i=0
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null
    while running "$1" && [ $i -lt 300 ]; do
        i=$((i + 1))
        nap 0.05
    done
}

teardown_file() {
    stop_file_pid "${ALERT_PROM_PID:-}"
    stop_file_pid "${ALERT_SIM_PID:-}"
    rm -rf "${ALERT_PROM_DIR:-/nonexistent}"
    rm -f "${ALERT_SIM_LOG:-}"
    prom_stop_file
    sim_stop_file
}

# file_prom: this test reads the file's simulator and Prometheus
file_prom() {
    PROM_URL=$PROM_FILE_URL
    [ -n "$PROM_URL" ]
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
    . tests/prom-start.sh
    OUT="$BATS_TEST_TMPDIR/out.json"
    # the deadlines stretch with the suite's time scale (sanitizer builds are slower)
    SCALE=${TEST_TIME_SCALE:-1}
}

teardown() {
    prom_stop
    sim_stop
}

need_prometheus() {
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
}

py() {
    "$PY" -S -c "import json,sys; d=json.load(open('$OUT')); $1"
}

# promq QUERY: the instant query's result list, as JSON
promq() {
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'
}

# promq_true QUERY: the query has a result (a comparison that holds); one process
promq_true() {
    local r
    r=$(curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1") || return 1
    [[ $r == *'"status":"success"'* && $r != *'"result":[]'* ]]
}

# (wait_until SECONDS CMD...: tests/sim-http.bash)

# Prometheus has job metrics and task metrics for every job the simulator runs.
all_jobs_scraped() {
    local want
    want=$(curl -sf "$SIM_URL/_sim/jobs" | jq '[.jobs[] | select(.state == "RUNNING")] | length')
    [ "${want:-0}" -gt 0 ] &&
        promq_true "count(count by (job_id) (flink_jobmanager_job_numRestarts)) == $want and
            count(count by (job_id) (flink_taskmanager_job_task_busyTimeMsPerSecond)) == $want"
}

@test "promtool: the shipped rules and scrape config are clean" {
    command -v promtool >/dev/null 2>&1 || skip "promtool is not installed"
    run promtool check rules config/prometheus/flink-rules.yml
    [ "$status" -eq 0 ]
    [[ "$output" == *"SUCCESS: 7 rules found"* ]]
    for rule in FlinkJobFailed HighCheckpointDuration HighBackpressure HighMemoryUsage \
        LowThroughput CheckpointFailure ClusterDown; do
        grep -q "alert: $rule\$" config/prometheus/flink-rules.yml
    done
    # 1000 ms/s is the metric's maximum: the guide's threshold could never fire
    grep -q 'backPressuredTimeMsPerSecond) > 500$' config/prometheus/flink-rules.yml
    run promtool check config config/prometheus/prometheus.yml
    [ "$status" -eq 0 ]
}

@test "scrape targets: the text format agrees with REST, and http_sd lists every process" {
    # the file's simulator: this test only reads
    curl -sf "$SIM_URL/_sim/prometheus/sd" >"$OUT"
    curl -sf "$SIM_URL/clusters/production/taskmanagers" >"$BATS_TEST_TMPDIR/tms.json"
    py "
tms = json.load(open('$BATS_TEST_TMPDIR/tms.json'))['taskmanagers']
prod = [g for g in d if g['labels']['cluster'] == 'production']
assert len(prod) == 1 + len(tms), prod
for g in d:
    l = g['labels']
    assert g['targets'] == ['${SIM_URL#http://}'], g
    assert l['namespace'].startswith('flink-') and l['pod'] and l['__metrics_path__'], g
assert sorted(g['labels']['pod'] for g in prod if g['labels']['component'] == 'taskmanager') == \
    sorted(t['id'] for t in tms)
"
    # one subtask's back-pressure and a task manager's heap, scraped and over REST
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" |
        jq -r '[.jobs[] | select(.state == "RUNNING")][0].jid')
    vid=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid" | jq -r '.vertices[0].id')
    rest_bp=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid/vertices/$vid/metrics?get=0.backPressuredTimeMsPerSecond" |
        jq -r '.[0].value')
    rest_in=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid/vertices/$vid/metrics?get=0.numRecordsOutPerSecond" |
        jq -r '.[0].value')
    [ -n "$rest_bp" ] && [ "$rest_bp" != null ] && [ -n "$rest_in" ] && [ "$rest_in" != null ]
    scraped=""
    for path in $(jq -r '.[] | select(.labels.cluster == "production") | .labels.__metrics_path__' "$OUT"); do
        scraped="$scraped$(curl -sf "$SIM_URL$path")"$'\n'
    done
    line=$(printf '%s' "$scraped" | grep "^flink_taskmanager_job_task_backPressuredTimeMsPerSecond{.*job_id=\"$jid\".*task_id=\"$vid\".*subtask_index=\"0\"")
    [ "${line##* }" = "$rest_bp" ]
    line=$(printf '%s' "$scraped" | grep "^flink_taskmanager_job_task_numRecordsOutPerSecond{.*job_id=\"$jid\".*task_id=\"$vid\".*subtask_index=\"0\"")
    # (the same figure: jq reads both as doubles)
    jq -en --arg s "${line##* }" --arg r "$rest_in" '($s | tonumber) as $a | ($r | tonumber) as $b |
        (($a - $b) | fabs) < 1e-6 * ([1, $b] | max)' >/dev/null
    # the reporter's names and filtered label values
    printf '%s' "$scraped" | grep -q '^flink_jobmanager_numRunningJobs{host="10_100_0_10"} '
    printf '%s' "$scraped" | grep -q '^flink_taskmanager_Status_JVM_Memory_Heap_Used{host="[0-9_]*",tm_id="production_taskmanager_1_1"} '
    printf '%s' "$scraped" | grep -q "^flink_jobmanager_job_lastCheckpointDuration{host=\"10_100_0_10\",job_id=\"$jid\",job_name=\"[a-z_]*\"} "
    printf '%s' "$scraped" | grep -q 'flink_taskmanager_job_task_operator_numRecordsInPerSecond{.*operator_name="Source:_'
    # the text format parses (promtool's only complaint is Flink's own camelCase names)
    if command -v promtool >/dev/null 2>&1; then
        for path in $(jq -r '.[].labels.__metrics_path__' "$OUT"); do
            curl -sf "$SIM_URL$path" | promtool check metrics 2>&1 | grep -v "should be written in 'snake_case' not 'camelCase'" >"$BATS_TEST_TMPDIR/lint" || true
            if [ -s "$BATS_TEST_TMPDIR/lint" ]; then
                echo "$path:" >&2
                cat "$BATS_TEST_TMPDIR/lint" >&2
                false
            fi
        done
    fi
    # an unknown cluster or task manager is a 404, not an empty scrape
    run curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/_sim/prometheus/nosuch/jobmanager/metrics"
    [ "$output" = 404 ]
}

@test "a real Prometheus scrapes every JobManager and TaskManager the simulator lists" {
    need_prometheus
    file_prom
    n_sd=$(curl -sf "$SIM_URL/_sim/prometheus/sd" | jq length)
    [ "$n_sd" -gt 0 ]
    up() { promq_true "count(up == 1) == $n_sd"; }
    wait_until 30 up
    wait_until 30 all_jobs_scraped
    promq 'flink_jobmanager_numRunningJobs' >"$OUT"
    for c in production staging development; do
        curl -sf "$SIM_URL/clusters/$c/overview" >"$BATS_TEST_TMPDIR/ov-$c.json"
    done
    py "
for c in ('production', 'staging', 'development'):
    running = json.load(open('$BATS_TEST_TMPDIR/ov-%s.json' % c))['jobs-running']
    r = [s for s in d if s['metric']['cluster'] == c]
    assert len(r) == 1, r
    m = r[0]['metric']
    assert m['namespace'].startswith('flink-') and m['pod'].startswith(c + '-') and m['job'] == 'flink', m
    assert float(r[0]['value'][1]) == running, (r, running)
"
    promq 'flink_taskmanager_job_task_operator_numRecordsInPerSecond' >"$OUT"
    py "assert len(d) > 0 and all('subtask_index' in s['metric'] and 'tm_id' in s['metric'] for s in d), d[:2]"
}

@test "once json --prometheus: every running job's health from Prometheus, equal to REST" {
    need_prometheus
    file_prom
    wait_until 30 all_jobs_scraped
    run "$FLINKTOP" --once --output json --prometheus "$PROM_URL" $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    promq 'sum by (job_id) (flink_taskmanager_job_task_operator_pendingRecords)' >"$BATS_TEST_TMPDIR/lag.json"
    py "
lags = {r['metric']['job_id']: float(r['value'][1]) for r in json.load(open('$BATS_TEST_TMPDIR/lag.json'))}
p = d['prometheus']
assert p['url'] == '$PROM_URL' and p['status'] == 'ok' and p['error'] is None, p
assert p['queries'] == 4, p
seen = 0
for c in d['clusters']:
    for j in c['jobs']:
        h = j['prometheus']
        if j['state'] != 'RUNNING':
            assert h is None, j
            continue
        seen += 1
        assert h is not None, (c['name'], j['name'])
        # frozen: REST and the scrape read the same state
        assert abs(h['records_in_per_s'] - j['records_in_per_s']) <= 1e-6 * max(1, j['records_in_per_s']), (h, j)
        assert abs(h['records_out_per_s'] - j['records_out_per_s']) <= 1e-6 * max(1, j['records_out_per_s']), (h, j)
        lc = j['checkpoints']['last_completed'] if j['checkpoints'] else None
        if lc:
            assert h['checkpoint_duration_ms'] == lc['duration_ms'], (h, lc)
            assert abs(h['checkpoint_age_s'] - lc['age_s']) < 10, (h, lc)
        bp = max(v['backpressure']['max_ratio'] or 0 for v in j['vertices'])
        assert abs(h['backpressured_max_ms_per_s'] - bp * 1000) < 1.0, (h, bp)
        assert h['busy_max_ms_per_s'] is None or 0 <= h['busy_max_ms_per_s'] <= 1000, h
        assert h['restarts'] >= 0 and h['checkpoints_failed'] >= 0, h
        # the sources' backlog: Prometheus's own sum of their pendingRecords
        lag = lags.get(j['id'])
        assert lag is not None and h['source_lag_records'] is not None, (h, lag)
        assert abs(h['source_lag_records'] - lag) <= 1e-6 * max(1, lag), (h, lag)
assert seen >= 6, seen
assert all(a['origin'] == 'flinktop' for a in d['alerts'] if a['origin'] != 'prometheus'), d['alerts']
"
    # the same from the config file, clusters told apart by a label named there
    printf 'prometheus: %s/\nprometheus_cluster_label: cluster\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
    run "$FLINKTOP" --once --output json -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    py "
assert d['prometheus']['url'] == '$PROM_URL' and d['prometheus']['status'] == 'ok', d['prometheus']
running = [j for c in d['clusters'] for j in c['jobs'] if j['state'] == 'RUNNING']
assert running and all(j['prometheus'] and j['prometheus']['records_in_per_s'] == j['records_in_per_s'] for j in running), running
"
    # a label no series carries: nothing matches, and nothing is made up
    printf 'prometheus: %s\nprometheus_cluster_label: flink_cluster\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
    run "$FLINKTOP" --once --output json -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    py "assert all(j['prometheus'] is None for c in d['clusters'] for j in c['jobs']), d"
}

@test "an alert that fires in Prometheus shows in once json with origin prometheus" {
    need_prometheus
    # its own simulator and Prometheus (every rule's for 1s), started by setup_file
    SIM_URL=$ALERT_SIM_URL PROM_URL=$ALERT_PROM_URL
    wait_until 30 all_jobs_scraped
    read -r jid name <<<"$(curl -sf "$SIM_URL/clusters/staging/jobs/overview" |
        jq -r '[.jobs[] | select(.state == "RUNNING")][0] | "\(.jid) \(.name)"')"
    [ -n "$jid" ] && [ -n "$name" ]
    sim_http POST "/_sim/jobs/$jid/fail"
    firing() {
        curl -sf "$PROM_URL/api/v1/alerts" | jq -e --arg jid "$jid" 'any(.data.alerts[];
            .labels.alertname == "FlinkJobFailed" and .labels.job_id == $jid and .state == "firing")'
    }
    wait_until 30 firing
    run "$FLINKTOP" --once --output json --prometheus "$PROM_URL" $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    py "
a = [x for x in d['alerts'] if x['name'] == 'FlinkJobFailed' and x['job_id'] == '$jid']
assert len(a) == 1, d['alerts']
a = a[0]
assert a['origin'] == 'prometheus' and a['severity'] == 'critical', a
assert a['cluster'] == 'staging', a
assert a['job'] == '$name', a   # the job's own name, not the label's filtered one
assert a['since'] > 1e12 and a['message'], a
# the rule's own for and expression, from /api/v1/rules
assert a['detail'].startswith('Prometheus rule, for 1s: ') and 'flink_jobmanager_job_uptime' in a['detail'], a
"
}

@test "found through Kubernetes: jobs matched by namespace and FlinkDeployment name in pod" {
    need_prometheus
    file_prom
    wait_until 30 all_jobs_scraped
    run "$FLINKTOP" --once --output json --kubeconfig "$BATS_FILE_TMPDIR/kc" --prometheus "$PROM_URL"
    printf '%s' "$output" >"$OUT"
    py "
assert d['prometheus']['status'] == 'ok', d['prometheus']
n = 0
for c in d['clusters']:
    assert c['namespace'] and c['deployment'], c
    for j in c['jobs'] or []:
        if j['state'] == 'RUNNING':
            assert j['prometheus'] is not None, (c['name'], j['name'])
            assert j['prometheus']['records_in_per_s'] == j['records_in_per_s'], (j['prometheus'], j)
            n += 1
assert n >= 6, n
"
}

@test "Prometheus down: once stays on Flink REST, the source marked error, exit 3" {
    # the file's simulator: this test only reads
    port=$(prom_free_port) # nothing listens there
    run "$FLINKTOP" --once --output json --timeout 2 --prometheus "http://127.0.0.1:$port" \
        $(sim_flink_args)
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
p = d['prometheus']
assert p['status'] == 'error' and 'connection refused' in p['error'], p
assert p['last_ok'] is None, p
for c in d['clusters']:
    assert c['status'] == 'ok', c
    for j in c['jobs']:
        assert j['prometheus'] is None, j
        if j['state'] == 'RUNNING':
            assert j['records_in_per_s'] is not None, j   # from Flink REST
"
    run "$FLINKTOP" --once --prometheus "http://127.0.0.1:$port" $(sim_flink_args)
    [ "$status" -eq 3 ]
    [[ "$output" == *"prometheus http://127.0.0.1:$port: "*"connection refused"* ]]
    [[ "$output" == *"connection refused"* ]]
}

# Prometheus holds at least N scrapes of every running job (the jobs' own series).
scraped_for() {
    promq_true "min(count_over_time(flink_jobmanager_job_numRestarts[5m])) >= $1"
}

@test "history from before launch: backfilled points are what the simulator served, on the step grid" {
    need_prometheus
    sim_start --clusters 2 --jobs 2 # not frozen: throughput moves, so values tell points apart
    export SIM_CLUSTERS="production staging"
    prom_start "$SIM_URL" 1s
    wait_until 30 all_jobs_scraped
    wait_until 60 scraped_for 10
    run "$FLINKTOP" --once --output json --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    # Prometheus's raw samples of each running job: what the simulator served, scrape by scrape
    py "
import urllib.parse, urllib.request
p = d['prometheus']
assert p['status'] == 'ok' and 0 < p['backfill_queries'] <= 5, p
def raw(q):
    u = '$PROM_URL/api/v1/query?' + urllib.parse.urlencode({'query': q, 'time': d_time})
    return json.load(urllib.request.urlopen(u))['data']['result']
d_time = max(pt[0] for c in d['clusters'] for j in c['jobs'] for pt in j['history']['records_in_per_s']['points']) / 1000 + 1
# the value Prometheus evaluates at t: each series' newest raw sample at or before t (5m lookback)
def at(series, t, agg):
    vals = []
    for s in series:
        before = [float(v) for ts, v in s['values'] if ts * 1000 <= t]
        if before:
            vals.append(before[-1])
    return agg(vals) if vals else None
checked = 0
for c in d['clusters']:
    for j in c['jobs']:
        if j['state'] != 'RUNNING':
            continue
        h = j['history']
        for key in ('records_in_per_s', 'records_out_per_s', 'backpressured_max', 'busy_max'):
            assert h[key]['source'] == 'prometheus', (c['name'], j['name'], key, h[key])
        src = raw('flink_taskmanager_job_task_numRecordsOutPerSecond{job_id=\"%s\",task_name=~\"Source:.*\",cluster=\"%s\"}[5m]' % (j['id'], c['name']))
        bp = raw('flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_id=\"%s\",cluster=\"%s\"}[5m]' % (j['id'], c['name']))
        assert src and bp, (j['name'], src, bp)
        first_raw = min(s['values'][0][0] for s in src) * 1000
        pts = h['records_in_per_s']['points']
        assert len(pts) >= 8, (j['name'], pts)
        # the backfilled points: one a step (1 s), from about the first scrape on
        back = pts[:-1]
        steps = {b[0] - a[0] for a, b in zip(back, back[1:])}
        assert steps == {1000}, (j['name'], steps, back)
        assert all(t % 1000 == 0 for t, _ in back), back
        assert back[0][0] - first_raw < 2000, (back[0], first_raw)
        # the REST point comes last, after the backfill
        assert pts[-1][0] > back[-1][0], pts[-2:]
        for t, v in back:
            want = at(src, t, sum)
            assert want is not None and abs(v - want) <= 1e-4 * max(1, want), (j['name'], t, v, want)
        for t, v in h['backpressured_max']['points'][:-1]:
            want = at(bp, t, max)
            assert want is not None and abs(v - want / 1000) <= 1e-5, (j['name'], t, v, want)
        checked += 1
assert checked >= 3, checked
# every task manager's heap: Prometheus's steps before REST's point, what was scraped
tms = 0
for c in d['clusters']:
    for t in c['taskmanager_list']:
        h = t['heap_used_history']
        assert h['source'] == 'prometheus', (c['name'], t['id'], h)
        pts = h['points']
        assert len(pts) >= 8, (t['id'], pts)
        tm_label = ''.join(ch if ch.isalnum() or ch in '_:' else '_' for ch in t['id'])
        heap = raw('flink_taskmanager_Status_JVM_Memory_Heap_Used{tm_id=\"%s\",cluster=\"%s\"}[5m]' % (tm_label, c['name']))
        assert heap, (t['id'], heap)
        back = pts[:-1]
        assert all(b[0] - a[0] == 1000 for a, b in zip(back, back[1:])), back
        for ts, v in back:
            want = at(heap, ts, max)
            assert want is not None and abs(v - want) <= 1e-6 * want, (t["id"], ts, v, want)  # rings keep floats
        tms += 1
assert tms >= 5, tms
# each cluster's JobManager heap: Prometheus's alone (REST has no such series), backfilled
for c in d['clusters']:
    jm = c['jobmanager_heap']
    assert jm['used'] > 0 and jm['max'] >= jm['used'], (c['name'], jm)
    h = jm['history']
    assert h['source'] == 'prometheus' and len(h['points']) >= 8, (c['name'], h)
    heap = raw('flink_jobmanager_Status_JVM_Memory_Heap_Used{cluster=\"%s\"}[5m]' % c['name'])
    assert heap, c['name']
    for ts, v in h['points'][:-1]:
        want = at(heap, ts, max)
        assert want is not None and abs(v - want) <= 1e-6 * want, (c['name'], ts, v, want)
"
}
