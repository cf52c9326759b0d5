# Sourced by the simulated operator's bats files (sim_lifecycle.bats, sim_operator.bats,
# sim_create.bats): `lpy CODE` runs a whole test in one Python run, so a test that moves
# the manual clock forty steps and looks at five endpoints a step pays for one interpreter
# start, not two hundred (on a busy machine each start costs seconds; a request to the
# simulator a millisecond), and for none where the file keeps a resident interpreter
# (k8s_pyd.bash's pyd_start in setup_file). The helpers:
#   req(method, path, body=None, ctype=None) -> (status, json or text)
#   ok(path) -> json of a 200; advance(ms) moves a --clock manual simulator
#   pick(pred) sets NS, NAME, JID of the first FlinkDeployment d with a job where pred(d)
#   patch_fd(patch, expect=200) merge-patches it
#   observe() appends one line for the current step to TRACE:
#     [lifecycle, jmStatus, reconciliationState, jobId, jobState, pods, service yes/no,
#      REST code through the simulator's /clusters/NAME]
#   run_until(pred, n) observes, moving the clock STEP_MS at a time, until pred(l, seen)
#     (l: the latest line, seen: every lifecycle state so far); at most n steps
#   seq_of(i) the distinct consecutive values of trace field i, space separated
#   pods_of() {name: (uid, creationTimestamp, component)} of NAME's pods
#   pods_recreated(a, b) asserts the pods of b are all new and the JobManager renamed
#   events_of() the operator's events on NAME, in order: "reason|component|message"
#   vertex_parallelism(jid), restored_path(jid)
# Assertions fail the test (python exits non-zero with the trace shown).
lpy() {
    local run=("${PY:-python3}" -c)
    [ -z "${PYD_PORT:-}" ] || run=(pyd)
    "${run[@]}" "
import json, os, sys, urllib.error, urllib.request
U = sys.argv[2]
FD = '/apis/flink.apache.org/v1beta1'
STEP_MS = int(sys.argv[3])
NS = NAME = JID = None
TRACE = []

def req(method, path, body=None, ctype=None):
    data = None
    if body is not None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    r = urllib.request.Request(U + path, data=data, method=method)
    if ctype:
        r.add_header('Content-Type', ctype)
    try:
        with urllib.request.urlopen(r, timeout=30) as f:
            raw, status = f.read(), f.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors='replace')

def ok(path):
    s, b = req('GET', path)
    assert s == 200, (path, s, b)
    return b

def advance(ms):
    s, b = req('POST', '/_sim/clock', {'advance_ms': ms})
    assert s == 200, (s, b)

def fd_path(ns=None, name=None):
    return '%s/namespaces/%s/flinkdeployments/%s' % (FD, ns or NS, name or NAME)

def fd():
    return ok(fd_path())

def pick(pred):
    global NS, NAME, JID
    for d in ok(FD + '/flinkdeployments')['items']:
        if d['spec'].get('job') and pred(d):
            NS, NAME = d['metadata']['namespace'], d['metadata']['name']
            JID = d['status']['jobStatus']['jobId']
            return d
    raise AssertionError('no FlinkDeployment fits')

def patch_fd(patch, expect=200):
    s, b = req('PATCH', fd_path(), patch, 'application/merge-patch+json')
    assert s == expect, (s, b)
    return b

def observe():
    st = fd()['status']
    js = st.get('jobStatus') or {}
    pods = [p for p in ok('/api/v1/namespaces/%s/pods' % NS)['items']
            if p['metadata']['labels'].get('app') == NAME]
    svc = any(s['metadata']['name'] == NAME + '-rest'
              for s in ok('/api/v1/namespaces/%s/services' % NS)['items'])
    code, _ = req('GET', '/clusters/%s/jobs/overview' % NAME)
    l = [st['lifecycleState'], st['jobManagerDeploymentStatus'],
         st['reconciliationStatus']['state'], js.get('jobId') or '-', js.get('state') or '-',
         str(len(pods)),
         'yes' if svc else 'no', str(code)]
    TRACE.append(l)
    return l

def show_trace():
    return '\n'.join(' '.join(l) for l in TRACE)

def run_until(pred, n):
    for _ in range(n + 1):
        l = observe()
        if pred(l, {x[0] for x in TRACE}):
            return l
        advance(STEP_MS)
    raise AssertionError('run_until: not reached; trace:\n' + show_trace())

def seq_of(i):
    out = []
    for l in TRACE:
        if not out or out[-1] != l[i]:
            out.append(l[i])
    return ' '.join(out)

def pods_of():
    return {p['metadata']['name']: (p['metadata']['uid'], p['metadata']['creationTimestamp'],
                                    p['metadata']['labels']['component'])
            for p in ok('/api/v1/namespaces/%s/pods' % NS)['items']
            if p['metadata']['labels'].get('app') == NAME}

def pods_recreated(a, b):
    assert b, 'no pods after the upgrade'
    assert not {v[0] for v in a.values()} & {v[0] for v in b.values()}, (a, b)
    jm_a = [n for n, v in a.items() if v[2] == 'jobmanager']
    jm_b = [n for n, v in b.items() if v[2] == 'jobmanager']
    assert len(jm_b) == 1 and jm_a != jm_b, (jm_a, jm_b)
    assert any(v[2] == 'taskmanager' for v in b.values()), b

def events_of(kind='FlinkDeployment', name=None):
    name = name or NAME
    uid = None
    es = [e for e in ok('/api/v1/namespaces/%s/events' % NS)['items']
          if e['involvedObject']['kind'] == kind and e['involvedObject']['name'] == name]
    if kind == 'FlinkDeployment':
        uid = fd()['metadata']['uid']
        assert all(e['involvedObject']['uid'] == uid and e['involvedObject']['namespace'] == NS
                   and e['involvedObject']['apiVersion'] == 'flink.apache.org/v1beta1'
                   for e in es), es
    es.sort(key=lambda e: e['firstTimestamp'])
    return [e['reason'] + '|' + e['source']['component'] + '|' + e['message'] for e in es]

def in_order(lines, want):
    i = 0
    for l in lines:
        if i < len(want) and l.startswith(want[i]):
            i += 1
    assert i == len(want), (i, lines)

def vertex_parallelism(jid):
    return [v['parallelism'] for v in ok('/clusters/%s/jobs/%s' % (NAME, jid))['vertices']]

def restored_path(jid):
    r = ok('/clusters/%s/jobs/%s/checkpoints' % (NAME, jid))['latest']['restored']
    return r['external_path'] if r else 'none'

try:
    exec(compile(sys.argv[1], 'test', 'exec'))
except AssertionError as e:
    if TRACE and 'trace:' not in str(e):
        print('trace:\n' + show_trace(), file=sys.stderr)
    raise
" "$1" "$SIM_URL" "${STEP_MS:-150}"
}
