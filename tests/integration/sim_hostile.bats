#!/usr/bin/env bats
# --hostile-names on the default fleet: every string a server sends can attack a terminal,
# so the fleet serves job names, vertex names and exception messages with escape and OSC
# sequences, C1 controls, bidi embeddings, overrides and isolates, zero-width characters,
# NUL (as \u0000), invalid UTF-8 and a 2 KiB name, in the Flink REST answers and in the
# FlinkDeployments' status. Without the flag there are none.
# Run after `make flinktop-sim`: bats tests/integration/sim_hostile.bats

# the interpreter resolved once for the file (a version manager's shim costs half a
# second of CPU a start here)
load ../bats_speed

setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
}

teardown() {
    sim_stop
}

# py CODE: raw(path) -> the body's bytes; ok(path) -> its JSON, invalid UTF-8 kept as
# surrogate escapes (U+DC80..U+DCFF) so a test can see it; clusters() -> the fleet's names.
py() {
    "$PY" -c "
import json, urllib.request
U = '$SIM_URL'
def raw(path):
    with urllib.request.urlopen(U + path, timeout=10) as r:
        assert r.status == 200, path
        return r.read()
def ok(path):
    return json.loads(raw(path).decode('utf-8', 'surrogateescape'))
def clusters():
    return sorted({j['cluster'] for j in ok('/_sim/jobs')['jobs']})
def names():
    out = []
    for c in clusters():
        out += [(c, j) for j in ok('/clusters/%s/jobs/overview' % c)['jobs']]
    return out
$1"
}

@test "the default fleet with --hostile-names serves hostile job names, vertex names and exception messages" {
    sim_start --frozen --clock manual --hostile-names
    py "
jobs = names()
assert len(jobs) >= 12, len(jobs)
text = ''.join(j['name'] for _, j in jobs)
for ch in ['\x1b', '\x00', '\x07', '\r', '\n', '\b', '\t', '\u009b'] + [chr(c) for c in range(0x202a, 0x202f)] + \
        [chr(c) for c in range(0x2066, 0x206a)] + ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']:
    assert ch in text, 'no %r in the job names' % ch
assert '\x1b]0;' in text and '\x1b]8;;' in text, 'no OSC sequence'
# invalid UTF-8 arrives as it is: a lone continuation byte, 0xFF, a cut sequence, an overlong '/'
assert all(b in text for b in ('\udc80', '\udcff', '\udcc0\udcaf')), 'no invalid UTF-8'
assert max(len(j['name']) for _, j in jobs) >= 2000
# NUL goes out as the JSON escape, never as a raw byte
body = b''.join(raw('/clusters/%s/jobs/overview' % c) for c in clusters())
assert b'\\\\u0000' in body and b'\x00' not in body and b'\xff\xfe' in body
# vertex names: in job details and the plan
c, j = next((c, j) for c, j in jobs if j['state'] == 'RUNNING')
d = ok('/clusters/%s/jobs/%s' % (c, j['jid']))
assert d['name'] == j['name'] and any('\x1b' in v['name'] or '\u202e' in v['name'] or '\u200b' in v['name'] or '\udcff' in v['name'] for v in d['vertices']), d['vertices']
vnames = ''.join(v['name'] for _, j in jobs for v in ok('/clusters/%s/jobs/%s' % (_, j['jid']))['vertices'])
assert '\x1b[2J' in vnames and '\u202e' in vnames and '\x00' in vnames and '\udcff' in vnames, 'vertex names not hostile'
# exception messages: the failed job's history, first line of each trace
failed = [(c, j) for c, j in jobs if j['state'] == 'FAILED']
assert failed, 'no FAILED job in the fleet'
c, j = failed[0]
entries = ok('/clusters/%s/jobs/%s/exceptions' % (c, j['jid']))['exceptionHistory']['entries']
first = [e['stacktrace'].split('\n\tat ')[0] for e in entries]
assert entries and any('\x1b[' in f for f in first) and any('\u202e' in f or '\udcff' in f for f in first), first
# the operator writes the job's name into the FlinkDeployment's status too
fd = ok('/apis/flink.apache.org/v1beta1/namespaces/flink-production/flinkdeployments/real-time-analytics')
assert fd['status']['jobStatus']['jobName'] == next(j['name'] for c, j in jobs if c == 'real-time-analytics')
assert '\x1b' in fd['status']['jobStatus']['jobName']
"
}

@test "the default fleet without --hostile-names has no control characters, bidi controls or invalid UTF-8" {
    sim_start --frozen --clock manual
    py "
import unicodedata
for c, j in names():
    d = ok('/clusters/%s/jobs/%s' % (c, j['jid']))
    strings = [j['name']] + [v['name'] for v in d['vertices']]
    strings += [e['stacktrace'].split('\n')[0] for e in ok('/clusters/%s/jobs/%s/exceptions' % (c, j['jid']))['exceptionHistory']['entries']]
    for s in strings:
        bad = [ch for ch in s if unicodedata.category(ch) in ('Cc', 'Cf', 'Cs')]
        assert not bad and len(s) < 300, (c, s, bad)
"
}
