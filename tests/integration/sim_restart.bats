#!/usr/bin/env bats
# Flink-side restarts as Flink's scheduler does them, on the default fleet: a failover
# keeps the job id and its start-time, goes RESTARTING (the old executions CANCELING, then
# CANCELED, the failed one FAILED) and back RUNNING with new executions SCHEDULED,
# DEPLOYING, INITIALIZING, RUNNING (attempt + 1), counts in numRestarts and lands in the
# exception history. The clock is manual: the tests move it, they never wait on it.
# Run after `make flinktop-sim`: bats tests/integration/sim_restart.bats

load ../bats_speed
load k8s_pyd

# one resident Python interpreter runs every test's py (k8s_pyd.bash)
setup_file() {
    pyd_start
}

teardown_file() {
    pyd_stop
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    sim_start --frozen --clock manual
}

teardown() {
    sim_stop
}

# py CODE: Python with the simulator at hand. ok(path) -> json of a 200; sim(path, body)
# -> json of a 200 control call; advance(ms) moves the clock; job(c, jid) -> job details;
# restarts(c, jid) -> numRestarts; follow(c, jid, seconds) -> the distinct (job state,
# subtask states other than FAILED, FAILED count) it goes through, 100 ms apart, until it
# is all RUNNING again, checking on the way that nothing else changes.
py() {
    pyd "
import json, urllib.error, urllib.request
U = '$SIM_URL'
def get(path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(U + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def ok(path, method='GET', body=None):
    s, b = get(path, method, body)
    assert s == 200, (path, s, b)
    return b
def sim(path, body=None):
    b = ok('/_sim' + path, 'POST', body if body is not None else {})
    assert b['ok'] is True, b
    return b
def advance(ms):
    sim('/clock', {'advance_ms': ms})
def job(c, jid):
    return ok('/clusters/%s/jobs/%s' % (c, jid))
def restarts(c, jid):
    m = ok('/clusters/%s/jobs/%s/metrics?get=numRestarts' % (c, jid))
    return int(m[0]['value'])
def running(c):
    return next(j for j in ok('/_sim/jobs')['jobs'] if j['cluster'] == c and j['state'] == 'RUNNING')
def consistent(d):
    '''status-counts and every vertex's tasks agree with the vertices' statuses'''
    counts = {}
    for v in d['vertices']:
        counts[v['status']] = counts.get(v['status'], 0) + 1
        assert sum(v['tasks'].values()) == v['parallelism'], v
        live = [s for s, n in v['tasks'].items() if n > 0]
        want = 'FAILED' if 'FAILED' in live else live[0]
        assert len([s for s in live if s != 'FAILED']) <= 1 and v['status'] == want, v
    assert {k: n for k, n in d['status-counts'].items() if n} == counts, (d['status-counts'], counts)
    ov = next(x for x in ok('/clusters/%s/jobs/overview' % C)['jobs'] if x['jid'] == d['jid'])
    assert ov['state'] == d['state'], (ov, d['state'])
    for s in set(x for v in d['vertices'] for x in v['tasks']):
        assert ov['tasks'][s.lower()] == sum(v['tasks'][s] for v in d['vertices']), (s, ov['tasks'])
def follow(c, jid, before, seconds):
    seen = []
    for _ in range(seconds * 10):
        d = job(c, jid)
        assert d['jid'] == jid and d['start-time'] == before['start-time'] and d['end-time'] == -1, d
        assert d['duration'] == d['now'] - d['start-time'], d
        consistent(d)
        tasks = {}
        for v in d['vertices']:
            for s, n in v['tasks'].items():
                tasks[s] = tasks.get(s, 0) + n
        rest = tuple(sorted(s for s, n in tasks.items() if n and s != 'FAILED'))
        step = (d['state'], rest, tasks['FAILED'])
        if not seen or seen[-1] != step:
            seen.append(step)
        if len(seen) > 1 and step == ('RUNNING', ('RUNNING',), 0):
            return seen, d
        advance(100)
    raise AssertionError('not RUNNING again after %ss of the simulator\'s clock: %s' % (seconds, seen))
$1"
}

@test "a restart fails over in place: RESTARTING and back, same job id and start-time, numRestarts + 1, vertices in Flink's order" {
    py "
for C in ('real-time-analytics', 'orders-enrichment', 'cdc-customers-to-lake'):
    j = running(C)
    jid = j['jid']
    before = job(C, jid)
    n0 = restarts(C, jid)
    vid = before['vertices'][0]['id']
    att0 = ok('/clusters/%s/jobs/%s/vertices/%s' % (C, jid, vid))['subtasks'][0]['attempt']
    ex0 = len(ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))['exceptionHistory']['entries'])
    got = sim('/jobs/%s/restart' % jid)
    assert got['jid'] == jid and got['state'] == 'RESTARTING', got
    d = job(C, jid)
    restart_at = d['timestamps']['RESTARTING']
    assert restart_at == d['now'] and d['timestamps']['RUNNING'] < restart_at, d['timestamps']
    assert restarts(C, jid) == n0 + 1
    seen, d = follow(C, jid, before, 15)
    failed = seen[0][2]
    assert failed in (0, 1), seen
    assert seen == [('RESTARTING', ('CANCELING',), failed), ('RESTARTING', ('CANCELED',), failed),
                    ('RUNNING', ('SCHEDULED',), 0), ('RUNNING', ('DEPLOYING',), 0),
                    ('RUNNING', ('INITIALIZING',), 0), ('RUNNING', ('RUNNING',), 0)], seen
    assert d['timestamps']['RESTARTING'] == restart_at and d['timestamps']['RUNNING'] > restart_at, d['timestamps']
    assert restarts(C, jid) == n0 + 1
    # new executions: every subtask's attempt went up by one; the old one ended
    vx = ok('/clusters/%s/jobs/%s/vertices/%s' % (C, jid, vid))
    assert all(s['attempt'] == att0 + 1 and s['status'] == 'RUNNING' for s in vx['subtasks']), vx['subtasks']
    old = ok('/clusters/%s/jobs/%s/vertices/%s/subtasks/0/attempts/%d' % (C, jid, vid, att0))
    assert old['attempt'] == att0 and old['status'] in ('CANCELED', 'FAILED'), old
    # the failure is in the exception history: when, which task, where, the root cause
    h = ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))
    entries = h['exceptionHistory']['entries']
    assert len(entries) == min(ex0 + 1, 16), (ex0, len(entries))
    e = entries[0]
    assert e['timestamp'] == restart_at, (e['timestamp'], restart_at)
    assert e['stacktrace'].startswith(e['exceptionName'] + ': ') and '\n\tat ' in e['stacktrace'], e
    where = e.get('endpoint', e.get('location'))
    if e['taskName'] is None:  # a global failure (the source coordinator): no task, no place
        assert failed == 0 and where is None, e
    else:
        assert failed == 1, seen
        assert e['taskName'].endswith('#%d' % att0) and any(e['taskName'].startswith(v['name'] + ' (') for v in d['vertices']), e
        host, port = where.rsplit(':', 1)
        assert host.count('.') == 3 and port == '6121', where
    if 'root-exception' in h:  # 1.x: the deprecated members name the latest failure
        assert h['root-exception'] == e['stacktrace'] and h['timestamp'] == restart_at, h
"
}

@test "failovers count 3: a job set to fail repeatedly restarts three times, each recorded, then stays RUNNING" {
    py "
C = 'recommendation-features'
jid = running(C)['jid']
before = job(C, jid)
n0 = restarts(C, jid)
ex0 = len(ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))['exceptionHistory']['entries'])
sim('/jobs/%s/failovers' % jid, {'count': 3})
times = []
for k in range(3):
    d = job(C, jid)
    assert d['state'] == 'RESTARTING', (k, d['state'])
    times.append(d['timestamps']['RESTARTING'])
    assert restarts(C, jid) == n0 + k + 1
    seen, d = follow(C, jid, before, 15)
    assert seen[0][0] == 'RESTARTING' and seen[-1] == ('RUNNING', ('RUNNING',), 0), seen
    if k < 2:
        for _ in range(100):
            if job(C, jid)['state'] == 'RESTARTING':
                break
            advance(100)
# after the third it stays up
advance(60000)
d = job(C, jid)
assert d['state'] == 'RUNNING' and d['start-time'] == before['start-time'] and restarts(C, jid) == n0 + 3, d
entries = ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))['exceptionHistory']['entries']
assert len(entries) == ex0 + 3 and [e['timestamp'] for e in entries[:3]] == times[::-1], (times, entries[:3])
s, b = get('/_sim/jobs/%s/failovers' % jid, 'POST', {'count': 0})
assert s == 400, (s, b)
fin = next(j for j in ok('/_sim/jobs')['jobs'] if j['state'] == 'FINISHED')
s, b = get('/_sim/jobs/%s/failovers' % fin['jid'], 'POST', {'count': 1})
assert s == 409, (s, b)
"
}

@test "the adaptive scheduler's rescale restarts in place: RESTARTING, same start-time, no restart counted, the new parallelism" {
    py "
C = 'geo-aggregation'
jid = running(C)['jid']
before = job(C, jid)
n0 = restarts(C, jid)
ex0 = len(ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))['exceptionHistory']['entries'])
req = ok('/clusters/%s/jobs/%s/resource-requirements' % (C, jid))
vid = before['vertices'][1]['id']
req[vid]['parallelism']['upperBound'] = before['vertices'][1]['parallelism'] + 2
ok('/clusters/%s/jobs/%s/resource-requirements' % (C, jid), 'PUT', req)
assert job(C, jid)['state'] == 'RESTARTING'
# while it restarts, the requirements already are the new ones
assert ok('/clusters/%s/jobs/%s/resource-requirements' % (C, jid))[vid] == req[vid]
seen, d = follow(C, jid, before, 15)
assert [s[0] for s in seen] == ['RESTARTING'] * 2 + ['RUNNING'] * 4 and all(s[2] == 0 for s in seen), seen
v = next(x for x in d['vertices'] if x['id'] == vid)
assert v['parallelism'] == before['vertices'][1]['parallelism'] + 2 and v['tasks']['RUNNING'] == v['parallelism'], v
assert restarts(C, jid) == n0
assert len(ok('/clusters/%s/jobs/%s/exceptions' % (C, jid))['exceptionHistory']['entries']) == ex0
"
}

@test "a FAILED job restarted through /_sim is submitted again: a new start-time, RUNNING" {
    py "
C = 'inventory-sync'
j = next(x for x in ok('/_sim/jobs')['jobs'] if x['cluster'] == C)
assert j['state'] == 'FAILED', j
before = job(C, j['jid'])
assert sim('/jobs/%s/restart' % j['jid'])['state'] == 'RUNNING'
d = job(C, j['jid'])
assert d['start-time'] > before['start-time'] and d['end-time'] == -1, d
"
}
