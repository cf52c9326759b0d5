#!/usr/bin/env bats
# flinktop --once against the simulator over real HTTP: what it prints must equal what
# the simulator serves, and a failing source must cost only that cluster.

# One simulator (--frozen, its clock standing still once back-pressure was sampled) for
# the tests that only read or add faults (file_sim; teardown clears them); tests with
# other options or that fail a job start their own. The Python checks run in one resident interpreter (k8s_pyd.bash): a check
# costs a socket exchange instead of an interpreter start.

load ../bats_speed
load k8s_pyd

setup_file() {
    # the interpreter itself, resolved once: python3 is a version manager's shim here that
    # costs half a second of CPU a start; -S (no site packages) halves what is left
    PY=$(python3 -c 'import sys; print(sys.executable)') || return 1
    export PY
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    sim_start_file --clusters 3 --jobs 4 --frozen --clock manual || return 1
    pyd_start || return 1
    # back-pressure needs one metric fetch after start: move the clock until it came (the
    # incident report and the health classes read it)
    q "
jid = [j['jid'] for j in sim_get('/clusters/staging/jobs/overview')['jobs'] if j['state'] == 'RUNNING'][0]
vid = sim_get('/clusters/staging/jobs/' + jid)['vertices'][0]['id']
for _ in range(20):
    if sim_get('/clusters/staging/jobs/%s/vertices/%s/backpressure' % (jid, vid)).get('status') == 'ok':
        break
    sim_get('/_sim/clock', 'POST', {'advance_ms': 1000})
else:
    raise AssertionError('no back-pressure sample after 20 s of the clock')
"
}

teardown_file() {
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
    OUT="$BATS_TEST_TMPDIR/out.json"
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

# q CODE: Python with json and sys; sim_get(path[, method, body]) is the JSON the
# simulator answers there now (a 2xx, or the exception)
q() {
    pyd "import json, sys, urllib.request
def sim_get(path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else b'' if method == 'POST' else None
    req = urllib.request.Request('$SIM_URL' + path, data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
$1"
}

# py CODE: q over the snapshot in $OUT (bound to `d`)
py() {
    q "d = json.load(open('$OUT'))
$1"
}

# first_job CLUSTER STATE: the id of the cluster's first job in that state (fails if none)
first_job() {
    q "print([j['jid'] for j in sim_get('/clusters/$1/jobs/overview')['jobs'] if j['state'] == '$2'][0])"
}

fault() { # PATTERN MODE [ARG]
    curl -sf -X POST "$SIM_URL/_sim/faults" \
        -d "{\"pattern\":\"$1\",\"mode\":\"$2\",\"arg\":\"${3:-}\"}" >/dev/null
}

@test "once json: three clusters, jobs and states equal what the simulator serves" {
    file_sim
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    # one python for every cluster's checks, against what the simulator serves
    py "
assert [c['name'] for c in d['clusters']] == ['production','staging','development'], d
for name in ('production', 'staging', 'development'):
    sim = sim_get('/clusters/%s/jobs/overview' % name)['jobs']
    ov = sim_get('/clusters/%s/overview' % name)
    c = [c for c in d['clusters'] if c['name'] == name][0]
    assert c['status'] == 'ok' and c['error'] is None, c
    got = sorted((j['id'], j['name'], j['state']) for j in c['jobs'])
    want = sorted((j['jid'], j['name'], j['state']) for j in sim)
    assert got == want, (got, want)
    assert len(c['jobs']) == 4
    assert c['taskmanagers'] == ov['taskmanagers'] and c['slots_total'] == ov['slots-total'], c
    assert c['jobs_running'] == ov['jobs-running'] and c['jobs_failed'] == ov['jobs-failed'], c
    assert c['flink_version'] == ov['flink-version'], c
    for j in c['jobs']:
        assert len(j['id']) == 32 and j['start_time'] > 1e12, j
        assert isinstance(j['parallelism'], int) and j['parallelism'] >= 1, j
"
}

@test "once: a hanging /jobs/overview costs one cluster a timeout line, exit 3, others ok" {
    file_sim
    fault "/clusters/staging/jobs/overview" hang
    # bounded by flinktop's timeout, not by the hanging server: a run that hangs is killed
    # (status 124) long before the suite's own deadline, and the error names the 2 s
    run timeout $((20 * ${TEST_TIME_SCALE:-1})) "$FLINKTOP" --once --output json --timeout 2 \
        $(sim_flink_args)
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
c = {c['name']: c for c in d['clusters']}
assert c['production']['status'] == 'ok' and c['development']['status'] == 'ok', c
s = c['staging']
assert s['status'] == 'error', s
assert s['error'] == 'timed out after 2 s', s['error']
assert s['jobs'] is None, s
assert s['taskmanagers'] is not None
"
}

@test "once: HTTP 503 names the status, the path and Flink's message" {
    file_sim
    fault "/clusters/development/overview" status 503
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
c = {c['name']: c for c in d['clusters']}['development']
assert c['error'].startswith('HTTP 503 from /clusters/development/overview'), c['error']
assert c['taskmanagers'] is None and c['slots_total'] is None, c
assert len(c['jobs']) > 0
"
}

@test "once: garbage, truncated and huge bodies are clear errors, not crashes" {
    file_sim
    fault "/clusters/production/jobs/overview" garbage
    fault "/clusters/staging/jobs/overview" truncate
    fault "/clusters/development/jobs/overview" huge 20
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
c = {c['name']: c for c in d['clusters']}
assert c['production']['error'].startswith('bad answer from /jobs/overview: malformed JSON'), c['production']['error']
assert c['staging']['error'].startswith('bad answer from /jobs/overview: malformed JSON'), c['staging']['error']
assert c['development']['error'] == 'response over 16 MiB', c['development']['error']
assert all(x['taskmanagers'] is not None for x in c.values())
"
}

@test "once: a refused connection and a reset are errors of that cluster only" {
    file_sim
    fault "/clusters/staging/*" reset
    run "$FLINKTOP" --once --output json --flink dead=http://127.0.0.1:1 $(sim_flink_args)
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
c = {c['name']: c for c in d['clusters']}
assert c['dead']['error'] == 'connection refused', c['dead']
assert c['dead']['flink_version'] is None and c['dead']['jobs'] is None
assert c['staging']['status'] == 'error', c['staging']
assert c['production']['status'] == 'ok' and c['development']['status'] == 'ok'
"
}

@test "once text: hostile job names reach stdout without control characters" {
    sim_start --clusters 3 --jobs 4 --frozen --hostile-names
    run "$FLINKTOP" --once --output text $(sim_flink_args)
    [ "$status" -eq 0 ]
    [[ "$output" == *production* ]]
    # no ESC, BEL, CR or C1 CSI anywhere in what flinktop printed
    ! printf '%s' "$output" | LC_ALL=C grep -q $'[\x1b\x07\r]' || false
    ! printf '%s' "$output" | grep -q $'\xc2\x9b' || false
}

@test "once: a NUL and every bidi control in a job name show as U+FFFD, in JSON and text" {
    sim_start --frozen --jobs 8 --hostile-names
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    py "
names = [j['name'] for c in d['clusters'] for j in (c['jobs'] or [])]
R = '\ufffd'
# the NUL neither cut the name nor vanished
assert 'nul-' + R + '-hidden-job' in names, names
assert 'invoice-' + R + 'gpj.exe' in names, names
assert 'bidi-' + R + '1' + R + '2' + R + '3' + R + '4' + R + '5-job' in names, names
assert 'isolate-' + R + '6' + R + '7' + R + '8' + R + '9-job' in names, names
bad = [chr(c) for c in list(range(0x202a, 0x202f)) + list(range(0x2066, 0x206a))] + ['\x00']
assert not [n for n in names if any(b in n for b in bad)], names
"
    run "$FLINKTOP" --once --output text $(sim_flink_args)
    [ "$status" -eq 0 ]
    # the text report names only the jobs that need a look: none may carry a raw NUL cut
    ! printf '%s' "$output" | grep -q $'\xe2\x80[\xaa-\xae]' || false
    ! printf '%s' "$output" | grep -q $'\xe2\x81[\xa6-\xa9]' || false
}

@test "once: a password in a --flink URL is shown as ***, warned about, and refused over http" {
    run "$FLINKTOP" --once --output json --timeout 1 --flink "https://sre:s3cr3t@127.0.0.1:1"
    [ "$status" -eq 3 ]
    [[ "$output" == *"a password on the command line is visible"* ]]
    [[ "$output" != *s3cr3t* ]]
    "$FLINKTOP" --once --output json --timeout 1 --flink "https://sre:s3cr3t@127.0.0.1:1" \
        >"$OUT" 2>/dev/null || true
    py "assert d['clusters'][0]['url'] == 'https://sre:***@127.0.0.1:1', d['clusters'][0]['url']"
    run "$FLINKTOP" --once --flink "http://sre:s3cr3t@127.0.0.1:1"
    [ "$status" -eq 2 ]
    [[ "$output" == *"http://sre:***@127.0.0.1:1: credentials over plain http"* ]]
    [[ "$output" != *s3cr3t* ]]
}

@test "once: config credentials over http with insecure: true are sent and marked" {
    file_sim # it only reads
    printf 'hunter2\n' >"$BATS_TEST_TMPDIR/pass"
    chmod 600 "$BATS_TEST_TMPDIR/pass"
    cfg="$BATS_TEST_TMPDIR/config.yaml"
    printf 'clusters:\n  - name: prod\n    flink: %s/clusters/production\n    username: sre\n    password_file: pass\n    insecure: true\n' "$SIM_URL" >"$cfg"
    chmod 600 "$cfg"
    run "$FLINKTOP" -c "$cfg" --once --output json
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    py "
c = d['clusters'][0]
assert c['status'] == 'ok', c
assert c['tls_verify'] is False, c
assert c['url'].startswith('http://sre:***@127.0.0.1:'), c['url']
"
    [[ "$output" != *hunter2* ]]
}

@test "config: writable by others and naming a token file is refused with the chmod that fixes it" {
    cfg="$BATS_TEST_TMPDIR/config.yaml"
    printf 'clusters:\n  - name: prod\n    flink: https://127.0.0.1:1\n    token_file: t\n' >"$cfg"
    chmod 666 "$cfg"
    run "$FLINKTOP" -c "$cfg" --once --flink http://127.0.0.1:1
    [ "$status" -eq 2 ]
    [[ "$output" == *"config.yaml is writable by others and names an exec plugin or a token file"* ]]
    [[ "$output" == *"chmod go-w $cfg"* ]]
    # without a file to read credentials from: a warning, and it runs
    printf 'refresh: 2\n' >"$cfg"
    chmod 666 "$cfg"
    run "$FLINKTOP" -c "$cfg" --once --timeout 1 --flink http://127.0.0.1:1
    [ "$status" -eq 3 ]
    [[ "$output" == *"warning: $cfg is writable by others (fix: chmod go-w $cfg)"* ]]
}

@test "usage errors exit 2 with a message" {
    run "$FLINKTOP" --once --output yaml --flink http://127.0.0.1:1
    [ "$status" -eq 2 ]
    [[ "$output" == *"--output yaml: expected json or text"* ]]
    run "$FLINKTOP" --once
    [ "$status" -eq 2 ]
    [[ "$output" == *"no clusters"* ]]
}

@test "--help and --version" {
    run "$FLINKTOP" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--flink [NAME=]URL"* ]]
    [[ "$output" == *"--once"* ]]
    run "$FLINKTOP" --version
    [ "$status" -eq 0 ]
    [[ "$output" == "flinktop "* ]]
}

@test "config: a bad line stops start-up with file:line, exit 2" {
    cfg="$BATS_TEST_TMPDIR/config.yaml"
    printf 'refresh: 2\ntimeout: 5\nrefesh: 3\n' >"$cfg"
    run "$FLINKTOP" -c "$cfg" --once --flink http://127.0.0.1:1
    [ "$status" -eq 2 ]
    [[ "$output" == *"config.yaml:3: unknown key \"refesh\""* ]]
}

@test "config: its timeout applies, and --timeout on the command line wins" {
    file_sim
    fault "/clusters/staging/overview" hang
    cfg="$BATS_TEST_TMPDIR/config.yaml"
    printf 'timeout: 1\nclusters:\n  - name: staging\n    flink: %s/clusters/staging\n' \
        "$SIM_URL" >"$cfg"
    run "$FLINKTOP" -c "$cfg" --once --output json
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "assert d['clusters'][0]['name'] == 'staging'; assert d['clusters'][0]['error'] == 'timed out after 1 s', d"
    run "$FLINKTOP" -c "$cfg" --timeout 2 --once --output json
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "assert d['clusters'][0]['error'] == 'timed out after 2 s', d"
}

@test "once json: vertices carry one backpressure ratio per subtask; checkpoint counts match" {
    file_sim # its clock moved until back-pressure was sampled (setup_file)
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    # one python for every check, against what the simulator serves
    py "
checked = 0
for name in ('production', 'staging', 'development'):
    sim = sim_get('/clusters/%s/jobs/overview' % name)['jobs']
    c = [c for c in d['clusters'] if c['name'] == name][0]
    for sj in sim:
        if sj['state'] != 'RUNNING':
            continue
        cp = sim_get('/clusters/%s/jobs/%s/checkpoints' % (name, sj['jid']))
        j = [j for j in c['jobs'] if j['id'] == sj['jid']][0]
        assert j['vertices'], j
        for v in j['vertices']:
            bp = v['backpressure']
            if bp['subtasks'] is not None:
                assert len(bp['subtasks']) == v['parallelism'], (v['name'], len(bp['subtasks']), v['parallelism'])
                assert bp['level'] in ('ok', 'low', 'high'), bp
        k = j['checkpoints']
        assert k['completed'] == cp['counts']['completed'] and k['failed'] == cp['counts']['failed'], (k, cp['counts'])
        if cp['latest']['completed']:
            assert k['last_completed']['id'] == cp['latest']['completed']['id'], k
            assert k['last_completed']['path'] == cp['latest']['completed']['external_path'], k
        assert j['exceptions'] is not None
        checked += 1
    assert c['taskmanager_list'] and all(t['heap_max'] and t['heap_max'] > 0 for t in c['taskmanager_list']), c['taskmanager_list']
assert checked > 0, checked
# at least one vertex somewhere had its backpressure sampled
assert any(v['backpressure']['subtasks'] for c in d['clusters'] for j in c['jobs'] if j['vertices'] for v in j['vertices'])
"
}

@test "once: a job made to fail shows FAILED with its root exception" {
    sim_start --frozen --jobs 3
    jid=$(first_job production RUNNING)
    [ -n "$jid" ]
    sim_http POST "/_sim/jobs/$jid/fail"
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    py "
j = [j for c in d['clusters'] for j in c['jobs'] if j['id'] == '$jid'][0]
assert j['state'] == 'FAILED', j['state']
root = j['exceptions']['root']
assert root and root['message'] and root['time'] > 0, j['exceptions']
"
}

@test "once: FlinkJobFailed with for: 0s fires in a single poll, named after job and cluster" {
    sim_start --frozen --jobs 3
    jid=$(first_job staging RUNNING)
    [ -n "$jid" ]
    name=$(q "print(sim_get('/clusters/staging/jobs/$jid')['name'])")
    [ -n "$name" ]
    sim_http POST "/_sim/jobs/$jid/fail"
    sed 's/for: 1m/for: 0s/' config/alerts.yaml >"$BATS_TEST_TMPDIR/alerts.yaml"
    printf 'alerts: %s\n' "$BATS_TEST_TMPDIR/alerts.yaml" >"$BATS_TEST_TMPDIR/config.yaml"
    run "$FLINKTOP" -c "$BATS_TEST_TMPDIR/config.yaml" --once --output json $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    py "
a = [a for a in d['alerts'] if a['name'] == 'FlinkJobFailed']
assert any(x['cluster'] == 'staging' and x['job'] == '$name' and x['severity'] == 'critical' for x in a), d['alerts']
assert all('has failed' in x['message'] for x in a), a
"
}

@test "once text is an incident report: time and scope, the failed job first with its reason, then a count" {
    file_sim
    failed=$(q "print([j['name'] for j in sim_get('/clusters/staging/jobs/overview')['jobs'] if j['state'] == 'FAILED'][0])")
    [ -n "$failed" ]
    run "$FLINKTOP" --once --output text $(sim_flink_args) --flink dead=http://127.0.0.1:1
    [ "$status" -eq 3 ] # a cluster without data is not "all ok"
    # first line: HH:MM ZONE, the clusters and how many jobs need a look
    [[ "${lines[0]}" =~ ^[0-2][0-9]:[0-5][0-9]\ [A-Z+0-9-]+\ \ 4\ clusters:\ [0-9]+\ of\ 12\ jobs\ need\ a\ look$ ]]
    # the sickest first: the failed job, by name (no 32-character id before it), with why
    [[ "${lines[1]}" == "$failed (staging): FAILED for "*": "* ]]
    # a backpressured job names where, in words
    [[ "$output" == *"backpressured "*"% at "* ]]
    [[ "$output" == *"cluster dead: connection refused"* ]]
    [[ "${lines[${#lines[@]}-1]}" =~ ^[0-9]+\ healthy ]]
    ! [[ "$output" =~ [0-9a-f]{32} ]] || false
}

@test "once json: every job has its health class, reason and the numbers behind them" {
    file_sim
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$OUT"
    py "
jobs = [j for c in d['clusters'] for j in c['jobs']]
classes = {'failed','not checkpointing','backpressured','restarting','healthy','unknown'}
assert all(j['health']['class'] in classes for j in jobs), jobs
failed = [j for j in jobs if j['state'] == 'FAILED']
assert failed and all(j['health']['class'] == 'failed' and j['health']['reason'].startswith('FAILED for') for j in failed)
bp = [j for j in jobs if j['health']['class'] == 'backpressured']
assert bp and all(' at ' in j['health']['reason'] and j['health']['backpressured_max'] > 0.5 for j in bp), bp
ok = [j for j in jobs if j['health']['class'] == 'healthy' and j['state'] == 'RUNNING']
assert ok and all(j['health']['reason'] is None for j in ok)
"
}

@test "once json: a failing exceptions endpoint is the job's error, not a silent null" {
    sim_start --frozen --jobs 2 --fault '*/exceptions=status:500'
    run "$FLINKTOP" --once --output json $(sim_flink_args)
    printf '%s' "$output" >"$OUT"
    py "
jobs = [j for c in d['clusters'] for j in c['jobs']]
assert jobs, d
for j in jobs:
    assert j['exceptions'] is None, j
    errs = [e for e in j['errors'] if e['endpoint'] == 'exceptions']
    assert len(errs) == 1, j
    assert 'HTTP 500 from /' in errs[0]['error'] and '/exceptions' in errs[0]['error'], errs
    assert errs[0]['stale'] is False, errs
    assert j['checkpoints'] is not None, j  # the other endpoints of the job still answer
"
}

@test "once: a pods list answering garbage is its cluster's error, in JSON and text, exit 3" {
    sim_start --frozen --clusters 2 --jobs 2 --kubeconfig-out "$BATS_TEST_TMPDIR/KC" \
        --fault '/api/v1/namespaces/flink-prod/pods*=garbage'
    run "$FLINKTOP" --once --output json --kubeconfig "$BATS_TEST_TMPDIR/KC"
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$OUT"
    py "
c = {c['name']: c for c in d['clusters']}
p = c['production']
assert p['status'] == 'error' and 'pods flink-prod' in p['error'], p
assert p['sources']['pods']['status'] == 'error', p['sources']
assert 'malformed' in p['sources']['pods']['error'], p['sources']
assert p['sources']['events']['status'] == 'ok', p['sources']
assert p['sources']['pods']['last_ok'] is None, p['sources']
s = c['staging']
assert s['status'] == 'ok' and s['sources']['pods']['status'] == 'ok', s
assert s['sources']['pods']['last_ok'] > 1e12, s['sources']
"
    run "$FLINKTOP" --once --kubeconfig "$BATS_TEST_TMPDIR/KC"
    [ "$status" -eq 3 ]
    [[ "$output" == *"cluster production: pods flink-prod: malformed JSON"* ]]
    [[ "$output" != *"cluster staging:"* ]]
}
