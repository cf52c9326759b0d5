# Sourced by the simulator's bats files: py CODE runs Python with the simulator at hand.
#   get(path, method, body) -> (status, json or text); ok(path) -> json of a 200;
#   text(path) -> (status, headers, text); sim(path, method, body) -> json of a /_sim call;
#   until(fn, seconds, what, step_ms=0) polls fn until truthy (deadline stretched by
#     TEST_TIME_SCALE); with step_ms a --clock manual simulator's time moves that much
#     between polls instead of the test waiting real time (advance(ms) moves it once);
#   running(cluster) -> the cluster's first RUNNING job from /_sim/jobs; version(cluster);
#   clusters() -> the cluster names in the simulator's order (the first answers at the root);
#   pods(cluster, component) -> [(namespace, name)] of its pods, found as kubectl would.
# With k8s_pyd.bash loaded (and pyd_start in setup_file) it runs in that resident
# interpreter: an interpreter start with urllib costs 200 ms of CPU here.
py() {
    local run=("${PY:-python3}" -c)
    if declare -F pyd >/dev/null; then run=(pyd); fi
    "${run[@]}" "
import json, os, re, sys, time, urllib.error, urllib.parse, urllib.request
U = '$SIM_URL'
SCALE = float(os.environ.get('TEST_TIME_SCALE', '1'))
def get(path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(U + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode()
def text(path):
    try:
        with urllib.request.urlopen(U + path, timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()
def ok(path):
    s, b = get(path)
    assert s == 200, (path, s, b)
    return b
def sim(path, method='POST', body=None):
    s, b = get('/_sim' + path, method, body)
    assert s == 200 and b['ok'] is True, (path, s, b)
    return b
def advance(ms):
    s, b = get('/_sim/clock', 'POST', {'advance_ms': ms})
    assert s == 200, (s, b)
    return b
def until(fn, seconds, what, step_ms=0):
    end = time.monotonic() + seconds * SCALE
    while True:
        v = fn()
        if v:
            return v
        assert time.monotonic() < end, 'timed out after %ss waiting for %s' % (seconds, what)
        if step_ms:
            advance(step_ms)
        else:
            time.sleep(0.1)
def running(cluster):
    return next(j for j in ok('/_sim/jobs')['jobs']
                if j['cluster'] == cluster and j['state'] == 'RUNNING')
def version(cluster):
    return tuple(int(x) for x in ok('/clusters/%s/config' % cluster)['flink-version'].split('.')[:2])
def clusters():
    names = []
    for j in ok('/_sim/jobs')['jobs']:
        if j['cluster'] not in names:
            names.append(j['cluster'])
    return names
def pods(cluster, component):
    sel = urllib.parse.quote('app=%s,component=%s' % (cluster, component))
    items = ok('/api/v1/pods?labelSelector=' + sel)['items']
    return [(p['metadata']['namespace'], p['metadata']['name']) for p in items]
$1"
}
