#!/usr/bin/env bats
# The simulator's logs: the JobManager's and task managers' log files over Flink REST and
# the pods' container logs over the Kubernetes API grow by the simulator's clock, read the
# same on every request, carry a failing job's stack trace, and answer tailLines,
# sinceSeconds, previous (after an injected OOMKill) and follow (a chunked stream).
# Run after `make flinktop-sim`: bats tests/integration/sim_logs.bats

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

# A log4j line as Flink's default pattern writes it.
LINE='^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO |WARN |ERROR|DEBUG) '

@test "a task manager's log grows by the simulator's clock and what was written stays the same" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    sim_mid_hour # not a current file just rolled, nor one about to
    py "
tm = ok('/taskmanagers')['taskmanagers'][0]['id']
s, h, first = text('/taskmanagers/%s/log' % tm)
assert s == 200 and h['Content-Type'].startswith('text/plain'), (s, h)
lines = first.splitlines()
# Every line is a log4j line, but for the stack traces of failures written in.
stamped = [l for l in lines if re.match(r'$LINE', l)]
assert len(lines) > 10 and len(stamped) >= 0.8 * len(lines), lines[:3]
assert re.match(r'$LINE', lines[0]) and re.match(r'$LINE', lines[-1]), (lines[0], lines[-1])
def grown():
    s, h, now = text('/taskmanagers/%s/log' % tm)
    return now if len(now.splitlines()) >= len(lines) + 2 else None
later = until(grown, 10, 'two more lines', 1000)
assert later.startswith(first), 'the log was rewritten'
listing = ok('/taskmanagers/%s/logs' % tm)['logs']
assert listing[0]['name'] == 'taskmanager.log' and listing[0]['size'] >= len(first), listing
s, h, named = text('/taskmanagers/%s/logs/taskmanager.log' % tm)
assert s == 200 and named.startswith(first), named[:200]
assert text('/taskmanagers/%s/logs/nope.log' % tm)[0] == 404
assert text('/taskmanagers/%s/stdout' % tm)[0] == 200
dump = ok('/taskmanagers/%s/thread-dump' % tm)['threadInfos']
assert any(t['threadName'] == 'main' for t in dump), dump
assert get('/taskmanagers/no-such-tm/log')[0] == 404
"
}

@test "the JobManager's log carries a failing job's stack trace at the time it failed" {
    sim_start --clusters 3 --jobs 4 --frozen
    py "
j = running(clusters()[0])
sim('/jobs/%s/fail' % j['jid'])
def failed():
    s, h, log = text('/jobmanager/log')
    return log if ('Job %s (%s) switched from state RUNNING to FAILING.' % (j['name'], j['jid'])) in log else None
log = until(failed, 10, 'the failure in the log')
assert '\tat org.apache.flink' in log and 'Exception' in log, log[-2000:]
assert [l['name'] for l in ok('/jobmanager/logs')['logs']][0] == 'jobmanager.log'
assert ok('/jobmanager/thread-dump')['threadInfos']
"
}

@test "pod logs: tailLines, sinceSeconds, limitBytes, a wrong container, an unknown pod" {
    sim_start --clusters 3 --jobs 4 --frozen
    py "
c = clusters()[0]
ns, tm = pods(c, 'taskmanager')[0]
_, jm = pods(c, 'jobmanager')[0]
P = '/api/v1/namespaces/%s/pods/' % ns
s, h, tail = text(P + tm + '/log?tailLines=5&container=flink-main-container')
assert s == 200 and len(tail.splitlines()) == 5, (s, tail)
s, h, full = text(P + tm + '/log')
assert s == 200 and len(full.splitlines()) > 20, (s, full[:200])
assert tail in full, (tail, full[-1000:])
s, h, recent = text(P + jm + '/log?sinceSeconds=4')
s2, h2, whole = text(P + jm + '/log')
assert 0 < len(recent.splitlines()) < len(whole.splitlines()), (len(recent), len(whole))
s, h, head = text(P + tm + '/log?limitBytes=100')
assert s == 200 and len(head.encode()) == 100 and full.startswith(head), head
assert text(P + tm + '/log?container=sidecar')[0] == 400
assert get(P + 'no-such-pod/log')[0] == 404
s, b = get(P + tm + '/log?previous=true')
assert s == 400 and 'previous terminated container' in b['message'], b
"
}

@test "previous=true after an OOMKill: the dead container's last lines, and the new one starts over" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    py "
c = clusters()[0]
ns, tm = pods(c, 'taskmanager')[0]
P = '/api/v1/namespaces/%s/pods/' % ns
# its last lines before the kill (the whole log of a days-old pod is megabytes)
s, h, before = text(P + tm + '/log?tailLines=5')
assert s == 200 and before, (s, before)
sim('/k8s/%s/%s/oom' % (ns, c))
pod = ok(P + tm)
cs = pod['status']['containerStatuses'][0]
assert cs['lastState']['terminated']['reason'] == 'OOMKilled', cs
died = cs['lastState']['terminated']['finishedAt'].replace('T', ' ').rstrip('Z')
s, h, prev = text(P + tm + '/log?previous=true&tailLines=20')
assert s == 200 and len(prev.splitlines()) == 20, (s, prev)
assert all(l[:19] <= died for l in prev.splitlines() if re.match(r'$LINE', l)), (died, prev)
assert before.splitlines()[-1][:19] <= died
def restarted():
    s, h, cur = text(P + tm + '/log')
    return cur if 'Starting Kubernetes TaskExecutor runner' in cur else None
cur = until(restarted, 10, 'the new container\'s first lines', 1000)
assert cur.splitlines()[0][:19] >= died, (died, cur[:300])
"
}

@test "follow=true streams new lines as they come due, chunked" {
    sim_start --clusters 3 --jobs 4 --frozen
    py "
import http.client, urllib.parse
u = urllib.parse.urlsplit(U)
ns, tm = pods(clusters()[0], 'taskmanager')[0]
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10 * SCALE)
c.request('GET', '/api/v1/namespaces/%s/pods/%s/log?follow=true&tailLines=1' % (ns, tm))
r = c.getresponse()
assert r.status == 200 and r.getheader('Transfer-Encoding') == 'chunked', r.getheaders()
got = []
end = time.monotonic() + 10 * SCALE
while len(got) < 4:
    assert time.monotonic() < end, 'no new lines: %r' % got
    line = r.fp.readline().decode()
    if re.match(r'$LINE', line):
        got.append(line)
assert got == sorted(got), got
assert len({l[:23] for l in got}) == 4, got
c.close()
"
}
