#!/usr/bin/env bats
# The fault matrix for --once: each simulator fault mode, one test a mode, on every endpoint
# class at once. Every class is faulted on its own cluster, so one run covers them all:
#
#   class          direct --flink (d-CLUSTER)    through Kubernetes (service proxy)
#   overview       d-production                  production
#   jobs overview  d-staging                     staging
#   job detail     d-development                 development
#   checkpoints    d-cluster-4                   cluster-4
#   backpressure   d-cluster-5                   cluster-5
#   taskmanagers   d-cluster-6                   cluster-6
#   k8s lists      pods of production, events of staging, snapshots of development
#   discovery      the FlinkDeployment list of flink-cluster-7 (a second run, -n)
#   prometheus     --prometheus at a simulator path that answers only with the fault
#   (none)         d-cluster-7 and cluster-7: the control, which must stay ok
#
# What a user needs of each pair: no crash (exit 0 or 3, JSON out), a clear error on the
# faulted source only (its source state, the job's errors list, the context's error),
# the rest of that cluster and every other cluster unaffected, and nothing hostile
# (escapes, control bytes, invalid UTF-8, garbage numbers) reaching stdout. The console
# half of the matrix (last good data kept, recovery within one refresh) is
# tests/e2e/faults.bats.

load ../bats_speed
load k8s_pyd

# The checks run in one resident Python interpreter (k8s_pyd.bash) instead of one a check:
# an interpreter start with its imports cost more CPU than the flinktop runs it checks.
setup_file() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    sim_start_file --clusters 7 --jobs 2 --frozen --clock manual \
        --kubeconfig-out "$BATS_FILE_TMPDIR/kc" || return 1
    pyd_start
}

teardown_file() {
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

# py_stdin [ARG...]: the Python program on stdin, run as `python3 - ARG...` would, in the
# resident interpreter (read by bash: no process for it)
py_stdin() {
    local code
    IFS= read -r -d '' code || true
    pyd "$code" "$@"
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
    KC="$BATS_FILE_TMPDIR/kc"
    SCALE=${TEST_TIME_SCALE:-1}
    # flinktop's --timeout, seconds: 1, 2 under the sanitizers (TEST_TIME_SCALE=4), whose
    # answers still take milliseconds; a longer one only slows the hanging modes
    TIMEOUT=$((1 + SCALE / 4))
}

teardown() {
    sim_http DELETE "/_sim/faults"
}

fault() { # PATTERN MODE [ARG]
    curl -sf -X POST "$SIM_URL/_sim/faults" \
        -d "{\"pattern\":\"$1\",\"mode\":\"$2\",\"arg\":\"${3:-}\"}" >/dev/null
}

J32='????????????????????????????????' # a job id, and nothing after it
PROXY='services/*/proxy'

# fault_everything MODE [ARG]: the table above, in one curl (faults, tests/sim-start.sh:
# a process a fault was half of a test's CPU); every one of the 17 must be set
fault_everything() {
    faults "$1" "${2:-}" \
        "/clusters/production/overview" \
        "/clusters/staging/jobs/overview" \
        "/clusters/development/jobs/$J32" \
        "/clusters/cluster-4/jobs/*/checkpoints" \
        "/clusters/cluster-5/jobs/*/vertices/*/backpressure" \
        "/clusters/cluster-6/taskmanagers" \
        "/api/v1/namespaces/flink-prod/$PROXY/overview" \
        "/api/v1/namespaces/flink-staging/$PROXY/jobs/overview" \
        "/api/v1/namespaces/flink-dev/$PROXY/jobs/$J32" \
        "/api/v1/namespaces/flink-cluster-4/$PROXY/jobs/*/checkpoints" \
        "/api/v1/namespaces/flink-cluster-5/$PROXY/jobs/*/vertices/*/backpressure" \
        "/api/v1/namespaces/flink-cluster-6/$PROXY/taskmanagers" \
        "/api/v1/namespaces/flink-prod/pods" \
        "/api/v1/namespaces/flink-staging/events" \
        "/apis/flink.apache.org/v1beta1/namespaces/flink-dev/flinkstatesnapshots" \
        "/apis/flink.apache.org/v1beta1/namespaces/flink-cluster-7/flinkdeployments" \
        "/prom/*"
}

# run_both: the fleet run into $BATS_TEST_TMPDIR/fleet.json and the discovery run (-n
# flink-cluster-7) into disc.json, side by side (their faults never meet); exit codes in
# fleet.rc and disc.rc. Bounded by timeout(1): a hang is a failure, not a stuck suite.
run_both() {
    local d=$BATS_TEST_TMPDIR args="" c
    for c in production staging development cluster-4 cluster-5 cluster-6 cluster-7; do
        args="$args --flink d-$c=$SIM_URL/clusters/$c"
    done
    (
        timeout $((30 * SCALE)) "$FLINKTOP" --once --output json --timeout "$TIMEOUT" \
            --kubeconfig "$KC" -n flink-cluster-7 >"$d/disc.json" 2>"$d/disc.err" || rc=$?
        echo "${rc:-0}" >"$d/disc.rc"
    ) 3>&- &
    local disc=$!
    local rc=0
    # shellcheck disable=SC2086
    timeout $((30 * SCALE)) "$FLINKTOP" --once --output json --timeout "$TIMEOUT" \
        --kubeconfig "$KC" --prometheus "$SIM_URL/prom" $args >"$d/fleet.json" \
        2>"$d/fleet.err" || rc=$?
    echo "$rc" >"$d/fleet.rc"
    wait "$disc" || true
}

# check KIND EXPECT [MODE]: the assertions over fleet.json and disc.json. KIND error: every faulted
# source says an error containing EXPECT (one of '|'-separated alternatives); KIND content:
# the answers were well-formed but hostile, so sources may be ok; either way nothing
# hostile gets out and the control cluster is whole.
check() {
    py_stdin "$BATS_TEST_TMPDIR" "$1" "$2" "${3:-}" <<'PY'
import json, math, re, sys
d, kind, expect, mode = sys.argv[1], sys.argv[2], sys.argv[3].split('|'), sys.argv[4]

def load(name):
    rc = int(open(f'{d}/{name}.rc').read())
    raw = open(f'{d}/{name}.json', 'rb').read()
    err = open(f'{d}/{name}.err', 'rb').read()
    assert rc in (0, 3), f'{name}: exit {rc} (0 or 3 expected), stderr: {err[-2000:]!r}'
    for what, b in (('stdout', raw), ('stderr', err)):
        text = b.decode('utf-8')  # raises on invalid UTF-8
        bad = [c for c in text if (ord(c) < 0x20 and c != '\n') or 0x7f <= ord(c) < 0xa0
               or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
        assert not bad, f'{name} {what}: control characters {bad[:5]!r}'
        assert '\\u001b' not in text.lower() and '\\u0007' not in text, f'{name} {what}: escaped ESC/BEL'
    # a number the JSON prints is finite and never a negative zero
    assert not re.search(rb'[:\[,]-0(?:[,\]}]|\.0*[,\]}])', raw), f'{name}: -0 in output'
    doc = json.loads(raw)
    return rc, doc

def numbers(x, path=''):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from numbers(v, f'{path}.{k}')
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from numbers(v, f'{path}[{i}]')
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield path, x

def matches(msg):
    return msg and any(e in msg for e in expect)

rc, doc = load('fleet')
for path, v in numbers(doc):
    assert math.isfinite(v), f'{path} = {v}'
    if re.search(r'(ratio|subtasks\[\d+\]|busy_max|backpressured_max)$', path):
        assert 0 <= v <= 1, f'{path} = {v}: a ratio outside 0..1'
    if re.search(r'\.(taskmanagers|slots_total|slots_available|slots_free|jobs_running|parallelism'
                 r'|tasks_total|completed|failed|in_progress|heap_used|heap_max)$', path):
        assert v >= 0, f'{path} = {v}: a negative count'

clusters = {c['name']: c for c in doc['clusters']}
want = [f'{p}{c}' for p in ('d-', '') for c in
        ('production', 'staging', 'development', 'cluster-4', 'cluster-5', 'cluster-6', 'cluster-7')]
assert sorted(clusters) == sorted(want), sorted(clusters)

# the control cluster, direct and through the proxy, is whole
for name in ('d-cluster-7', 'cluster-7'):
    c = clusters[name]
    assert c['status'] == 'ok' and c['error'] is None, (name, c['error'], c['sources'])
    assert len(c['jobs']) == 2 and all(j['id'] and not j.get('errors') for j in c['jobs']), c['jobs']
    assert c['taskmanagers'] == 2, c

# cluster-level sources: (cluster, source) faulted; every other Flink source of it is ok
faulted_src = {('production', 'overview'), ('staging', 'jobs'), ('cluster-6', 'taskmanagers')}
faulted_k8s = {('production', 'pods'), ('staging', 'events'), ('development', 'snapshots')}
faulted_job = {'development': 'job', 'cluster-4': 'checkpoints', 'cluster-5': 'backpressure'}
flink_sources = ('config', 'overview', 'jobs', 'taskmanagers')

for prefix in ('d-', ''):
    for base in ('production', 'staging', 'development', 'cluster-4', 'cluster-5', 'cluster-6'):
        c = clusters[prefix + base]
        src = c['sources']
        for s in flink_sources:
            st = src[s]
            if (base, s) in faulted_src and kind == 'error':
                assert st['status'] == 'error' and matches(st['error']), (c['name'], s, st)
                assert st['last_ok'] is None, (c['name'], s, st)
                assert c['status'] == 'error' and c['error'], (c['name'], c['error'])
            elif (base, s) not in faulted_src:
                assert st['status'] == 'ok', (c['name'], s, st)
            elif st['status'] == 'error':
                assert st['error'], (c['name'], s, st)
        if prefix == '':
            for s in ('pods', 'events', 'snapshots'):
                st = src[s]
                if (base, s) in faulted_k8s and kind == 'error':
                    assert st['status'] == 'error' and matches(st['error']), (c['name'], s, st)
                elif (base, s) not in faulted_k8s:
                    assert st['status'] == 'ok', (c['name'], s, st)
        # what the faulted source fed is unknown, never made up
        if kind == 'error':
            if base == 'production':
                assert c['taskmanagers'] is None and c['slots_total'] is None, c
            if base == 'staging':
                assert c['jobs'] is None, c['jobs']
            if base == 'cluster-6':
                assert not c.get('taskmanager_list'), c.get('taskmanager_list')
        # the job-level classes: each job says which endpoint failed and why, and keeps
        # what its other endpoints gave
        if base in faulted_job:
            assert c['jobs'] and len(c['jobs']) == 2, (c['name'], c['jobs'])
            endpoint = faulted_job[base]
            for j in c['jobs']:
                errs = j.get('errors') or []
                mine = [e for e in errs if e['endpoint'] == endpoint]
                if kind == 'error':
                    assert mine and matches(mine[0]['error']), (c['name'], j['name'], errs)
                    assert j['state'] == 'RUNNING' and j['id'], j
                others = [e for e in errs if e['endpoint'] != endpoint]
                assert not others, (c['name'], j['name'], others)
        elif c['jobs'] is not None:
            for j in c['jobs']:
                errs = j.get('errors') or []
                if j['id'] is None: # its id mangled: said so, its details never asked
                    assert [e['endpoint'] for e in errs] == ['job'], (c['name'], errs)
                    assert 'no valid job id' in errs[0]['error'], errs
                else:
                    assert not errs, (c['name'], j.get('name'), errs)

# the /prom path is a 404 when not faulted: a drip keeps that status
p = doc['prometheus']
assert p is not None and p['status'] == 'error' and p['error'], p
if kind == 'error':
    assert matches(p['error']) or (mode == 'drip' and 'HTTP 404' in p['error']), p

rc2, disc = load('disc')
ctx = disc['contexts']
assert len(ctx) == 1, ctx
if kind == 'error':
    assert ctx[0]['status'] == 'error' and matches(ctx[0]['error']), ctx
    assert 'flinkdeployments' in ctx[0]['error'], ctx
    assert rc2 == 3 and disc['clusters'] == [], (rc2, disc['clusters'])
elif ctx[0]['status'] == 'error':
    assert ctx[0]['error'], ctx
if kind == 'error':
    assert rc == 3, rc
PY
}

# matrix KIND EXPECT MODE [ARG]
matrix() {
    local kind=$1 expect=$2
    shift 2
    fault_everything "$@"
    run_both
    check "$kind" "$expect" "$1"
}

@test "fault matrix: status 500 on every class" {
    matrix error 'HTTP 500' status 500
}

@test "fault matrix: status 503 on every class" {
    matrix error 'HTTP 503' status 503
}

@test "fault matrix: a reset mid-request on every class" {
    matrix error 'reset by server|closed the connection' reset
}

@test "fault matrix: an answer dropped after the work was done on every class" {
    matrix error 'reset by server|closed the connection' drop
}

@test "fault matrix: a server that never answers on every class" {
    matrix error "timed out after $TIMEOUT s" hang
}

@test "fault matrix: latency over the timeout on every class" {
    matrix error "timed out after $TIMEOUT s" latency $((TIMEOUT * 3000))
}

@test "fault matrix: a body dripping a byte at a time on every class" {
    matrix error "timed out after $TIMEOUT s" drip
}

@test "fault matrix: a truncated body on every class" {
    matrix error 'malformed JSON' truncate
}

@test "fault matrix: garbage bytes on every class" {
    matrix error 'malformed JSON' garbage
}

@test "fault matrix: a 20 MB body on every class" {
    matrix error 'response over 16 MiB' huge 20
}

@test "fault matrix: 100,000 nested arrays on every class" {
    matrix error 'malformed JSON' deep
}

@test "fault matrix: latency under the timeout is no error" {
    matrix content '' latency 200
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
doc = json.load(open(f'{sys.argv[1]}/fleet.json'))
for c in doc['clusters']:
    assert c['status'] == 'ok', (c['name'], c['error'])
PY
}

@test "fault matrix: terminal escapes in every string on every class" {
    matrix content '' escapes
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
doc = json.load(open(f'{sys.argv[1]}/fleet.json'))
c = {c['name']: c for c in doc['clusters']}
# the names still read as names, without the escape sequences around them
names = sorted(j['name'] for j in c['d-staging']['jobs'])
assert names == ['clickstream-sessionizer', 'fraud-detection'], names
assert all('owned' not in json.dumps(x) for x in doc['clusters']), 'an OSC title reached stdout'
PY
}

@test "fault matrix: invalid UTF-8 in every string on every class" {
    matrix content '' badutf8
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
doc = json.load(open(f'{sys.argv[1]}/fleet.json'))
c = {c['name']: c for c in doc['clusters']}
names = sorted(j['name'] for j in c['d-staging']['jobs'])
assert names[0].startswith('clickstream-sessionizer') and names[1].startswith('fraud-detection'), names
assert all(n != n.rstrip('\ufffd?') for n in names), names  # the bad bytes show as replacements
PY
}

@test "fault matrix: huge, negative and -0 numbers on every class" {
    matrix content '' bignum
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
doc = json.load(open(f'{sys.argv[1]}/fleet.json'))
c = {c['name']: c for c in doc['clusters']}
# 1e308 task managers is not a count: unknown, not a made-up figure
assert c['d-production']['taskmanagers'] is None and c['production']['taskmanagers'] is None
PY
}

@test "fault matrix: every value of the wrong type on every class" {
    matrix content '' types
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
doc = json.load(open(f'{sys.argv[1]}/fleet.json'))
c = {c['name']: c for c in doc['clusters']}
assert c['d-production']['taskmanagers'] is None and c['d-production']['slots_total'] is None
for j in c['d-cluster-4']['jobs']:
    assert j['checkpoints'] is None or j['checkpoints']['completed'] is None, j['checkpoints']
PY
}

@test "fault matrix: once the faults clear, the next run is whole (exit 0, every source ok)" {
    run_both
    check content ''
    py_stdin "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
d = sys.argv[1]
assert open(f'{d}/fleet.rc').read().strip() in ('0', '3')  # 3: the /prom path is no Prometheus
doc = json.load(open(f'{d}/fleet.json'))
for c in doc['clusters']:
    assert c['status'] == 'ok', (c['name'], c['error'])
    assert all(s['status'] == 'ok' for s in c['sources'].values()), c['sources']
disc = json.load(open(f'{d}/disc.json'))
assert open(f'{d}/disc.rc').read().strip() == '0'
assert [c['name'] for c in disc['clusters']] == ['cluster-7'], disc['clusters']
PY
}

# cred_kubeconfig FILE: a kubeconfig for the file's simulator with one good context and one
# a credential that cannot be loaded: a token file, a client key, an exec plugin that fails
cred_kubeconfig() {
    cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: "$SIM_URL"
users:
- name: good
  user: {}
- name: tok
  user:
    tokenFile: /nonexistent/token
- name: key
  user:
    client-certificate: $BATS_TEST_DIRNAME/faults.bats
    client-key: /nonexistent/key.pem
- name: plug
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/false
      interactiveMode: Never
contexts:
- name: good
  context: {cluster: sim, user: good}
- name: badtoken
  context: {cluster: sim, user: tok}
- name: badkey
  context: {cluster: sim, user: key}
- name: badexec
  context: {cluster: sim, user: plug}
current-context: badtoken
YAML
    chmod 600 "$1"
}

@test "a credential that cannot be loaded is its context's error in --once JSON and text, exit 3" {
    local kc=$BATS_TEST_TMPDIR/kc
    cred_kubeconfig "$kc"
    run timeout $((30 * SCALE)) "$FLINKTOP" --once --output json --timeout "$TIMEOUT" \
        --kubeconfig "$kc" --context good --context badtoken --context badkey --context badexec \
        -n flink-cluster-7
    [ "$status" -eq 3 ]
    printf '%s' "$output" >"$BATS_TEST_TMPDIR/out.json"
    py_stdin "$BATS_TEST_TMPDIR/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ctx = {c['name']: c for c in d['contexts']}
assert sorted(ctx) == ['badexec', 'badkey', 'badtoken', 'good'], sorted(ctx)
assert ctx['good']['status'] == 'ok', ctx['good']
for name, want in (('badtoken', 'cannot read tokenFile "/nonexistent/token"'),
                   ('badkey', 'cannot read client-key "/nonexistent/key.pem"'),
                   ('badexec', 'exec plugin "/bin/false" failed')):
    assert ctx[name]['status'] == 'error' and want in ctx[name]['error'], ctx[name]
# the good context's cluster is there and whole
assert [(c['name'], c['context'], c['status']) for c in d['clusters']] == [('cluster-7', 'good', 'ok')], d['clusters']
PY
    # the current context by its name, even when its credential does not load
    run timeout $((30 * SCALE)) "$FLINKTOP" --once --timeout "$TIMEOUT" --kubeconfig "$kc"
    [ "$status" -eq 3 ]
    [[ "$output" == *'context badtoken: '*'cannot read tokenFile "/nonexistent/token": No such file or directory'* ]]
}
