#!/usr/bin/env bats
# The simulator itself: its Flink answers have the real shapes and agree with each other,
# its faults hit only what they match, and it is deterministic for a seed.
# Run after `make flinktop-sim`: bats tests/integration/sim.bats

# Tests that read or only add faults share one simulator (file_sim; teardown clears the
# faults); tests with other options, that hang a request or stop it start their own.
# The Python checks run in one resident interpreter (k8s_pyd.bash).

load ../bats_speed
load k8s_pyd

setup_file() {
    # Resolve python3 once: a version-manager shim can cost a second per start.
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    sim_start_file --clusters 3 --jobs 4 --frozen --clock manual || return 1
    pyd_start
}

teardown_file() {
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
}

teardown() {
    if [ -n "${SIM_URL:-}" ] && [ "$SIM_PID" = "${SIM_FILE_PID:-}" ]; then
        sim_http DELETE "/_sim/faults"
    fi
    sim_stop
}

# file_sim: this test uses the file's simulator
file_sim() {
    [ -n "$SIM_URL" ] && [ "$SIM_PID" = "$SIM_FILE_PID" ]
}

# get PATH FILE: GET $SIM_URL/PATH into FILE; prints the HTTP status
get() {
    curl -s -o "$2" -w '%{http_code}' "$SIM_URL$1"
}

# py CODE: run Python with json and sys imported and `load(name)` reading $T/name
py() {
    pyd "import json, sys
def load(name): return json.load(open('$T/' + name))
$1"
}

fault() { # PATTERN MODE [ARG]
    curl -sf -X POST "$SIM_URL/_sim/faults" \
        -d "{\"pattern\":\"$1\",\"mode\":\"$2\",\"arg\":\"${3:-}\"}" >/dev/null
}

@test "every default cluster answers /overview and /jobs/overview with --jobs N 32-hex ids" {
    file_sim # --jobs 4
    for c in production staging development; do
        [ "$(get "/clusters/$c/overview" "$T/$c-ov.json")" = 200 ]
        [ "$(get "/clusters/$c/jobs/overview" "$T/$c-jobs.json")" = 200 ]
        py "
import re
ov = load('$c-ov.json')
for k in ('taskmanagers', 'slots-total', 'slots-available', 'jobs-running', 'jobs-finished',
          'jobs-cancelled', 'jobs-failed', 'flink-version', 'flink-commit'):
    assert k in ov, (k, ov)
jobs = load('$c-jobs.json')['jobs']
assert len(jobs) == 4, jobs
for j in jobs:
    assert re.fullmatch('[0-9a-f]{32}', j['jid']), j['jid']
    assert j['start-time'] > 1e12 and j['duration'] >= 0, j
    assert (j['end-time'] == -1) == (j['state'] not in ('FINISHED', 'FAILED', 'CANCELED')), j
    t = j['tasks']
    assert sorted(t) == sorted(['created', 'scheduled', 'deploying', 'running', 'finished',
        'canceling', 'canceled', 'failed', 'reconciling', 'initializing', 'total']), t
    assert t['total'] == sum(v for k, v in t.items() if k != 'total'), t
"
    done
    # the first cluster is also served at the root, and /v1 is accepted
    [ "$(get /overview "$T/root.json")" = 200 ]
    [ "$(get /v1/overview "$T/v1.json")" = 200 ]
    cmp "$T/root.json" "$T/production-ov.json"
    cmp "$T/v1.json" "$T/production-ov.json"
}

@test "overview counts agree with /jobs/overview and /taskmanagers" {
    file_sim
    for c in production staging development; do
        get "/clusters/$c/overview" "$T/ov.json" >/dev/null
        get "/clusters/$c/jobs/overview" "$T/jobs.json" >/dev/null
        get "/clusters/$c/taskmanagers" "$T/tms.json" >/dev/null
        get "/clusters/$c/jobs" "$T/ids.json" >/dev/null
        py "
ov, jobs, tms = load('ov.json'), load('jobs.json')['jobs'], load('tms.json')['taskmanagers']
states = [j['state'] for j in jobs]
assert ov['jobs-finished'] == states.count('FINISHED'), (ov, states)
assert ov['jobs-failed'] == states.count('FAILED'), (ov, states)
assert ov['jobs-cancelled'] == states.count('CANCELED'), (ov, states)
assert ov['jobs-running'] == len(states) - states.count('FINISHED') - states.count('FAILED') - states.count('CANCELED')
assert ov['taskmanagers'] == len(tms), (ov, len(tms))
assert ov['slots-total'] == sum(t['slotsNumber'] for t in tms)
assert ov['slots-available'] == sum(t['freeSlots'] for t in tms)
assert 0 <= ov['slots-available'] <= ov['slots-total']
for t in tms:
    assert t['id'].startswith('$c-taskmanager-'), t['id']
    assert t['timeSinceLastHeartbeat'] > 1e12, t  # epoch ms, despite the name
assert sorted((j['id'], j['status']) for j in load('ids.json')['jobs']) == sorted((j['jid'], j['state']) for j in jobs)
"
    done
}

@test "job details carry the version-dependent fields of each cluster" {
    file_sim
    for c in production staging development; do
        get "/clusters/$c/config" "$T/config.json" >/dev/null
        get "/clusters/$c/jobs/overview" "$T/jobs.json" >/dev/null
        jid=$(py "print(load('jobs.json')['jobs'][0]['jid'])")
        [ "$(get "/clusters/$c/jobs/$jid" "$T/job.json")" = 200 ]
        py "
v = load('config.json')['flink-version']
major, minor = (int(x) for x in v.split('.')[:2])
jobs, job = load('jobs.json')['jobs'], load('job.json')
assert job['jid'] == '$jid' and job['name'] == jobs[0]['name']
assert ('pending-operators' in jobs[0]) == (major >= 2), (v, jobs[0])
assert ('job-type' in job) == ((major, minor) >= (1, 20)), (v, sorted(job))
assert 3 <= len(job['vertices']) <= 5
assert job['vertices'][0]['name'].startswith('Source: ')
assert job['vertices'][-1]['name'].startswith('Sink: ')
for vx in job['vertices']:
    assert 1 <= vx['parallelism'] <= 8 and vx['maxParallelism'] == 128, vx
    assert sum(vx['tasks'].values()) == vx['parallelism'], vx
    assert 'RUNNING' in vx['tasks'] and 'read-records' in vx['metrics'], vx
assert [n['id'] for n in job['plan']['nodes']] == [vx['id'] for vx in job['vertices']]
assert sum(job['status-counts'].values()) == len(job['vertices'])
assert job['timestamps']['INITIALIZING'] == job['start-time']
"
    done
    [ "$(get /clusters/development/jobmanager/config "$T/jm.json")" = 200 ]
    py "
kv = {e['key']: e['value'] for e in load('jm.json')}
assert kv['state.savepoints.dir'] == 's3://flink-development/savepoints', kv
assert 'jobmanager.scheduler' in kv
"
}

@test "unknown cluster, path and job are 404 with an errors body; other methods 405" {
    file_sim
    [ "$(get /clusters/nope/overview "$T/a.json")" = 404 ]
    py "assert load('a.json') == {'errors': ['Not found: /clusters/nope/overview']}"
    [ "$(get /no/such/path "$T/b.json")" = 404 ]
    py "assert load('b.json')['errors'][0] == 'Not found: /no/such/path'"
    [ "$(get /jobs/0123456789abcdef0123456789abcdef "$T/c.json")" = 404 ]
    py "assert '0123456789abcdef0123456789abcdef' in load('c.json')['errors'][0]"
    code=$(curl -s -o "$T/d.json" -w '%{http_code}' -X DELETE "$SIM_URL/overview")
    [ "$code" = 405 ]
    py "assert isinstance(load('d.json')['errors'][0], str)"
}

@test "a status:503 fault answers 503 on the matching path only" {
    sim_start --clusters 3 --jobs 4 --frozen --fault '/clusters/staging/overview=status:503'
    [ "$(get /clusters/staging/overview "$T/a.json")" = 503 ]
    py "assert load('a.json') == {'errors': ['simulated fault: status 503']}"
    [ "$(get /clusters/staging/jobs/overview "$T/b.json")" = 200 ]
    [ "$(get /clusters/production/overview "$T/c.json")" = 200 ]
    # the same at run time, with a glob over every cluster
    fault '*/jobs/overview' status 502
    [ "$(get /clusters/development/jobs/overview "$T/d.json")" = 502 ]
    [ "$(get /jobs/overview "$T/e.json")" = 502 ]
    [ "$(get /clusters/development/overview "$T/f.json")" = 200 ]
    [ "$(get /_sim/health "$T/g.json")" = 200 ]
}

@test "hang: that request times out while another path answers at once" {
    sim_start --clusters 3 --jobs 4 --frozen
    fault /clusters/staging/jobs/overview hang
    curl -s -m 1 "$SIM_URL/clusters/staging/jobs/overview" >/dev/null &
    hung=$!
    start=$(date +%s%N)
    [ "$(get /clusters/staging/overview "$T/a.json")" = 200 ]
    [ "$(get /clusters/production/jobs/overview "$T/b.json")" = 200 ]
    [ $((($(date +%s%N) - start) / 1000000)) -lt $((1000 * ${TEST_TIME_SCALE:-1})) ]
    rc=0
    wait "$hung" || rc=$?
    [ "$rc" -eq 28 ] # curl: operation timed out
}

@test "DELETE /_sim/faults clears every fault" {
    sim_start --clusters 3 --jobs 4 --frozen --fault '/overview=status:500'
    fault /config status 503
    [ "$(get /overview "$T/a.json")" = 500 ]
    [ "$(get /_sim/faults "$T/list.json")" = 200 ]
    py "f = load('list.json')['faults']; assert [x['mode'] for x in f] == ['status', 'status'], f"
    code=$(curl -s -o "$T/del.json" -w '%{http_code}' -X DELETE "$SIM_URL/_sim/faults")
    [ "$code" = 200 ]
    py "assert load('del.json')['cleared'] == 2"
    [ "$(get /overview "$T/b.json")" = 200 ]
    [ "$(get /config "$T/c.json")" = 200 ]
    [ "$(get /_sim/faults "$T/list.json")" = 200 ]
    py "assert load('list.json') == {'faults': []}"
}

@test "bad faults: --fault exits 2 with a message, a bad POST is 400" {
    run "$FLINKTOP_SIM" --fault '/overview=sideways'
    [ "$status" -eq 2 ]
    [[ "$output" == *"unknown fault mode 'sideways'"* ]]
    run "$FLINKTOP_SIM" --fault '/overview=latency'
    [ "$status" -eq 2 ]
    file_sim
    code=$(curl -s -o "$T/a.json" -w '%{http_code}' -X POST -d '{"pattern":"/x","mode":"huge"}' \
        "$SIM_URL/_sim/faults")
    [ "$code" = 400 ]
    py "assert load('a.json')['errors'][0].startswith(\"fault mode 'huge' needs a number\")"
    code=$(curl -s -o "$T/b.json" -w '%{http_code}' -X POST -d 'nope' "$SIM_URL/_sim/faults")
    [ "$code" = 400 ]
}

@test "truncate, garbage, huge and drip bodies" {
    file_sim
    fault /overview truncate
    fault /config garbage
    fault /jobs huge 2
    fault /d drip
    get /clusters/production/overview "$T/full.json" >/dev/null
    [ "$(get /overview "$T/half.json")" = 200 ]
    [ $(($(wc -c <"$T/full.json") / 2)) -eq "$(wc -c <"$T/half.json")" ]
    [ "$(get /config "$T/garbage")" = 200 ]
    ! pyd "import json; json.load(open('$T/garbage', 'rb'))" 2>/dev/null || false
    [ "$(get /jobs "$T/huge")" = 200 ]
    [ "$(wc -c <"$T/huge")" -eq $((2 * 1024 * 1024)) ]
    [ "$(head -c 9 "$T/huge")" = '{"jobs":[' ]
    # the 404 body of /d (29 bytes), one byte every 100 ms
    start=$(date +%s%N)
    [ "$(get /d "$T/drip.json")" = 404 ]
    [ $((($(date +%s%N) - start) / 1000000)) -ge 2000 ]
    py "assert load('drip.json') == {'errors': ['Not found: /d']}"
}

@test "the same --seed gives the same job ids, another seed other ids" {
    sim_start --clusters 3 --jobs 4 --frozen --seed 42
    for c in production staging development; do
        get "/clusters/$c/jobs/overview" "$T/run1-$c.json" >/dev/null
    done
    sim_stop
    sim_start --clusters 3 --jobs 4 --frozen --seed 42
    for c in production staging development; do
        get "/clusters/$c/jobs/overview" "$T/run2-$c.json" >/dev/null
    done
    sim_stop
    sim_start --clusters 3 --jobs 4 --frozen --seed 43
    get /clusters/production/jobs/overview "$T/other.json" >/dev/null
    py "
ids = lambda f: [(j['jid'], j['name']) for j in load(f)['jobs']]
for c in ('production', 'staging', 'development'):
    assert ids('run1-%s.json' % c) == ids('run2-%s.json' % c), c
assert not set(ids('run1-production.json')) & set(ids('other.json'))
"
}

@test "--hostile-names serves an ESC byte in a job name, JSON-escaped as \\u001b" {
    file_sim
    local file_url=$SIM_URL
    sim_start --clusters 3 --jobs 4 --frozen --hostile-names
    get /jobs/overview "$T/jobs.json" >/dev/null
    grep -qF '\u001b[2J' "$T/jobs.json"
    py "
names = [j['name'] for j in load('jobs.json')['jobs']]
assert any('\x1b' in n for n in names), names
assert any('\u009b' in n for n in names), names
"
    # without the flag (the file's simulator), no control characters anywhere
    sim_stop
    SIM_URL=$file_url SIM_PID=$SIM_FILE_PID
    get /jobs/overview "$T/plain.json" >/dev/null
    ! grep -qF '\u00' "$T/plain.json" || false
}

@test "SIGTERM stops it promptly with status 0, even with a request hanging" {
    sim_start --clusters 3 --jobs 4 --frozen --fault '/overview=hang'
    curl -s -m 10 "$SIM_URL/overview" >/dev/null &
    hung=$!
    # wait (with a deadline) until the hanging request is connected
    for _ in $(seq 1 100); do
        ss -tn state established 2>/dev/null | grep -q ":${SIM_URL##*:} " && break
        sleep 0.02
    done
    start=$(date +%s%N)
    kill -TERM "$SIM_PID"
    rc=0
    wait "$SIM_PID" || rc=$?
    SIM_PID=""
    [ "$rc" -eq 0 ]
    [ $((($(date +%s%N) - start) / 1000000)) -lt $((1000 * ${TEST_TIME_SCALE:-1})) ]
    wait "$hung" || true
}
