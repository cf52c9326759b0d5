#!/usr/bin/env bats
# The simulator's apps/v1 Deployments, the default fleet's standalone cluster's
# legacy-reports-jobmanager and legacy-reports-taskmanager: discovery, lists and get, merge-patch and kubectl's strategic merge
# patch with resourceVersion and generation, a rollout restart that rolls the pods and
# restarts the cluster's jobs while the status catches up, 409/403/415 as Kubernetes
# says them, every patch recorded; real kubectl rollout restart against it.
# Run after `make flinktop-sim`: bats tests/integration/sim_deployments.bats

load ../bats_speed

TOKEN=sim-deployments-token-5c1e
DEPS=/apis/apps/v1/namespaces/flink-development/deployments
JM=$DEPS/legacy-reports-jobmanager
RESTART='{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-03-01T10:00:00Z"}}}}}'

load k8s_pyd

# The tests that only read share one simulator (file_sim); the others start their own.
# The Python checks run in one resident interpreter (k8s_pyd.bash).
setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    sim_start_file --frozen --clock manual || return 1
    pyd_start
}

teardown_file() {
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

# file_sim: this test reads the file's simulator (plain HTTP, --frozen, the default fleet)
file_sim() {
    [ -n "$SIM_URL" ] && [ "$SIM_PID" = "$SIM_FILE_PID" ]
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
}

teardown() {
    sim_stop
}

# plain HTTP, no token: curl as is; the clock stands still until until_body moves it
plain_start() {
    STEP_MS=${1:-300}
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS"
}

# k PATH [-X METHOD] [-H 'NAME: VALUE']... [-d BODY]: prints nothing; the body is in
# $T/body, the status in $T/code
k() { pyd_http "" "$SIM_URL$1" "$TOKEN" "$T/body" "$T/code" "${@:2}" >/dev/null; }

code() {
    local c
    read -r c <"$T/code" || true # no newline at its end
    printf '%s\n' "$c"
}

# post PATH [BODY]: a /_sim control call that must answer 2xx; its body in $T/body
post() {
    k "$1" -X POST ${2:+-d "$2"} && [[ $(code) == 2?? ]]
}

# py CODE: Python with json and sys; `body()` is the last response body.
py() {
    pyd "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

merge() { # PATH BODY
    k "$1" -X PATCH -H 'Content-Type: application/merge-patch+json' -d "$2"
}

# until PY_CONDITION holds for GET PATH's body, moving the simulator's clock half an action
# step between tries, or fail after SECONDS (default 10) of its time
until_body() { # PATH CONDITION [SECONDS]
    local tick=$((STEP_MS / 2))
    local left=$((${3:-10} * 1000 / tick))
    while :; do
        k "$1"
        py "sys.exit(0 if ($2) else 1)" 2>/dev/null && return 0
        [ "$left" -gt 0 ] || { echo "timed out: $2 on $(cat "$T/body")" >&2; return 1; }
        left=$((left - 1))
        post /_sim/clock "{\"advance_ms\":$tick}" || return 1
    done
}

@test "discovery: /apis lists apps/v1, whose resources include deployments" {
    file_sim
    k /apis
    py 'gs = {g["name"]: g for g in body()["groups"]}
assert gs["apps"]["preferredVersion"]["groupVersion"] == "apps/v1", gs
assert "flink.apache.org" in gs'
    k /apis/apps
    py 'assert body()["kind"] == "APIGroup" and body()["versions"][0]["groupVersion"] == "apps/v1"'
    k /apis/apps/v1
    py 'b = body(); r = [r for r in b["resources"] if r["name"] == "deployments"][0]
assert b["groupVersion"] == "apps/v1" and r["kind"] == "Deployment" and r["namespaced"]
assert "patch" in r["verbs"] and "list" in r["verbs"] and r["shortNames"] == ["deploy"]'
    k /apis/apps/v2
    [ "$(code)" = 404 ]
}

@test "lists and get: a standalone cluster's jobmanager and taskmanager Deployments, a native cluster's JobManager one, selecting their pods" {
    file_sim
    k /apis/apps/v1/deployments
    [ "$(code)" = 200 ]
    py 'b = body(); assert b["kind"] == "DeploymentList" and b["apiVersion"] == "apps/v1"
names = {(d["metadata"]["namespace"], d["metadata"]["name"]) for d in b["items"]}
# the standalone cluster: both; a FlinkDeployment cluster (native): its JobManager one, NAME
assert {("flink-development", "legacy-reports-jobmanager"), ("flink-development", "legacy-reports-taskmanager"),
        ("flink-production", "real-time-analytics")} <= names, names
assert ("flink-production", "real-time-analytics-taskmanager") not in names'
    k "$DEPS?labelSelector=app%3Dlegacy-reports"
    py 'assert sorted(d["metadata"]["name"] for d in body()["items"]) == ["legacy-reports-jobmanager", "legacy-reports-taskmanager"]'
    k "$DEPS?labelSelector=component%3Dtaskmanager"
    py 'assert [d["metadata"]["name"] for d in body()["items"]] == ["legacy-reports-taskmanager"]'
    k "$DEPS?fieldSelector=metadata.name%3Dlegacy-reports-jobmanager"
    py 'assert [d["metadata"]["name"] for d in body()["items"]] == ["legacy-reports-jobmanager"]'
    k $JM
    [ "$(code)" = 200 ]
    py 'd = body(); s, st = d["spec"], d["status"]
assert d["kind"] == "Deployment" and d["metadata"]["generation"] == 1
assert s["replicas"] == 1 and s["selector"]["matchLabels"] == {"app": "legacy-reports", "component": "jobmanager"}
assert s["template"]["metadata"]["labels"] == s["selector"]["matchLabels"]
assert st["observedGeneration"] == 1 and st["replicas"] == st["updatedReplicas"] == st["readyReplicas"] == 1'
    # the pods the selector names exist
    k "/api/v1/namespaces/flink-development/pods?labelSelector=app%3Dlegacy-reports,component%3Djobmanager"
    py 'assert len(body()["items"]) == 1'
    k $DEPS/nope
    [ "$(code)" = 404 ]
    py 'assert body()["kind"] == "Status" and body()["message"] == "deployments.apps \"nope\" not found"'
}

@test "rollout restart by merge-patch: generation bumps, status catches up, pods and jobs restart, recorded" {
    plain_start 600
    k "/api/v1/namespaces/flink-development/pods?labelSelector=app%3Dlegacy-reports,component%3Djobmanager"
    before=$(py 'print(body()["items"][0]["status"]["startTime"])')
    k /clusters/legacy-reports/jobs/overview
    [ "$(code)" = 200 ]
    started=$(py 'print(max(j["start-time"] for j in body()["jobs"]))')
    merge $JM "$RESTART"
    [ "$(code)" = 200 ]
    py 'd = body(); assert d["metadata"]["generation"] == 2, d["metadata"]
assert d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] == "2026-03-01T10:00:00Z"
assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
assert d["status"]["observedGeneration"] == 1'
    # mid-rollout: observed, one updated replica next to the old one
    until_body $JM 'body()["status"]["observedGeneration"] == 2'
    # the cluster's jobs are submitted again (a new start time: RESTARTING in between is
    # too short to be sure to see under load), then run
    until_body /clusters/legacy-reports/jobs/overview "all(j['start-time'] > $started for j in body()['jobs'])"
    until_body $JM 'body()["status"]["updatedReplicas"] == body()["status"]["replicas"] == 1 and body()["status"]["conditions"][1]["reason"] == "NewReplicaSetAvailable"'
    until_body /clusters/legacy-reports/jobs/overview '"RESTARTING" not in [j["state"] for j in body()["jobs"]]'
    # the job manager pod started again; events say what happened
    k "/api/v1/namespaces/flink-development/pods?labelSelector=app%3Dlegacy-reports,component%3Djobmanager"
    py "assert body()['items'][0]['status']['startTime'] > '$before'"
    k /api/v1/namespaces/flink-development/events
    py 'rs = [(e["involvedObject"]["kind"], e["reason"]) for e in body()["items"]]
assert ("Deployment", "ScalingReplicaSet") in rs and ("Pod", "Started") in rs, rs
d = [e for e in body()["items"] if e["involvedObject"]["kind"] == "Deployment"][0]
assert d["involvedObject"]["apiVersion"] == "apps/v1" and d["source"]["component"] == "deployment-controller"'
    # another cluster of the namespace was not touched
    k /apis/apps/v1/namespaces/flink-development/deployments/geo-aggregation
    py 'assert body()["metadata"]["generation"] == 1'
    k /_sim/requests
    py "r = body(); assert [(x['method'], x['path']) for x in r] == [('PATCH', '$JM')], r"
}

@test "strategic merge patch merges containers by name; a metadata-only patch keeps the generation" {
    plain_start
    k $JM -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' \
        -d '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"jobmanager"}],"containers":[{"name":"jobmanager","image":"flink:1.18.2"}]}}}}'
    [ "$(code)" = 200 ]
    py 'd = body(); cs = d["spec"]["template"]["spec"]["containers"]
assert len(cs) == 1 and cs[0]["image"] == "flink:1.18.2" and cs[0]["args"] == ["jobmanager"], cs
assert "$setElementOrder/containers" not in d["spec"]["template"]["spec"]
assert d["metadata"]["generation"] == 2'
    merge $JM '{"metadata":{"labels":{"team":"ops"}}}'
    py 'd = body(); assert d["metadata"]["labels"]["team"] == "ops" and d["metadata"]["generation"] == 2'
}

@test "409 on a stale resourceVersion (and after /_sim bump), 415 on a JSON patch, 400 and 422 on bad ones" {
    plain_start
    k $JM
    rv=$(py 'print(body()["metadata"]["resourceVersion"])')
    post /_sim/k8s/flink-development/legacy-reports-jobmanager/bump
    py "assert body()['resourceVersion'] != '$rv'"
    merge $JM "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"spec\":{\"replicas\":1}}"
    [ "$(code)" = 409 ]
    py 'b = body(); assert b["reason"] == "Conflict" and "deployments.apps \"legacy-reports-jobmanager\"" in b["message"], b'
    k $JM -X PATCH -H 'Content-Type: application/json-patch+json' -d '[]'
    [ "$(code)" = 415 ]
    merge $JM 'not json'
    [ "$(code)" = 400 ]
    merge $JM '{"spec":{"replicas":-1}}'
    [ "$(code)" = 422 ]
    merge $JM '{"spec":{"template":null}}'
    [ "$(code)" = 422 ]
    k $JM
    py 'assert body()["metadata"]["generation"] == 1'
}

@test "403 while /_sim/k8s/forbid is on, with the RBAC message; allowed again after DELETE" {
    plain_start
    post /_sim/k8s/forbid '{"user":"alice"}'
    merge $JM "$RESTART"
    [ "$(code)" = 403 ]
    py 'b = body(); assert b["reason"] == "Forbidden"
assert b["message"] == "deployments.apps \"legacy-reports-jobmanager\" is forbidden: User \"alice\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"flink-development\"", b'
    k /_sim/k8s/forbid -X DELETE
    [[ $(code) == 2?? ]]
    merge $JM "$RESTART"
    [ "$(code)" = 200 ]
}

@test "kubectl rollout restart (a strategic merge patch) rolls out, and kubectl sees it complete" {
    command -v kubectl >/dev/null || skip "kubectl is not installed"
    # kubectl rollout status follows the rollout in real time: the real clock here
    test_cert
    sim_start --frozen --action-steps-ms 200 --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$T/kubeconfig"
    kc() { timeout 30 kubectl --kubeconfig "$T/kubeconfig" "$@"; }
    run kc get deployments -n flink-development
    [ "$status" -eq 0 ]
    [[ $output == *legacy-reports-jobmanager* && $output == *legacy-reports-taskmanager* ]]
    run kc rollout restart deployment/legacy-reports-jobmanager -n flink-development
    [ "$status" -eq 0 ]
    [[ $output == *"deployment.apps/legacy-reports-jobmanager restarted"* ]]
    run kc get deployment legacy-reports-jobmanager -n flink-development \
        -o 'jsonpath={.metadata.generation} {.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'
    [ "$status" -eq 0 ]
    [[ $output == "2 "20* ]]
    run kc rollout status deployment/legacy-reports-jobmanager -n flink-development --timeout=20s
    [ "$status" -eq 0 ]
    [[ $output == *"successfully rolled out"* ]]
    k /_sim/requests
    py 'r = body(); assert len(r) == 1 and r[0]["method"] == "PATCH"
assert r[0]["path"].startswith("/apis/apps/v1/namespaces/flink-development/deployments/legacy-reports-jobmanager")
assert "restartedAt" in r[0]["body"]'
}
