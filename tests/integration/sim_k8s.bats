#!/usr/bin/env bats
# The simulator as a Kubernetes API server: discovery, lists, merge-patch with
# resourceVersion, Status errors, bearer token over TLS, the kubeconfig it writes, the
# service proxy to each cluster's Flink API; real kubectl and flinktop against it.
# Run after `make flinktop-sim flinktop`: bats tests/integration/sim_k8s.bats

load ../bats_speed
load k8s_pyd

TOKEN=sim-k8s-test-token-7f3a

# One simulator (TLS, token, the clock standing still) for the tests that only read; the
# suite's certificate for all. The Python checks run in one resident interpreter.
setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    test_cert || return 1
    sim_start_file --clusters 3 --jobs 4 --frozen --clock manual --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_FILE_TMPDIR/kubeconfig" || return 1
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
    test_cert
}

teardown() {
    sim_stop
}

# tls_start: the file's simulator; its certificate in $T/cert.pem, its kubeconfig (as it
# wrote it) in $T/kubeconfig.
tls_start() {
    cp "$TEST_CERT" "$T/cert.pem" && cp -p "$BATS_FILE_TMPDIR/kubeconfig" "$T/kubeconfig"
}

# tls_own [args...]: a simulator of the test's own (for tests that change its state or
# give it other options), with the clock standing still: sim_advance moves it.
tls_own() {
    cp "$TEST_CERT" "$T/cert.pem" && cp "$TEST_KEY" "$T/key.pem"
    sim_start --clusters 3 --jobs 4 --frozen --clock manual --token "$TOKEN" --tls-cert "$T/cert.pem" \
        --tls-key "$T/key.pem" --kubeconfig-out "$T/kubeconfig" "$@"
}

# k PATH [-X METHOD] [-H 'NAME: VALUE']... [-d BODY]: a request with the token ($TOKEN:
# TOKEN= k ... sends none), verified against $T/cert.pem; prints the body, which is also
# in $T/body, and writes the status to $T/code.
k() { pyd_http "$T/cert.pem" "$SIM_URL$1" "$TOKEN" "$T/body" "$T/code" "${@:2}"; }

# advance MS: sim_advance without a curl
advance() {
    TOKEN= k /_sim/clock -X POST -d "{\"advance_ms\":$1}" >/dev/null && [ "$(code)" = 200 ]
}

code() {
    local c
    read -r c <"$T/code" || true # no newline at its end
    printf '%s\n' "$c"
}

# py CODE: Python with json and sys; `body()` is the last response body.
py() {
    pyd "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

need_kubectl() {
    command -v kubectl >/dev/null || skip "kubectl is not installed"
}

kc() {
    timeout 30 kubectl --kubeconfig "$T/kubeconfig" "$@"
}

@test "TLS: the first line says https, the second a plain-http control port for /_sim only; the kubeconfig carries server, CA data, token, 0600" {
    tls_start
    [[ $SIM_URL == https://127.0.0.1:* ]]
    # scripts that speak no TLS drive the simulator there; clients meet nothing else on it
    [ "$(sed -n 2p "$SIM_LOG")" = "control on $SIM_CONTROL_URL" ]
    [[ $SIM_CONTROL_URL == http://127.0.0.1:* ]]
    SIM_URL=$SIM_CONTROL_URL sim_http GET /_sim/health
    [ "$HTTP_CODE" = 200 ]
    SIM_URL=$SIM_CONTROL_URL sim_http GET /api/v1/pods || [ "$HTTP_CODE" = 404 ]
    [ "$HTTP_CODE" = 404 ]
    [ "$(stat -c %a "$T/kubeconfig")" = 600 ]
    grep -q "server: \"$SIM_URL\"" "$T/kubeconfig"
    grep -q "token: \"$TOKEN\"" "$T/kubeconfig"
    grep -q "current-context: flinktop-sim" "$T/kubeconfig"
    ca=$(sed -n 's/^ *certificate-authority-data: //p' "$T/kubeconfig")
    [ "$(printf %s "$ca" | base64 -d)" = "$(cat "$T/cert.pem")" ]
}

@test "without the token: 401 Status on Kubernetes and proxy paths; /_sim stays open" {
    tls_start
    for p in /api/v1/pods /apis/flink.apache.org/v1beta1/flinkdeployments \
        /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/overview; do
        TOKEN= k "$p" >/dev/null
        [ "$(code)" = 401 ]
        py 'b = body(); assert b["kind"] == "Status" and b["reason"] == "Unauthorized" and b["code"] == 401, b'
        TOKEN=wrong k "$p" >/dev/null
        [ "$(code)" = 401 ]
    done
    TOKEN= k /_sim/health >/dev/null
    [ "$(code)" = 200 ]
}

@test "discovery: APIVersions, core and flink resource lists with kinds and short names" {
    tls_start
    k /version >/dev/null
    [ "$(code)" = 200 ]
    k /api >/dev/null
    py 'assert body()["kind"] == "APIVersions" and "v1" in body()["versions"]'
    k /api/v1 >/dev/null
    py 'names = {r["name"] for r in body()["resources"]}
assert {"namespaces", "pods", "events", "services"} <= names, names'
    k /apis >/dev/null
    py 'g = body()["groups"][0]
assert body()["kind"] == "APIGroupList" and g["name"] == "flink.apache.org"
assert g["preferredVersion"]["groupVersion"] == "flink.apache.org/v1beta1"'
    k /apis/flink.apache.org/v1beta1 >/dev/null
    py 'rs = {r["name"]: r for r in body()["resources"]}
want = {"flinkdeployments": ("FlinkDeployment", "flinkdep"),
        "flinksessionjobs": ("FlinkSessionJob", "sessionjob"),
        "flinkstatesnapshots": ("FlinkStateSnapshot", "flinksnp")}
for name, (kind, short) in want.items():
    r = rs[name]
    assert r["kind"] == kind and r["namespaced"] is True and r["shortNames"] == [short], r
    assert "list" in r["verbs"] and "get" in r["verbs"], r'
}

@test "FlinkDeployments: three environments in three namespaces, spec and status from the clusters" {
    tls_own --jobs 1 # application clusters: a job each, in spec.job
    k /apis/flink.apache.org/v1beta1/flinkdeployments >/dev/null
    [ "$(code)" = 200 ]
    py 'b = body()
assert b["kind"] == "FlinkDeploymentList" and b["metadata"]["resourceVersion"]
got = {(d["metadata"]["namespace"], d["metadata"]["name"]): d for d in b["items"]}
assert set(got) == {("flink-prod", "production"), ("flink-staging", "staging"), ("flink-dev", "development")}, set(got)
want = {"production": ("v1_20", "savepoint", "STABLE"), "staging": ("v1_18", "last-state", "DEPLOYED"),
        "development": ("v2_1", "stateless", "STABLE")}
for (ns, name), d in got.items():
    fv, um, lc = want[name]
    s, st = d["spec"], d["status"]
    assert s["flinkVersion"] == fv and s["job"]["upgradeMode"] == um and s["mode"] == "native"
    assert "state.backend.type" in s["flinkConfiguration"]
    assert st["lifecycleState"] == lc and st["jobManagerDeploymentStatus"] == "READY"
    assert st["observedGeneration"] == d["metadata"]["generation"]
    assert st["taskManager"]["labelSelector"] == "component=taskmanager,app=" + name
    assert st["jobStatus"]["startTime"].isdigit() and len(st["jobStatus"]["jobId"]) == 32'
    jid=$(py 'print([d for d in body()["items"] if d["metadata"]["name"] == "staging"][0]["status"]["jobStatus"]["jobId"])')
    TOKEN= k "/clusters/staging/jobs/$jid" >/dev/null
    [ "$(code)" = 200 ]
    k /apis/flink.apache.org/v1beta1/namespaces/flink-dev/flinkdeployments >/dev/null
    py 'assert [d["metadata"]["name"] for d in body()["items"]] == ["development"]'
}

@test "pods: one jobmanager and the simulated task managers; labelSelector k=v and k" {
    tls_start
    TOKEN= k /clusters/production/taskmanagers >/dev/null
    tms=$(py 'print(len(body()["taskmanagers"]))')
    k "/api/v1/namespaces/flink-prod/pods?labelSelector=component%3Dtaskmanager,app%3Dproduction" >/dev/null
    py "b = body()
assert b['kind'] == 'PodList'
names = sorted(p['metadata']['name'] for p in b['items'])
assert len(names) == $tms and all(n.startswith('production-taskmanager-1-') for n in names), names
p = b['items'][0]
assert p['status']['phase'] == 'Running' and p['spec']['nodeName']
assert p['status']['containerStatuses'][0]['ready'] is True"
    k "/api/v1/pods?labelSelector=component%3Djobmanager" >/dev/null
    py 'assert sorted(p["metadata"]["labels"]["app"] for p in body()["items"]) == ["development", "production", "staging"]'
    k "/api/v1/pods?labelSelector=type" >/dev/null
    all=$(py 'print(len(body()["items"]))')
    k "/api/v1/pods?labelSelector=nosuchlabel" >/dev/null
    py 'assert body()["items"] == []'
    [ "$all" -gt 3 ]
}

@test "events and services: EventList with a Warning counted more than once, NAME-rest on 8081" {
    tls_start
    k /api/v1/namespaces/flink-prod/events >/dev/null
    py 'b = body()
assert b["kind"] == "EventList"
reasons = {e["reason"] for e in b["items"]}
assert {"SpecChanged", "SavepointError"} <= reasons, reasons # a session cluster: no JobStatusChanged
assert any(e["type"] == "Warning" and e["count"] > 1 for e in b["items"])
assert all(e["lastTimestamp"].endswith("Z") for e in b["items"])'
    k /api/v1/events >/dev/null
    py 'assert {e["metadata"]["namespace"] for e in body()["items"]} == {"flink-prod", "flink-staging", "flink-dev"}'
    k /api/v1/namespaces/flink-staging/services >/dev/null
    py 's = body()["items"]
assert [x["metadata"]["name"] for x in s] == ["staging-rest"]
assert s[0]["spec"]["ports"][0] == {"name": "rest", "protocol": "TCP", "port": 8081, "targetPort": 8081}'
}

@test "the service proxy reaches each cluster's Flink API, by port name and by number" {
    tls_start
    for pair in flink-prod/production flink-staging/staging flink-dev/development; do
        ns=${pair%/*} name=${pair#*/}
        for port in rest 8081; do
            k "/api/v1/namespaces/$ns/services/$name-rest:$port/proxy/overview" >"$T/via"
            [ "$(code)" = 200 ]
            TOKEN= k "/clusters/$name/config" >"$T/config"
            pyd "import json; assert json.load(open('$T/via'))['flink-version'] == json.load(open('$T/config'))['flink-version']"
        done
    done
    k /api/v1/namespaces/flink-prod/services/staging-rest:rest/proxy/overview >/dev/null
    [ "$(code)" = 404 ]
    py 'assert body()["kind"] == "Status" and body()["reason"] == "NotFound"'
}

@test "faults on the full proxy path hit only that path" {
    tls_own --fault '/api/v1/namespaces/flink-staging/services/*/proxy/overview=status:503'
    k /api/v1/namespaces/flink-staging/services/staging-rest:rest/proxy/overview >/dev/null
    [ "$(code)" = 503 ]
    k /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/overview >/dev/null
    [ "$(code)" = 200 ]
}

@test "merge patch: bumps resourceVersion and generation; stale resourceVersion is 409; unknown is 404" {
    tls_own --action-steps-ms 100 --jobs 1
    base=/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments
    k "$base/production" >/dev/null
    rv=$(py 'print(body()["metadata"]["resourceVersion"])')
    gen=$(py 'print(body()["metadata"]["generation"])')
    k "$base/production" -X PATCH -H 'Content-Type: application/merge-patch+json' \
        -d "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"spec\":{\"job\":{\"state\":\"suspended\"}}}" >/dev/null
    [ "$(code)" = 200 ]
    py "d = body()
assert d['spec']['job']['state'] == 'suspended' and d['spec']['job']['upgradeMode'] == 'savepoint'
assert d['metadata']['generation'] == $gen + 1 and d['metadata']['resourceVersion'] != '$rv'
assert d['status']['observedGeneration'] == $gen" # the operator has not caught up yet
    # ... and then it does: the job suspends (within 20 s of the simulator's clock)
    local left=40
    until k "$base/production" >/dev/null &&
        py "d = body(); assert d['status']['lifecycleState'] == 'SUSPENDED' and d['status']['observedGeneration'] == $gen + 1" 2>/dev/null; do
        [ $((left -= 1)) -gt 0 ] || { py 'print(body()["status"])'; return 1; }
        advance 500
    done
    # The same resourceVersion again is stale now.
    k "$base/production" -X PATCH -H 'Content-Type: application/merge-patch+json' \
        -d "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"spec\":{\"job\":{\"state\":\"running\"}}}" >/dev/null
    [ "$(code)" = 409 ]
    py 'b = body(); assert b["kind"] == "Status" and b["reason"] == "Conflict" and b["code"] == 409'
    # A label-only patch bumps resourceVersion but not generation; null deletes.
    k "$base/production" -X PATCH -H 'Content-Type: application/merge-patch+json' \
        -d '{"metadata":{"labels":{"environment":null,"team":"data"}}}' >/dev/null
    py "d = body(); l = d['metadata']['labels']
assert d['metadata']['generation'] == $gen + 1 and 'environment' not in l and l['team'] == 'data'"
    k "$base/nope" >/dev/null
    [ "$(code)" = 404 ]
    py 'b = body(); assert b["kind"] == "Status" and b["reason"] == "NotFound" and b["code"] == 404'
    k "$base/nope" -X PATCH -H 'Content-Type: application/merge-patch+json' -d '{}' >/dev/null
    [ "$(code)" = 404 ]
}

@test "FlinkStateSnapshot create: 201 with a generated name, listed with its labels" {
    tls_own
    k /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots -X POST \
        -H 'Content-Type: application/json' \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkStateSnapshot","metadata":{"generateName":"production-savepoint-"},"spec":{"jobReference":{"kind":"FlinkDeployment","name":"production"},"savepoint":{}}}' >/dev/null
    [ "$(code)" = 201 ]
    name=$(py 'print(body()["metadata"]["name"])')
    [[ $name == production-savepoint-* ]]
    k "/apis/flink.apache.org/v1beta1/flinkstatesnapshots?labelSelector=job-reference.kind%3DFlinkDeployment,job-reference.name%3Dproduction" >/dev/null
    py "assert [s['metadata']['name'] for s in body()['items']] == ['$name']"
}

@test "kubectl lists deployments, pods and events, and patches with a generation bump" {
    need_kubectl
    tls_own --action-steps-ms 100
    run kc get flinkdeployments -A
    [ "$status" -eq 0 ]
    [[ $output == *flink-prod*production* ]]
    [[ $output == *flink-staging*staging* ]]
    [[ $output == *flink-dev*development* ]]
    # pods and events in one kubectl (a kubectl start is 300 ms of CPU here)
    run kc get pods,events -n flink-prod
    [ "$status" -eq 0 ]
    [[ $output == *production-taskmanager-1-1* ]]
    [[ $output == *flinkdeployment/production* ]]
    run kc patch flinkdeployment production -n flink-prod --type merge \
        -p '{"spec":{"job":{"parallelism":3}}}'
    [ "$status" -eq 0 ]
    # the simulated operator catches up a few steps later (of the simulator's clock): move
    # it before the first look, which then usually is the last
    local left=40
    while :; do
        advance 500
        run kc get flinkdep production -n flink-prod \
            -o 'jsonpath={.metadata.generation} {.spec.job.parallelism} {.status.observedGeneration}'
        [ "$status" -eq 0 ]
        [ "$output" = "2 3 2" ] && break
        [ $((left -= 1)) -gt 0 ] || { echo "got: $output" >&2; return 1; }
    done
}

@test "flinktop --once --kubeconfig shows three clusters through the proxy and never the token" {
    [ -x ./flinktop ] || skip "./flinktop is not built"
    tls_start
    run timeout 60 ./flinktop --once --output json --kubeconfig "$T/kubeconfig" -A
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$T/body"
    py 'cs = {c["name"]: c for c in body()["clusters"]}
assert set(cs) == {"production", "staging", "development"}, set(cs)
assert {c["namespace"] for c in cs.values()} == {"flink-prod", "flink-staging", "flink-dev"}
assert cs["production"]["deployment"]["lifecycle_state"] == "STABLE"
assert cs["staging"]["deployment"]["lifecycle_state"] == "DEPLOYED"
for c in cs.values():
    assert c["status"] == "ok" and c["deployment"]["pods_total"] >= 2, c["name"]
    assert c["jobs"], c["name"]'
    [[ $output != *"$TOKEN"* ]]
}

@test "flinktop --once --kubeconfig on the default fleet: every FlinkDeployment, a job each, the session cluster's jobs" {
    [ -x ./flinktop ] || skip "./flinktop is not built"
    cp "$TEST_CERT" "$T/cert.pem" && cp "$TEST_KEY" "$T/key.pem"
    sim_start --frozen --clock manual --token "$TOKEN" --tls-cert "$T/cert.pem" \
        --tls-key "$T/key.pem" --kubeconfig-out "$T/kubeconfig"
    run timeout 60 ./flinktop --once --output json --kubeconfig "$T/kubeconfig" -A
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$T/body"
    py 'cs = {c["name"]: c for c in body()["clusters"]}
assert len(cs) == 11 and "legacy-reports" not in cs, sorted(cs) # standalone: no FlinkDeployment
assert {c["namespace"] for c in cs.values()} == {"flink-production", "flink-staging", "flink-development"}
for c in cs.values():
    assert c["status"] == "ok", c["name"]
    assert len(c["jobs"]) == (4 if c["name"] == "analytics-session" else 1), (c["name"], c["jobs"])
assert cs["real-time-analytics"]["deployment"]["pods_total"] == 4 # two JobManagers (HA), two task managers
assert cs["inventory-sync"]["jobs"][0]["state"] == "FAILED"
assert cs["analytics-session"]["deployment"]["upgrade_mode"] is None # a session cluster has no spec.job'
    [[ $output != *"$TOKEN"* ]]
}

@test "an OOMKilled task manager pod fires PodOOMKilled in flinktop --once, naming the pod" {
    [ -x ./flinktop ] || skip "./flinktop is not built"
    tls_own
    k /_sim/k8s/flink-prod/production/oom -X POST >/dev/null
    [ "$(code)" = 200 ]
    k /api/v1/namespaces/flink-prod/pods >/dev/null
    pod=$(py 'ps = [p for p in body()["items"] if p["metadata"]["labels"]["component"] == "taskmanager"]
cs = ps[0]["status"]["containerStatuses"][0]
assert cs["lastState"]["terminated"]["reason"] == "OOMKilled" and cs["restartCount"] >= 1
print(ps[0]["metadata"]["name"])')
    run timeout 60 ./flinktop --once --output json --kubeconfig "$T/kubeconfig" -A
    printf '%s' "$output" >"$T/body"
    py "a = [x for x in body()['alerts'] if x['name'] == 'PodOOMKilled']
assert len(a) == 1, body()['alerts']
assert a[0]['cluster'] == 'production' and '$pod' in a[0]['message'], a[0]
assert not [x for x in body()['alerts'] if x['name'] == 'PodCrashLoop']"
}
