#!/usr/bin/env bats
# The simulator's Flink Web UI drill-downs: a vertex's subtasks, task managers, times and
# watermarks, checkpoint details, the job's configuration and plan, the job manager's and
# the jobs' metrics, savepointFormat; each agreeing with what /jobs/:jid, /taskmanagers
# and /overview say at the same moment.
# Run after `make flinktop-sim`: bats tests/integration/sim_rest.bats

# The Python checks run in one resident interpreter (k8s_pyd.bash, used by sim_py.bash).
load ../bats_speed
load k8s_pyd

setup_file() {
    pyd_start
}

teardown_file() {
    pyd_stop
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    . tests/integration/sim_py.bash
}

teardown() {
    sim_stop
}

@test "vertex details: one subtask per parallelism, on the task managers /taskmanagers lists, states as /jobs/:jid counts them" {
    sim_start --clusters 3 --jobs 4 --frozen
    for i in 0 1 2; do
        py "
c = clusters()[$i]
v = version(c)
j = running(c)
base = '/clusters/%s/jobs/%s' % (c, j['jid'])
tms = {t['id'] for t in ok('/clusters/%s/taskmanagers' % c)['taskmanagers']}
job = ok(base)
for vx in job['vertices']:
    d = ok(base + '/vertices/' + vx['id'])
    assert d['id'] == vx['id'] and d['name'] == vx['name'], d
    assert d['parallelism'] == vx['parallelism'] == len(d['subtasks']), (vx, d)
    assert [s['subtask'] for s in d['subtasks']] == list(range(vx['parallelism']))
    states = {}
    for s in d['subtasks']:
        assert s['taskmanager-id'] in tms, (s['taskmanager-id'], tms)
        states[s['status']] = states.get(s['status'], 0) + 1
        assert ('endpoint' in s) == (v >= (1, 19)) and ('host' in s) == (v < (2, 0)), s
        assert s['duration'] >= 0 and s['start-time'] > 0, s
    assert states == {k: n for k, n in vx['tasks'].items() if n > 0}, (states, vx['tasks'])
    assert ('aggregated' in d) == (v >= (1, 16)), d.keys()
    total = sum(s['metrics']['write-records'] for s in d['subtasks'])
    assert abs(total - vx['metrics']['write-records']) <= vx['parallelism'], (total, vx['metrics'])
    one = ok(base + '/vertices/%s/subtasks/0' % vx['id'])
    assert one == d['subtasks'][0] or one['subtask'] == 0, one
    again = ok(base + '/vertices/%s/subtasks/0/attempts/%d' % (vx['id'], one['attempt']))
    assert again['attempt'] == one['attempt'] and again['taskmanager-id'] == one['taskmanager-id']
    assert get(base + '/vertices/%s/subtasks/%d' % (vx['id'], vx['parallelism']))[0] == 404
"
    done
}

@test "a vertex's task managers add up to its parallelism, its times and watermarks cover every subtask" {
    sim_start --clusters 3 --jobs 4 --frozen
    py "
c = clusters()[0]
j = running(c)
base = '/clusters/%s/jobs/%s/vertices/' % (c, j['jid'])
tms = {t['id'] for t in ok('/clusters/%s/taskmanagers' % c)['taskmanagers']}
for vx in j['vertices']:
    t = ok(base + vx['id'] + '/taskmanagers')
    assert t['id'] == vx['id'] and t['taskmanagers'], t
    assert sum(sum(e['status-counts'].values()) for e in t['taskmanagers']) == vx['parallelism']
    assert {e['taskmanager-id'] for e in t['taskmanagers']} <= tms
    times = ok(base + vx['id'] + '/subtasktimes')
    assert len(times['subtasks']) == vx['parallelism']
    for s in times['subtasks']:
        ts = s['timestamps']
        assert 0 < ts['CREATED'] <= ts['SCHEDULED'] <= ts['DEPLOYING'] <= ts['INITIALIZING'] <= ts['RUNNING'], ts
    wm = until(lambda: ok(base + vx['id'] + '/watermarks'), 15, 'the first metric fetch')
    assert [m['id'] for m in wm] == ['%d.currentInputWatermark' % i for i in range(vx['parallelism'])], wm
    int(wm[0]['value'])
    acc = ok(base + vx['id'] + '/accumulators')
    assert acc == {'id': vx['id'], 'user-accumulators': []}, acc
"
}

@test "checkpoint details: the latest completed checkpoint's tasks are the job's vertices, all acknowledged" {
    sim_start --clusters 3 --jobs 4 --frozen
    for i in 0 2; do
        py "
c = clusters()[$i]
j = running(c)
base = '/clusters/%s/jobs/%s/checkpoints' % (c, j['jid'])
cps = ok(base)
latest = cps['latest']['completed']
d = ok(base + '/details/%d' % latest['id'])
assert d['id'] == latest['id'] and d['status'] == 'COMPLETED', d
assert set(d['tasks']) == {vx['id'] for vx in j['vertices']}, d['tasks'].keys()
assert sum(t['num_subtasks'] for t in d['tasks'].values()) == d['num_subtasks']
for vx in j['vertices']:
    s = ok(base + '/details/%d/subtasks/%s' % (latest['id'], vx['id']))
    assert s['num_subtasks'] == vx['parallelism'] == s['num_acknowledged_subtasks'], s
    assert [x['status'] for x in s['subtasks']] == ['completed'] * vx['parallelism'], s
assert get(base + '/details/1')[0] == 404
"
    done
}

@test "job config, plan and status agree with the job; /jobs/metrics and /jobmanager/metrics with the rest" {
    sim_start --clusters 3 --jobs 4 --frozen
    py "
c = clusters()[0]
j = running(c)
base = '/clusters/%s/jobs/%s' % (c, j['jid'])
cfg = ok(base + '/config')
assert cfg['jid'] == j['jid'] and cfg['name'] == j['name'], cfg
assert cfg['execution-config']['job-parallelism'] == max(v['parallelism'] for v in j['vertices'])
plan = ok(base + '/plan')['plan']
assert [n['id'] for n in plan['nodes']] == [v['id'] for v in j['vertices']], plan
assert ok(base + '/status') == {'status': 'RUNNING'}
ov = ok('/clusters/%s/overview' % c)
jm = {m['id']: m['value'] for m in ok('/clusters/%s/jobmanager/metrics?get=numRegisteredTaskManagers,numRunningJobs,taskSlotsTotal' % c)}
assert jm == {'numRegisteredTaskManagers': str(ov['taskmanagers']), 'numRunningJobs': str(ov['jobs-running']),
              'taskSlotsTotal': str(ov['slots-total'])}, (jm, ov)
running_jobs = [x['jid'] for x in ok('/_sim/jobs')['jobs'] if x['cluster'] == c and x['state'] not in ('FAILED', 'FINISHED', 'CANCELED')]
per = [float(ok('/clusters/%s/jobs/%s/metrics?get=numRestarts' % (c, jid))[0]['value']) for jid in running_jobs]
agg = ok('/clusters/%s/jobs/metrics?get=numRestarts&agg=sum,max' % c)
assert agg == [{'id': 'numRestarts', 'max': max(per), 'sum': sum(per)}], (agg, per)
ids = {m['id'] for m in ok('/clusters/%s/jobs/metrics' % c)}
assert {'numRestarts', 'uptime', 'lastCheckpointDuration'} <= ids, ids
assert ok('/clusters/%s/jars' % c)['files'] == [] and ok('/clusters/%s/datasets' % c) == {'dataSets': []}
"
}

@test "savepointFormat: CANONICAL on a savepoint and null on a checkpoint from 1.17, absent before" {
    sim_start --frozen --clusters 9 --action-steps-ms 100
    py "
names = clusters()
new = next(c for c in names if version(c) >= (1, 17))
old = next(c for c in names if version(c) < (1, 17))
for c, has in ((new, True), (old, False)):
    j = running(c)
    base = '/clusters/%s/jobs/%s' % (c, j['jid'])
    s, t = get(base + '/savepoints', 'POST', {'target-directory': 's3://sp/' + c})
    assert s == 202, (s, t)
    def done():
        b = ok(base + '/checkpoints')
        return b['latest']['savepoint']
    sp = until(done, 10, 'the savepoint of ' + c)
    cp = ok(base + '/checkpoints')['latest']['completed']
    if has:
        assert sp['savepointFormat'] == 'CANONICAL' and cp['savepointFormat'] is None, (sp, cp)
    else:
        assert 'savepointFormat' not in sp and 'savepointFormat' not in cp, (sp, cp)
"
}
