#!/usr/bin/env bats
# The simulator inside a job: vertex metrics, back-pressure, checkpoints, exceptions and
# task manager metrics in the wire shapes of specs/FLINK-API.md for each cluster's Flink
# version, and the /_sim/jobs controls that fail, restart, choke and break a job.
# Run after `make flinktop-sim`: bats tests/integration/sim_job.bats

# The tests that only read share one simulator (file_sim); the ones that fail, restart or
# choke a job start their own. Every clock stands still: until() moves it. The Python
# checks run in one resident interpreter (k8s_pyd.bash).

load ../bats_speed
load k8s_pyd

setup_file() {
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

# file_sim: this test reads the file's simulator (--frozen --clock manual)
file_sim() {
    [ -n "$SIM_URL" ] && [ "$SIM_PID" = "$SIM_FILE_PID" ]
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
}

teardown() {
    sim_stop
}

# py CODE: Python with the simulator at hand. get(path, method, body) -> (status, json);
# ok(path) -> json of a 200; sim(path, method, body) -> json of a 200 control call;
# until(fn, seconds, what) polls fn until truthy, moving the simulator's clock 0.5 s
# between tries, for at most that many seconds of its time;
# running(cluster) -> the cluster's first RUNNING job from /_sim/jobs; version(cluster).
py() {
    pyd "
import json, os, sys, time, urllib.error, urllib.request
U = '$SIM_URL'
SCALE = float(os.environ.get('TEST_TIME_SCALE', '1'))
def get(path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(U + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def ok(path):
    s, b = get(path)
    assert s == 200, (path, s, b)
    return b
def sim(path, method='POST', body=None):
    s, b = get('/_sim' + path, method, body)
    assert s == 200 and b['ok'] is True, (path, s, b)
    return b
def until(fn, seconds, what):
    left = seconds * 1000
    while True:
        v = fn()
        if v:
            return v
        assert left > 0, 'not after %ss of the simulator\'s clock: %s' % (seconds, what)
        left -= 500
        sim('/clock', body={'advance_ms': 500})
def running(cluster):
    return next(j for j in ok('/_sim/jobs')['jobs']
                if j['cluster'] == cluster and j['state'] == 'RUNNING')
def version(cluster):
    return tuple(int(x) for x in ok('/clusters/%s/config' % cluster)['flink-version'].split('.')[:2])
def level(r):
    return 'ok' if r <= 0.10 else 'low' if r <= 0.5 else 'high'
$1"
}

FIVE=numRecordsInPerSecond,numRecordsOutPerSecond,busyTimeMsPerSecond,backPressuredTimeMsPerSecond,idleTimeMsPerSecond

@test "vertex metrics: bare arrays, every aggregation without agg, skew from 1.20, string values" {
    file_sim
    for c in production staging development; do
        py "
c = '$c'
v = version(c)
j = running(c)
base = '/clusters/%s/jobs/%s/vertices/' % (c, j['jid'])
five = '$FIVE'.split(',')
for vx in j['vertices']:
    agg = ok(base + vx['id'] + '/subtasks/metrics?get=$FIVE,noSuchMetric')
    assert isinstance(agg, list) and [m['id'] for m in agg] == five, agg
    want = {'id', 'min', 'max', 'avg', 'sum'} | ({'skew'} if v >= (1, 20) else set())
    for m in agg:
        assert set(m) == want, (c, m)
        for k in want - {'id'}:
            assert isinstance(m[k], (int, float)), (c, m)
        assert m['min'] <= m['avg'] <= m['max'] + 1e-9, m
        assert abs(m['avg'] * vx['parallelism'] - m['sum']) < 1e-6 * max(1, m['sum']), (m, vx)
    ids = [m['id'] for m in ok(base + vx['id'] + '/subtasks/metrics')]
    assert set(five) <= set(ids) and all(set(m) == {'id'} for m in ok(base + vx['id'] + '/subtasks/metrics'))
    one = ok(base + vx['id'] + '/metrics?get=0.numRecordsIn,0.busyTimeMsPerSecond,0.nope,99999.numRecordsIn')
    assert [m['id'] for m in one] == ['0.numRecordsIn', '0.busyTimeMsPerSecond'], one
    assert all(isinstance(m['value'], str) for m in one), one
    float(one[0]['value']), float(one[1]['value'])
    listed = ok(base + vx['id'] + '/metrics')
    assert len(listed) % vx['parallelism'] == 0 and '%d.numRecordsIn' % (vx['parallelism'] - 1) in [m['id'] for m in listed]
"
    done
}

@test "aggregated metrics answer only the requested aggregations; agg=skew on 1.18 is 400" {
    file_sim
    py "
for c in ('production', 'staging', 'development'):
    j = running(c)
    path = '/clusters/%s/jobs/%s/vertices/%s/subtasks/metrics?get=busyTimeMsPerSecond,idleTimeMsPerSecond' % (c, j['jid'], j['vertices'][1]['id'])
    got = ok(path + '&agg=max,AVG')
    assert [sorted(m) for m in got] == [['avg', 'id', 'max']] * 2, got
    got = ok(path + '&agg=sum&subtasks=0')
    assert [sorted(m) for m in got] == [['id', 'sum']] * 2, got
    s, b = get(path + '&agg=skew')
    if version(c) >= (1, 20):
        assert s == 200 and all(set(m) == {'id', 'skew'} and 0 <= m['skew'] <= 100 for m in b), (c, b)
    else:
        assert s == 400 and isinstance(b['errors'][0], str), (c, s, b)
    s, b = get(path + '&agg=median')
    assert s == 400, (c, s, b)
"
}

@test "records flow along the chain: what a vertex emits the next one receives" {
    file_sim
    py "
for c in ('production', 'staging', 'development'):
    for j in ok('/_sim/jobs')['jobs']:
        if j['cluster'] != c or j['state'] != 'RUNNING':
            continue
        sums = []
        for vx in j['vertices']:
            m = ok('/clusters/%s/jobs/%s/vertices/%s/subtasks/metrics?get=numRecordsInPerSecond,numRecordsOutPerSecond&agg=sum' % (c, j['jid'], vx['id']))
            sums.append({x['id']: x['sum'] for x in m})
        assert sums[0]['numRecordsInPerSecond'] == 0, sums  # sources read nothing over the network
        assert sums[-1]['numRecordsOutPerSecond'] == 0, sums  # sinks write nothing
        for up, down in zip(sums, sums[1:]):
            assert abs(up['numRecordsOutPerSecond'] - down['numRecordsInPerSecond']) < 0.01 * max(1, up['numRecordsOutPerSecond']), (j['name'], sums)
        # and the job details' counters agree along the chain too
        job = ok('/clusters/%s/jobs/%s' % (c, j['jid']))
        for a, b in zip(job['vertices'], job['vertices'][1:]):
            assert abs(a['metrics']['write-records'] - b['metrics']['read-records']) <= 1, (a['metrics'], b['metrics'])
"
}

@test "back-pressure: one entry per subtask, levels from the ratio thresholds, names by version" {
    file_sim
    for c in production staging development; do
        py "
c = '$c'
j = running(c)
for vx in j['vertices']:
    bp = ok('/clusters/%s/jobs/%s/vertices/%s/backpressure' % (c, j['jid'], vx['id']))
    assert bp['status'] == 'ok' and bp['end-timestamp'] > 1e12, bp
    assert 'backpressureLevel' in bp and bp['backpressure-level'] == bp['backpressureLevel'], bp
    subs = bp['subtasks']
    assert [s['subtask'] for s in subs] == list(range(vx['parallelism'])), (vx, subs)
    for s in subs:
        assert set(s) == {'subtask', 'backpressureLevel', 'backpressure-level', 'ratio', 'idleRatio', 'busyRatio'}, s
        assert s['backpressureLevel'] == level(s['ratio']) == s['backpressure-level'], s
        assert abs(s['ratio'] + s['idleRatio'] + s['busyRatio'] - 1) < 1e-6, s
    assert bp['backpressureLevel'] == level(max(s['ratio'] for s in subs)), bp
# an unknown vertex has no metric store: deprecated, and nothing else
assert ok('/clusters/%s/jobs/%s/vertices/%s/backpressure' % (c, j['jid'], '0' * 32)) == {'status': 'deprecated'}
"
    done
}

@test "checkpoints: counts, summary with percentiles, latest, history newest first" {
    file_sim
    for c in production staging development; do
        py "
c = '$c'
j = running(c)
cp = ok('/clusters/%s/jobs/%s/checkpoints' % (c, j['jid']))
n = cp['counts']
assert set(n) == {'restored', 'total', 'completed', 'failed', 'in_progress'}, n
assert n['total'] == n['completed'] + n['failed'] + n['in_progress'] and n['completed'] > 0, n
for k in ('checkpointed_size', 'state_size', 'end_to_end_duration', 'alignment_buffered', 'processed_data', 'persisted_data'):
    s = cp['summary'][k]
    assert set(s) == {'min', 'max', 'avg', 'p50', 'p90', 'p95', 'p99', 'p999'}, s
    assert s['min'] <= s['avg'] <= s['max'] and s['p50'] <= s['p99'], (k, s)
assert set(cp['latest']) == {'completed', 'savepoint', 'failed', 'restored'}
done = cp['latest']['completed']
assert done['className'] == 'completed' and done['status'] == 'COMPLETED', done
assert done['external_path'] == 's3://flink-%s/checkpoints/%s/chk-%d' % (c, j['jid'], done['id']), done
h = cp['history']
assert 1 <= len(h) <= 10 and [x['id'] for x in h] == sorted((x['id'] for x in h), reverse=True), h
assert h[0]['id'] == done['id'] and h[0]['discarded'] is False, h[0]
for x in h:
    assert x['className'] in ('completed', 'failed', 'in_progress') and x['tasks'] == {}, x
    assert x['num_acknowledged_subtasks'] <= x['num_subtasks'] == sum(v['parallelism'] for v in j['vertices']), x
    if x['className'] == 'failed':
        assert x['failure_timestamp'] >= x['trigger_timestamp'] and x['failure_message'], x
"
    done
}

@test "checkpoint config differs by environment; the BATCH job's is 404 with the errors body" {
    file_sim
    py "
want = {'production': ('exactly_once', 60000, 'EmbeddedRocksDBStateBackend'),
        'staging': ('exactly_once', 30000, 'EmbeddedRocksDBStateBackend'),
        'development': ('at_least_once', 10000, 'HashMapStateBackend')}
for c, (mode, interval, backend) in want.items():
    j = running(c)
    cfg = ok('/clusters/%s/jobs/%s/checkpoints/config' % (c, j['jid']))
    assert (cfg['mode'], cfg['interval'], cfg['state_backend']) == (mode, interval, backend), cfg
    assert set(cfg['externalization']) == {'enabled', 'delete_on_cancellation'}, cfg
    for k in ('timeout', 'min_pause', 'max_concurrent', 'checkpoint_storage', 'unaligned_checkpoints',
              'tolerable_failed_checkpoints', 'aligned_checkpoint_timeout', 'checkpoints_after_tasks_finish',
              'state_changelog_enabled'):
        assert k in cfg, (k, cfg)
batch = next(j for j in ok('/clusters/production/jobs/overview')['jobs'] if j['state'] == 'FINISHED')
assert ok('/clusters/production/jobs/' + batch['jid'])['job-type'] == 'BATCH'
s, b = get('/clusters/production/jobs/%s/checkpoints/config' % batch['jid'])
assert s == 404 and b == {'errors': ['Checkpointing is not enabled for this job (%s).' % batch['jid']]}, (s, b)
s, b = get('/clusters/production/jobs/%s/checkpoints' % batch['jid'])
assert s == 404 and b == {'errors': ['Checkpointing has not been enabled.']}, (s, b)
"
}

@test "exceptions: 2.x shape on development, deprecated root fields and location on 1.x" {
    file_sim
    py "
for c in ('production', 'staging', 'development'):
    v = version(c)
    for j in ok('/_sim/jobs')['jobs']:
        if j['cluster'] != c:
            continue
        ex = ok('/clusters/%s/jobs/%s/exceptions' % (c, j['jid']))
        if v >= (2, 0):
            assert set(ex) == {'exceptionHistory'}, ex
        else:
            assert set(ex) == {'root-exception', 'timestamp', 'all-exceptions', 'truncated', 'exceptionHistory'}, ex
            assert (ex['root-exception'] is None) == (ex['exceptionHistory']['entries'] == []), ex
        for e in ex['exceptionHistory']['entries']:
            keys = {'exceptionName', 'stacktrace', 'timestamp', 'taskName', 'taskManagerId', 'failureLabels', 'concurrentExceptions'}
            keys |= {'endpoint'} if v >= (1, 19) else set()
            keys |= {'location'} if v < (2, 0) else set()
            assert set(e) == keys, (c, sorted(e))
            assert e['stacktrace'].startswith(e['exceptionName']) and '\n\tat ' in e['stacktrace'], e
# the failed staging job went through its restarts: a history, newest first, and a root cause
failed = next(j for j in ok('/clusters/staging/jobs/overview')['jobs'] if j['state'] == 'FAILED')
ex = ok('/clusters/staging/jobs/%s/exceptions' % failed['jid'])
ts = [e['timestamp'] for e in ex['exceptionHistory']['entries']]
assert len(ts) >= 2 and ts == sorted(ts, reverse=True), ts
assert 'Recovery is suppressed' in ex['root-exception'] and 'Caused by: ' in ex['root-exception'], ex['root-exception']
few = ok('/clusters/staging/jobs/%s/exceptions?maxExceptions=1' % failed['jid'])['exceptionHistory']
assert len(few['entries']) == 1 and few['truncated'] is True, few
"
}

@test "task managers: metrics by id (strings), aggregated (numbers), details with allocated slots" {
    file_sim
    py "
ids = 'Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,Status.JVM.CPU.Load,Status.JVM.Threads.Count,Status.JVM.GarbageCollector.All.TimeMsPerSecond,Status.JVM.Memory.Metaspace.Used'
for c in ('production', 'staging', 'development'):
    v = version(c)
    tms = ok('/clusters/%s/taskmanagers' % c)['taskmanagers']
    for tm in tms:
        got = ok('/clusters/%s/taskmanagers/%s/metrics?get=%s,nope' % (c, tm['id'], ids))
        want = ids.split(',') if v >= (2, 0) else [i for i in ids.split(',') if '.All.' not in i]
        assert [m['id'] for m in got] == want, (c, got)
        vals = {m['id']: m['value'] for m in got}
        assert all(isinstance(x, str) for x in vals.values()), vals
        assert 0 < int(vals['Status.JVM.Memory.Heap.Used']) < int(vals['Status.JVM.Memory.Heap.Max']), vals
        assert 0.0 <= float(vals['Status.JVM.CPU.Load']) <= 1.0, vals
        d = ok('/clusters/%s/taskmanagers/%s' % (c, tm['id']))
        assert d['id'] == tm['id'] and len(d['allocatedSlots']) == d['slotsNumber'] - d['freeSlots'], d
        assert d['metrics']['heapUsed'] == int(vals['Status.JVM.Memory.Heap.Used']), d['metrics']
        assert [g['name'] for g in d['metrics']['garbageCollectors']] == ['G1_Young_Generation', 'G1_Old_Generation']
    agg = ok('/clusters/%s/taskmanagers/metrics?get=Status.JVM.CPU.Load,Status.JVM.Memory.Heap.Used&agg=min,max,sum' % c)
    assert [sorted(m) for m in agg] == [['id', 'max', 'min', 'sum']] * 2, agg
    assert all(isinstance(m['max'], (int, float)) for m in agg), agg
s, b = get('/taskmanagers/no-such-tm')
assert s == 404 and 'no-such-tm' in b['errors'][0], (s, b)
assert ok('/taskmanagers/no-such-tm/metrics?get=Status.JVM.CPU.Load') == []
# %-escapes in the id are decoded
assert ok('/taskmanagers/production%2Dtaskmanager-1-1')['id'] == 'production-taskmanager-1-1'
"
}

@test "fail: FAILED in /jobs/overview with a new exception entry; restart: RUNNING with a new start-time" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    py "
for c in ('production', 'staging', 'development'):
    j = running(c)
    jid = j['jid']
    before = ok('/clusters/%s/jobs/%s' % (c, jid))
    n = len(ok('/clusters/%s/jobs/%s/exceptions' % (c, jid))['exceptionHistory']['entries'])
    assert sim('/jobs/%s/fail' % jid)['state'] == 'FAILED'
    state = {x['jid']: x['state'] for x in ok('/clusters/%s/jobs/overview' % c)['jobs']}
    assert state[jid] == 'FAILED', state
    entries = ok('/clusters/%s/jobs/%s/exceptions' % (c, jid))['exceptionHistory']['entries']
    assert len(entries) == n + 1, (n, entries)
    e = entries[0]
    assert e['stacktrace'].startswith(e['exceptionName'] + ': ') and '\n\tat org.apache.flink.' in e['stacktrace'], e
    assert e['timestamp'] == ok('/clusters/%s/jobs/%s' % (c, jid))['timestamps']['FAILED'], e
    assert ok('/clusters/%s/jobs/%s/vertices/%s/backpressure' % (c, jid, j['vertices'][0]['id'])) == {'status': 'deprecated'}
    s, b = get('/_sim/jobs/%s/fail' % jid, 'POST')
    assert s == 409, (s, b)
    assert sim('/jobs/%s/restart' % jid)['state'] == 'RUNNING'
    after = ok('/clusters/%s/jobs/%s' % (c, jid))
    assert after['state'] == 'RUNNING' and after['start-time'] > before['start-time'] and after['end-time'] == -1, after
    # subtasks come up, then the fetcher sees them again
    until(lambda: all(v['status'] == 'RUNNING' for v in ok('/clusters/%s/jobs/%s' % (c, jid))['vertices']), 10, 'subtasks RUNNING')
    until(lambda: ok('/clusters/%s/jobs/%s/vertices/%s/backpressure' % (c, jid, j['vertices'][0]['id']))['status'] == 'ok', 20, 'metrics after restart')
    assert ok('/clusters/%s/jobs/%s/checkpoints' % (c, jid))['latest']['restored'] is not None
"
}

@test "bottleneck: upstream back-pressure high, the bottleneck busy, at once; DELETE clears it" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    py "
for c in ('production', 'staging', 'development'):
    j = running(c)
    vs = j['vertices']
    b = len(vs) - 2  # the vertex before the sink: everything before it is upstream
    got = sim('/jobs/%s/bottleneck' % j['jid'], body={'vertex': b})
    assert got['vertexId'] == vs[b]['id'], got
    assert next(x for x in ok('/_sim/jobs')['jobs'] if x['jid'] == j['jid'])['bottleneck'] == b
    bp = lambda v: ok('/clusters/%s/jobs/%s/vertices/%s/backpressure' % (c, j['jid'], vs[v]['id']))
    for v in range(b):
        up = bp(v)
        assert up['backpressureLevel'] == 'high' and all(s['ratio'] > 0.6 for s in up['subtasks']), up
        m = ok('/clusters/%s/jobs/%s/vertices/%s/subtasks/metrics?get=backPressuredTimeMsPerSecond&agg=min' % (c, j['jid'], vs[v]['id']))
        assert m[0]['min'] > 600, m
    choke = bp(b)
    assert all(s['busyRatio'] > 0.9 and s['ratio'] == 0 for s in choke['subtasks']), choke
    m = ok('/clusters/%s/jobs/%s/vertices/%s/subtasks/metrics?get=busyTimeMsPerSecond&agg=min' % (c, j['jid'], vs[b]['id']))
    assert m[0]['min'] >= 950, m
    assert bp(b + 1)['backpressureLevel'] == 'ok'
    sim('/jobs/%s/bottleneck' % j['jid'], 'DELETE')
    assert next(x for x in ok('/_sim/jobs')['jobs'] if x['jid'] == j['jid'])['bottleneck'] is None
    s, body = get('/_sim/jobs/%s/bottleneck' % j['jid'], 'POST', {'vertex': 99})
    assert s == 400, (s, body)
"
}

@test "checkpoint-failures count 1: counts.failed grows and latest.failed carries the cause" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    py "
for c in ('production', 'staging', 'development'):
    j = running(c)
    path = '/clusters/%s/jobs/%s/checkpoints' % (c, j['jid'])
    before = ok(path)
    sim('/jobs/%s/checkpoint-failures' % j['jid'], body={'count': 1})
    after = until(lambda: (lambda cp: cp if cp['counts']['failed'] == before['counts']['failed'] + 1 else None)(ok(path)), 10, 'a failed checkpoint')
    f = after['latest']['failed']
    assert f['className'] == 'failed' and f['status'] == 'FAILED' and f['failure_message'], f
    assert f['id'] > before['counts']['total'] - 1 and after['history'][0]['id'] == f['id'], (f, after['history'][0])
    assert after['counts']['total'] == before['counts']['total'] + 1, (before['counts'], after['counts'])
    # frozen: nothing else triggers, so the counts stay put
    assert ok(path)['counts'] == after['counts']
"
}

@test "the control API: unknown job 404, bad bodies 400, BATCH restart 409, GET /_sim/jobs lists all" {
    file_sim
    py "
jobs = ok('/_sim/jobs')['jobs']
assert len(jobs) == 12 and {j['cluster'] for j in jobs} == {'production', 'staging', 'development'}, jobs
for action in ('fail', 'restart', 'bottleneck', 'checkpoint-failures'):
    s, b = get('/_sim/jobs/%s/%s' % ('0' * 32, action), 'POST', {})
    assert s == 404 and b['errors'], (action, s, b)
j = running('staging')
for action, body in (('bottleneck', {}), ('bottleneck', {'vertex': -1}), ('checkpoint-failures', {'count': 'x'})):
    s, b = get('/_sim/jobs/%s/%s' % (j['jid'], action), 'POST', body)
    assert s == 400, (action, body, s, b)
s, b = get('/_sim/jobs/%s/fail' % j['jid'], 'GET')
assert s == 405, (s, b)
batch = next(x for x in jobs if x['cluster'] == 'production' and x['state'] == 'FINISHED')
s, b = get('/_sim/jobs/%s/restart' % batch['jid'], 'POST')
assert s == 409, (s, b)
"
}

@test "metric values hold between fetches and the fetcher needs a step after a restart" {
    sim_start --clusters 3 --jobs 4 --clock manual
    py "
j = running('production')
path = '/jobs/%s/vertices/%s/' % (j['jid'], j['vertices'][1]['id'])
for _ in range(3):
    a, bp1 = ok(path + 'subtasks/metrics?get=$FIVE'), ok(path + 'backpressure')
    b, bp2 = ok(path + 'subtasks/metrics?get=$FIVE'), ok(path + 'backpressure')
    if bp1['end-timestamp'] == bp2['end-timestamp']:
        assert a == b and bp1 == bp2, (a, b)
    assert (bp2['end-timestamp'] - bp1['end-timestamp']) % 10000 == 0  # one 10 s grid
sim('/jobs/%s/restart' % j['jid'])
assert ok(path + 'backpressure') == {'status': 'deprecated'}
assert ok(path + 'subtasks/metrics?get=$FIVE') == []
"
}

@test "--parallelism 512 and --jobs 20: every vertex has 512 subtasks, back-pressure lists them" {
    sim_start --frozen --clock manual --parallelism 512 --jobs 20
    py "
jobs = ok('/_sim/jobs')['jobs']
assert len(jobs) == 60, len(jobs)
for c in ('production', 'staging', 'development'):
    ov = ok('/clusters/%s/overview' % c)
    assert 0 <= ov['slots-available'] <= ov['slots-total'], ov
    assert len(ok('/clusters/%s/jobs/overview' % c)['jobs']) == 20
j = running('production')
assert all(v['parallelism'] == 512 for v in j['vertices']), j
vx = j['vertices'][-1]
bp = ok('/jobs/%s/vertices/%s/backpressure' % (j['jid'], vx['id']))
assert [s['subtask'] for s in bp['subtasks']] == list(range(512))
m = ok('/jobs/%s/vertices/%s/subtasks/metrics?get=busyTimeMsPerSecond&agg=min,max' % (j['jid'], vx['id']))
assert len(m) == 1 and m[0]['min'] <= m[0]['max'], m
"
}
