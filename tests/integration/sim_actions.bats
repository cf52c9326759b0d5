#!/usr/bin/env bats
# The simulator carries out actions: Flink REST savepoints, stop, cancel, rescale through
# resource-requirements; FlinkDeployment patches run the operator's cycle; FlinkStateSnapshots
# progress; /_sim/requests records what reached it; 409 and 403 on demand.
# Run after `make flinktop-sim`: bats tests/integration/sim_actions.bats

setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
    # --frozen so nothing else changes meanwhile; the clock stands still until a test
    # moves it (poll_until), one action step at a time, so every passing state is seen.
    sim_start --clusters 3 --jobs 4 --frozen --clock manual --action-steps-ms 150
    FD=/apis/flink.apache.org/v1beta1/namespaces
}

teardown() {
    sim_stop
}

# app_clusters: application clusters instead (--jobs 1): each FlinkDeployment's spec.job is
# its one job, as the operator's lifecycle tests need
app_clusters() {
    sim_stop
    sim_start --clusters 3 --jobs 1 --frozen --clock manual --action-steps-ms 150
}

# req METHOD PATH [curl args...]: prints nothing; the body goes to $T/body, the status to
# $T/code.
req() {
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -o "$T/body" -w '%{http_code}' "$@" "$SIM_URL$path" >"$T/code"
}

code() { cat "$T/code"; }

# py CODE: Python with json; body() is the last response body.
py() {
    "$PY" -c "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

# (the predicates polled step by step read the body with jq: a python3 start costs ten
# times as much CPU)
# poll_until SECONDS CMD...: runs CMD until it succeeds, moving the simulator's clock one
# action step between tries, for at most SECONDS of the simulator's time (no waiting).
poll_until() {
    local left=$(($1 * 1000 / STEP_MS))
    shift
    until "$@"; do
        if [ "$left" -le 0 ]; then
            echo "poll_until: '$*' did not succeed in time; last body: $(cat "$T/body")" >&2
            return 1
        fi
        left=$((left - 1))
        sim_advance "$STEP_MS" || return 1
    done
}

STEP_MS=150

# running_job CLUSTER: the first RUNNING job's id.
running_job() {
    req GET "/clusters/$1/jobs/overview"
    py 'print([j["jid"] for j in body()["jobs"] if j["state"] == "RUNNING"][0])'
}

# job_is CLUSTER JID STATE
job_is() {
    req GET "/clusters/$1/jobs/$2"
    jq -e --arg s "$3" '.state == $s' "$T/body" >/dev/null
}

# savepoint_done CLUSTER JID TRIGGER: the trigger's status is COMPLETED.
savepoint_done() {
    req GET "/clusters/$1/jobs/$2/savepoints/$3"
    jq -e '.status.id == "COMPLETED"' "$T/body" >/dev/null
}

# deployment_has NS NAME PYTHON-EXPR (d is the deployment)
deployment_has() {
    req GET "$FD/$1/flinkdeployments/$2"
    py "d = body(); sys.exit(0 if ($3) else 1)"
}

# slow_steps: a passing state can be seen. With the clock moved one step at a time by
# poll_until it always is: nothing to do.
slow_steps() { :; }

patch_deployment() {
    req PATCH "$FD/$1/flinkdeployments/$2" -H 'Content-Type: application/merge-patch+json' -d "$3"
}

@test "savepoint: 202 with a request-id, IN_PROGRESS, then COMPLETED under the cluster's dir, in the history" {
    slow_steps
    jid=$(running_job production)
    req POST "/clusters/production/jobs/$jid/savepoints" -H 'Content-Type: application/json' -d '{}'
    [ "$(code)" = 202 ]
    trigger=$(py 'b = body(); assert len(b["request-id"]) == 32; print(b["request-id"])')
    req GET "/clusters/production/jobs/$jid/savepoints/$trigger"
    py 'assert body() == {"status": {"id": "IN_PROGRESS"}, "operation": None}, body()'
    poll_until 10 savepoint_done production "$jid" "$trigger"
    loc=$(py 'print(body()["operation"]["location"])')
    [[ $loc =~ ^s3://flink-production/savepoints/savepoint-${jid:0:6}-[0-9a-f]{12}$ ]]
    req GET "/clusters/production/jobs/$jid/checkpoints"
    py "sp = body()['latest']['savepoint']
assert sp['is_savepoint'] and sp['status'] == 'COMPLETED' and sp['external_path'] == '$loc', sp
assert any(h.get('external_path') == '$loc' for h in body()['history'])"
    req GET "/clusters/production/jobs/$jid/savepoints/0123456789abcdef0123456789abcdef"
    [ "$(code)" = 404 ]
    py 'assert body()["errors"][0]'
}

@test "savepoint: staging has no savepoint dir (400 unless one is given); the dir is in jobmanager config elsewhere" {
    jid=$(running_job staging)
    req POST "/clusters/staging/jobs/$jid/savepoints" -d '{}'
    [ "$(code)" = 400 ]
    py 'assert body() == {"errors": ["Config key [state.savepoints.dir] is not set. Property [target-directory] must be provided."]}, body()'
    req POST "/clusters/staging/jobs/$jid/savepoints" -d '{"target-directory":"s3://elsewhere/sp/"}'
    [ "$(code)" = 202 ]
    trigger=$(py 'print(body()["request-id"])')
    poll_until 10 savepoint_done staging "$jid" "$trigger"
    py 'assert body()["operation"]["location"].startswith("s3://elsewhere/sp/savepoint-"), body()'
    req GET /clusters/staging/jobmanager/config
    py 'assert "state.savepoints.dir" not in {e["key"] for e in body()}'
    req GET /clusters/development/jobmanager/config
    py 'kv = {e["key"]: e["value"] for e in body()}
assert kv["state.savepoints.dir"] == kv["execution.checkpointing.savepoint-dir"] == "s3://flink-development/savepoints"
assert kv["jobmanager.scheduler"] == "adaptive"'
}

@test "savepoint: a forced failure reports a failure-cause; bad bodies are 400" {
    jid=$(running_job production)
    req POST /_sim/savepoints/fail -d '{"count":1}'
    [ "$(code)" = 200 ]
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{}'
    trigger=$(py 'print(body()["request-id"])')
    poll_until 10 savepoint_done production "$jid" "$trigger"
    py 'c = body()["operation"]["failure-cause"]
assert c["class"].endswith("CheckpointException") and "CheckpointException" in c["stack-trace"], c
assert "location" not in body()["operation"]'
    # Only the next one failed.
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{}'
    trigger=$(py 'print(body()["request-id"])')
    poll_until 10 savepoint_done production "$jid" "$trigger"
    py 'assert "location" in body()["operation"], body()'
    req POST "/clusters/production/jobs/$jid/savepoints" -d '[1,2]'
    [ "$(code)" = 400 ]
    req POST "/clusters/production/jobs/0123456789abcdef0123456789abcdef/savepoints" -d '{}'
    [ "$(code)" = 404 ]
    py 'assert "not found" in body()["errors"][0]'
}

@test "stop with a savepoint: 202, the job goes FINISHED with the savepoint's location" {
    jid=$(running_job production)
    req POST "/clusters/production/jobs/$jid/stop" -d '{"drain":false}'
    [ "$(code)" = 202 ]
    trigger=$(py 'print(body()["request-id"])')
    poll_until 10 savepoint_done production "$jid" "$trigger"
    py 'assert body()["operation"]["location"].startswith("s3://flink-production/savepoints/")'
    job_is production "$jid" FINISHED
}

@test "cancel: 202 {}, CANCELLING then CANCELED; mode=stop is 308; a finished job is 409" {
    jid=$(running_job staging)
    req PATCH "/clusters/staging/jobs/$jid?mode=cancel"
    [ "$(code)" = 202 ]
    py 'assert body() == {}'
    req GET "/clusters/staging/jobs/$jid"
    py 'assert body()["state"] in ("CANCELLING", "CANCELED")'
    poll_until 10 job_is staging "$jid" CANCELED
    req PATCH "/clusters/staging/jobs/$jid?mode=stop"
    [ "$(code)" = 308 ]
    finished=$(curl -s "$SIM_URL/clusters/production/jobs/overview" | "$PY" -c 'import json, sys
print([j["jid"] for j in json.load(sys.stdin)["jobs"] if j["state"] == "FINISHED"][0])')
    req PATCH "/clusters/production/jobs/$finished?mode=cancel"
    [ "$(code)" = 409 ]
}

@test "resource-requirements: a map on development (adaptive); PUT restarts with the new parallelism; production says unsupported" {
    jid=$(running_job development)
    req GET "/clusters/development/jobs/$jid"
    r0=$(py 'print(body()["timestamps"]["RESTARTING"])')
    req GET "/clusters/development/jobs/$jid/resource-requirements"
    [ "$(code)" = 200 ]
    vid=$(py 'b = body()
for v in b.values(): assert v["parallelism"]["lowerBound"] == 1 and v["parallelism"]["upperBound"] >= 1, v
print(sorted(b)[0])')
    py "
b = body()
b['$vid']['parallelism']['upperBound'] = 7
json.dump(b, open('$T/put.json', 'w'))"
    req PUT "/clusters/development/jobs/$jid/resource-requirements" -H 'Content-Type: application/json' \
        -d "@$T/put.json"
    [ "$(code)" = 200 ]
    all_running() {
        req GET "/clusters/development/jobs/$jid"
        py "v = [x for x in body()['vertices'] if x['id'] == '$vid'][0]
assert v['parallelism'] == 7 and v['tasks']['RUNNING'] == 7, v"
    }
    poll_until 10 all_running
    # It went through RESTARTING on the way.
    py "assert body()['timestamps']['RESTARTING'] > $r0 and body()['state'] == 'RUNNING'"
    req GET "/clusters/development/jobs/$jid/resource-requirements"
    py "assert body()['$vid']['parallelism']['upperBound'] == 7"
    req PUT "/clusters/development/jobs/$jid/resource-requirements" -d '{}'
    [ "$(code)" = 400 ]
    pjid=$(running_job production)
    req GET "/clusters/production/jobs/$pjid/resource-requirements"
    [ "$(code)" = 500 ]
    py 'e = body()["errors"]; assert any("AdaptiveScheduler" in x for x in e), e'
}

@test "FlinkDeployment parallelism patch: observedGeneration lags, UPGRADING then STABLE, the new job runs at the new parallelism" {
    app_clusters
    slow_steps
    deployment_has flink-dev development 'd["status"]["lifecycleState"] == "STABLE"'
    gen=$(py 'print(body()["metadata"]["generation"])')
    patch_deployment flink-dev development '{"spec":{"job":{"parallelism":3}}}'
    [ "$(code)" = 200 ]
    py "d = body(); assert d['metadata']['generation'] == $gen + 1 and d['status']['observedGeneration'] == $gen, d['status']"
    poll_until 10 deployment_has flink-dev development \
        "d['status']['observedGeneration'] == $gen + 1 and d['status']['lifecycleState'] == 'UPGRADING'"
    poll_until 10 deployment_has flink-dev development \
        "d['status']['lifecycleState'] == 'STABLE' and d['status']['reconciliationStatus']['state'] == 'DEPLOYED'"
    # the operator redeployed: the job runs under the id its status names (sim_lifecycle.bats)
    jid=$(py 'print(body()["status"]["jobStatus"]["jobId"])')
    poll_until 10 job_is development "$jid" RUNNING
    py 'assert any(v["parallelism"] == 3 for v in body()["vertices"]), [v["parallelism"] for v in body()["vertices"]]'
    deployment_has flink-dev development 'json.loads(d["status"]["reconciliationStatus"]["lastReconciledSpec"])["spec"]["job"]["parallelism"] == 3'
}

@test "FlinkDeployment suspend (upgradeMode savepoint): SUSPENDED, savepoint recorded, task manager pods gone" {
    app_clusters
    deployment_has flink-prod production 'd["spec"]["job"]["upgradeMode"] == "savepoint"'
    jid=$(py 'print(body()["status"]["jobStatus"]["jobId"])')
    patch_deployment flink-prod production '{"spec":{"job":{"state":"suspended"}}}'
    [ "$(code)" = 200 ]
    poll_until 10 deployment_has flink-prod production \
        'd["status"]["lifecycleState"] == "SUSPENDED" and d["status"]["jobStatus"]["state"] == "SUSPENDED"'
    py 'js = body()["status"]["jobStatus"]
assert js["upgradeSavepointPath"].startswith("s3://flink-production/savepoints/savepoint-"), js
assert js["savepointInfo"]["lastSavepoint"]["location"] == js["upgradeSavepointPath"], js'
    # the operator deleted the cluster: its REST API is gone (sim_lifecycle.bats)
    req GET "/clusters/production/jobs/$jid"
    [ "$(code)" = 503 ]
    req GET "/api/v1/namespaces/flink-prod/pods?labelSelector=component%3Dtaskmanager"
    py 'assert body()["items"] == []'
}

@test "FlinkDeployment savepointTriggerNonce: lastSavepoint with MANUAL and the nonce" {
    app_clusters
    patch_deployment flink-prod production '{"spec":{"job":{"savepointTriggerNonce":42}}}'
    [ "$(code)" = 200 ]
    poll_until 10 deployment_has flink-prod production \
        '(d["status"]["jobStatus"]["savepointInfo"].get("lastSavepoint") or {}).get("triggerNonce") == 42'
    py 'ls = body()["status"]["jobStatus"]["savepointInfo"]["lastSavepoint"]
assert ls["triggerType"] == "MANUAL" and ls["location"].startswith("s3://flink-production/savepoints/"), ls'
}

@test "FlinkStateSnapshot: TRIGGER_PENDING, then COMPLETED with a path; the job's history has it" {
    app_clusters
    req POST "$FD/flink-prod/flinkstatesnapshots" -H 'Content-Type: application/json' \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkStateSnapshot","metadata":{"name":"sp-1"},"spec":{"jobReference":{"kind":"FlinkDeployment","name":"production"},"savepoint":{}}}'
    [ "$(code)" = 201 ]
    py 'assert body()["status"]["state"] == "TRIGGER_PENDING", body()["status"]'
    snapshot_done() {
        req GET "$FD/flink-prod/flinkstatesnapshots/sp-1"
        py 'sys.exit(0 if body()["status"]["state"] == "COMPLETED" else 1)'
    }
    poll_until 10 snapshot_done
    path=$(py 's = body()["status"]
assert len(s["triggerId"]) == 32 and s["resultTimestamp"].isdigit()
assert body()["metadata"]["labels"]["snapshot.state"] == "COMPLETED"
print(s["path"])')
    [[ $path == s3://flink-production/savepoints/savepoint-* ]]
    jid=$(running_job production)
    req GET "/clusters/production/jobs/$jid/checkpoints"
    py "assert body()['latest']['savepoint']['external_path'] == '$path'"
}

@test "/_sim/requests: exactly the mutating requests, bodies as sent; DELETE clears" {
    jid=$(running_job production)
    req DELETE /_sim/requests
    req GET /clusters/production/overview
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{"target-directory":"s3://x"}'
    patch_deployment flink-dev development '{"spec":{"job":{"parallelism":2}}}'
    req PATCH "/clusters/staging/jobs/$(running_job staging)?mode=cancel"
    req GET /_sim/requests
    py "r = body()
assert [(x['method'], x['path'].split('/')[-1]) for x in r] == [('POST', 'savepoints'), ('PATCH', 'development'), ('PATCH', r[2]['path'].split('/')[-1])], r
assert r[0]['path'] == '/clusters/production/jobs/$jid/savepoints' and r[0]['body'] == '{\"target-directory\":\"s3://x\"}'
assert r[1]['path'] == '$FD/flink-dev/flinkdeployments/development'
assert r[2]['path'].endswith('?mode=cancel') and r[2]['body'] == ''
assert all(isinstance(x['time_ms'], (int, float)) and x['time_ms'] > 0 for x in r)"
    req DELETE /_sim/requests
    req GET /_sim/requests
    py 'assert body() == []'
}

@test "409 after an out-of-band bump; 403 with the RBAC message while forbidden" {
    deployment_has flink-prod production 'True'
    rv=$(py 'print(body()["metadata"]["resourceVersion"])')
    req POST /_sim/k8s/flink-prod/production/bump
    [ "$(code)" = 200 ]
    patch_deployment flink-prod production "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"spec\":{\"restartNonce\":5}}"
    [ "$(code)" = 409 ]
    py 'assert body()["reason"] == "Conflict"'
    req POST /_sim/k8s/flink-prod/nope/bump
    [ "$(code)" = 404 ]

    req POST /_sim/k8s/forbid -d '{"user":"alice"}'
    patch_deployment flink-prod production '{"spec":{"restartNonce":5}}'
    [ "$(code)" = 403 ]
    py 'b = body()
assert b["kind"] == "Status" and b["reason"] == "Forbidden" and b["code"] == 403
assert b["message"] == "flinkdeployments.flink.apache.org \"production\" is forbidden: User \"alice\" cannot patch resource \"flinkdeployments\" in API group \"flink.apache.org\" in the namespace \"flink-prod\"", b["message"]'
    req POST "$FD/flink-prod/flinkstatesnapshots" -d '{"metadata":{"name":"x"},"spec":{}}'
    [ "$(code)" = 403 ]
    jid=$(running_job production)
    req POST "/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/$jid/savepoints" -d '{}'
    [ "$(code)" = 403 ]
    req DELETE /_sim/k8s/forbid
    patch_deployment flink-prod production '{"spec":{"restartNonce":5}}'
    [ "$(code)" = 200 ]
}
