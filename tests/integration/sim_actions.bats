#!/usr/bin/env bats
# The simulator carries out actions: Flink REST savepoints, stop, cancel, rescale through
# resource-requirements; FlinkDeployment patches run the operator's cycle; FlinkStateSnapshots
# progress; /_sim/requests records what reached it; 409 and 403 on demand.
# Run after `make flinktop-sim`: bats tests/integration/sim_actions.bats

load ../bats_speed

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
    FD=/apis/flink.apache.org/v1beta1/namespaces
}

teardown() {
    sim_stop
}

# Each test starts its own simulator first (one start a test: an app_clusters test no
# longer starts the session one only to stop it): --frozen so nothing else changes
# meanwhile; the clock stands still until the test moves it (poll_get), one action step
# at a time, so every passing state is seen.
# session_clusters: three clusters of four jobs each
session_clusters() {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual --action-steps-ms "$STEP_MS"
}

# app_clusters: application clusters instead (--jobs 1): each FlinkDeployment's spec.job is
# its one job, as the operator's lifecycle tests need
app_clusters() {
    sim_start --clusters 3 --jobs 1 --frozen --clock manual --action-steps-ms "$STEP_MS"
}

# req METHOD PATH [curl args...]: prints nothing; the body goes to $T/body, the status to
# CODE (read without a process: the file checks a status some 30 times).
req() {
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -o "$T/body" -w '%{http_code}' "$@" "$SIM_URL$path" >"$T/code"
    CODE=""
    read -r CODE <"$T/code" || true
}

# jqb [jq options] FILTER: the last response body passes FILTER (jq -e); says what it
# was when it does not. jqr [jq options] FILTER: prints FILTER of it (raw), fails on
# null. (jq, not python3: a python3 start costs ten times as much CPU, and the file
# checks a body some 70 times)
jqb() {
    jq -e "$@" "$T/body" >/dev/null && return 0
    echo "jq ${*: -1} failed on: $(head -c 2000 "$T/body")" >&2
    return 1
}
jqr() { jq -er "$@" "$T/body"; }

STEP_MS=150

# poll_get SECONDS PATH FILTER [WORD]: GETs PATH until its body passes FILTER (jq -e),
# moving the simulator's clock one action step between tries, for at most SECONDS of the
# simulator's time (no waiting). A try after the first is one curl for both (--next); jq
# runs only on a body that has WORD (a state name: a body without it cannot pass).
poll_get() {
    local left=$(($1 * 1000 / STEP_MS)) path=$2 filter=$3 word=${4:-} body
    req GET "$path"
    while :; do
        body=""
        [ -z "$word" ] || read -r -d '' body <"$T/body" || true
        if [[ -z $word || $body == *"$word"* ]] && jq -e "$filter" "$T/body" >/dev/null; then
            return 0
        fi
        if [ "$left" -le 0 ]; then
            echo "poll_get: $path did not pass '$filter' in time; last body: $(cat "$T/body")" >&2
            return 1
        fi
        left=$((left - 1))
        curl -s -o /dev/null -X POST -d "{\"advance_ms\":$STEP_MS}" "$SIM_URL/_sim/clock" \
            --next -s -o "$T/body" -w '%{http_code}' "$SIM_URL$path" >"$T/code"
        CODE=""
        read -r CODE <"$T/code" || true
    done
}

# running_job CLUSTER: the first RUNNING job's id.
running_job() {
    req GET "/clusters/$1/jobs/overview"
    jqr '[.jobs[] | select(.state == "RUNNING") | .jid][0]'
}

# savepoint_done CLUSTER JID TRIGGER: until the trigger's status is COMPLETED
savepoint_done() {
    poll_get 10 "/clusters/$1/jobs/$2/savepoints/$3" '.status.id == "COMPLETED"' COMPLETED
}

# deployment_has NS NAME JQ-FILTER (its input is the deployment): once, no waiting
deployment_has() {
    req GET "$FD/$1/flinkdeployments/$2"
    jq -e "$3" "$T/body" >/dev/null
}

# until_deployment NS NAME JQ-FILTER [WORD]: until the deployment passes FILTER
until_deployment() {
    poll_get 10 "$FD/$1/flinkdeployments/$2" "$3" "${4:-}"
}

# until_job CLUSTER JID STATE: until the job's state is STATE
until_job() {
    poll_get 10 "/clusters/$1/jobs/$2" ".state == \"$3\"" "$3"
}

patch_deployment() {
    req PATCH "$FD/$1/flinkdeployments/$2" -H 'Content-Type: application/merge-patch+json' -d "$3"
}

@test "savepoint: 202 with a request-id, IN_PROGRESS, then COMPLETED under the cluster's dir, in the history" {
    session_clusters
    jid=$(running_job production)
    req POST "/clusters/production/jobs/$jid/savepoints" -H 'Content-Type: application/json' -d '{}'
    [ "$CODE" = 202 ]
    trigger=$(jqr '."request-id"')
    [ ${#trigger} = 32 ]
    req GET "/clusters/production/jobs/$jid/savepoints/$trigger"
    jqb '. == {"status": {"id": "IN_PROGRESS"}, "operation": null}'
    savepoint_done production "$jid" "$trigger"
    loc=$(jqr '.operation.location')
    [[ $loc =~ ^s3://flink-production/savepoints/savepoint-${jid:0:6}-[0-9a-f]{12}$ ]]
    req GET "/clusters/production/jobs/$jid/checkpoints"
    jqb --arg loc "$loc" '.latest.savepoint as $sp
        | ($sp.is_savepoint and $sp.status == "COMPLETED" and $sp.external_path == $loc)
        and any(.history[]; .external_path == $loc)'
    req GET "/clusters/production/jobs/$jid/savepoints/0123456789abcdef0123456789abcdef"
    [ "$CODE" = 404 ]
    jqb '.errors[0] | type == "string" and length > 0'
}

@test "savepoint: staging has no savepoint dir (400 unless one is given); the dir is in jobmanager config elsewhere" {
    session_clusters
    jid=$(running_job staging)
    req POST "/clusters/staging/jobs/$jid/savepoints" -d '{}'
    [ "$CODE" = 400 ]
    jqb '. == {"errors": ["Config key [state.savepoints.dir] is not set. Property [target-directory] must be provided."]}'
    req POST "/clusters/staging/jobs/$jid/savepoints" -d '{"target-directory":"s3://elsewhere/sp/"}'
    [ "$CODE" = 202 ]
    trigger=$(jqr '."request-id"')
    savepoint_done staging "$jid" "$trigger"
    jqb '.operation.location | startswith("s3://elsewhere/sp/savepoint-")'
    req GET /clusters/staging/jobmanager/config
    jqb 'all(.[]; .key != "state.savepoints.dir")'
    req GET /clusters/development/jobmanager/config
    jqb 'map({key, value}) | from_entries
        | .["state.savepoints.dir"] == .["execution.checkpointing.savepoint-dir"]
        and .["execution.checkpointing.savepoint-dir"] == "s3://flink-development/savepoints"
        and .["jobmanager.scheduler"] == "adaptive"'
}

@test "savepoint: a forced failure reports a failure-cause; bad bodies are 400" {
    session_clusters
    jid=$(running_job production)
    req POST /_sim/savepoints/fail -d '{"count":1}'
    [ "$CODE" = 200 ]
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{}'
    trigger=$(jqr '."request-id"')
    savepoint_done production "$jid" "$trigger"
    jqb '.operation["failure-cause"] as $c
        | ($c.class | endswith("CheckpointException"))
        and ($c["stack-trace"] | contains("CheckpointException"))
        and (.operation | has("location") | not)'
    # Only the next one failed.
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{}'
    trigger=$(jqr '."request-id"')
    savepoint_done production "$jid" "$trigger"
    jqb '.operation | has("location")'
    req POST "/clusters/production/jobs/$jid/savepoints" -d '[1,2]'
    [ "$CODE" = 400 ]
    req POST "/clusters/production/jobs/0123456789abcdef0123456789abcdef/savepoints" -d '{}'
    [ "$CODE" = 404 ]
    jqb '.errors[0] | contains("not found")'
}

@test "stop with a savepoint: 202, the job goes FINISHED with the savepoint's location" {
    session_clusters
    jid=$(running_job production)
    req POST "/clusters/production/jobs/$jid/stop" -d '{"drain":false}'
    [ "$CODE" = 202 ]
    trigger=$(jqr '."request-id"')
    savepoint_done production "$jid" "$trigger"
    jqb '.operation.location | startswith("s3://flink-production/savepoints/")'
    req GET "/clusters/production/jobs/$jid"
    jqb '.state == "FINISHED"'
}

@test "cancel: 202 {}, CANCELLING then CANCELED; mode=stop is 308; a finished job is 409" {
    session_clusters
    jid=$(running_job staging)
    req PATCH "/clusters/staging/jobs/$jid?mode=cancel"
    [ "$CODE" = 202 ]
    jqb '. == {}'
    req GET "/clusters/staging/jobs/$jid"
    jqb '.state == "CANCELLING" or .state == "CANCELED"'
    until_job staging "$jid" CANCELED
    req PATCH "/clusters/staging/jobs/$jid?mode=stop"
    [ "$CODE" = 308 ]
    finished=$(curl -s "$SIM_URL/clusters/production/jobs/overview" |
        jq -er '[.jobs[] | select(.state == "FINISHED") | .jid][0]')
    req PATCH "/clusters/production/jobs/$finished?mode=cancel"
    [ "$CODE" = 409 ]
}

@test "resource-requirements: a map on development (adaptive); PUT restarts with the new parallelism; production says unsupported" {
    session_clusters
    jid=$(running_job development)
    req GET "/clusters/development/jobs/$jid"
    r0=$(jqr '.timestamps.RESTARTING')
    req GET "/clusters/development/jobs/$jid/resource-requirements"
    [ "$CODE" = 200 ]
    jqb 'length > 0 and all(.[]; .parallelism.lowerBound == 1 and .parallelism.upperBound >= 1)'
    vid=$(jqr 'keys[0]')
    jq --arg v "$vid" '.[$v].parallelism.upperBound = 7' "$T/body" >"$T/put.json"
    req PUT "/clusters/development/jobs/$jid/resource-requirements" -H 'Content-Type: application/json' \
        -d "@$T/put.json"
    [ "$CODE" = 200 ]
    poll_get 10 "/clusters/development/jobs/$jid" "[.vertices[] | select(.id == \"$vid\")][0]
        | .parallelism == 7 and .tasks.RUNNING == 7"
    # It went through RESTARTING on the way.
    jqb --argjson r0 "$r0" '.timestamps.RESTARTING > $r0 and .state == "RUNNING"'
    req GET "/clusters/development/jobs/$jid/resource-requirements"
    jqb --arg v "$vid" '.[$v].parallelism.upperBound == 7'
    req PUT "/clusters/development/jobs/$jid/resource-requirements" -d '{}'
    [ "$CODE" = 400 ]
    pjid=$(running_job production)
    req GET "/clusters/production/jobs/$pjid/resource-requirements"
    [ "$CODE" = 500 ]
    jqb 'any(.errors[]; contains("AdaptiveScheduler"))'
}

@test "FlinkDeployment parallelism patch: observedGeneration lags, UPGRADING then STABLE, the new job runs at the new parallelism" {
    app_clusters
    deployment_has flink-dev development '.status.lifecycleState == "STABLE"'
    gen=$(jqr '.metadata.generation')
    patch_deployment flink-dev development '{"spec":{"job":{"parallelism":3}}}'
    [ "$CODE" = 200 ]
    jqb --argjson g "$gen" '.metadata.generation == $g + 1 and .status.observedGeneration == $g'
    until_deployment flink-dev development \
        ".status.observedGeneration == $gen + 1 and .status.lifecycleState == \"UPGRADING\"" UPGRADING
    until_deployment flink-dev development \
        '.status.lifecycleState == "STABLE" and .status.reconciliationStatus.state == "DEPLOYED"'
    # the operator redeployed: the job runs under the id its status names (sim_lifecycle.bats)
    jid=$(jqr '.status.jobStatus.jobId')
    until_job development "$jid" RUNNING
    jqb 'any(.vertices[]; .parallelism == 3)'
    deployment_has flink-dev development '.status.reconciliationStatus.lastReconciledSpec | fromjson | .spec.job.parallelism == 3'
}

@test "FlinkDeployment suspend (upgradeMode savepoint): SUSPENDED, savepoint recorded, task manager pods gone" {
    app_clusters
    deployment_has flink-prod production '.spec.job.upgradeMode == "savepoint"'
    jid=$(jqr '.status.jobStatus.jobId')
    patch_deployment flink-prod production '{"spec":{"job":{"state":"suspended"}}}'
    [ "$CODE" = 200 ]
    until_deployment flink-prod production \
        '.status.lifecycleState == "SUSPENDED" and .status.jobStatus.state == "SUSPENDED"' SUSPENDED
    jqb '.status.jobStatus
        | (.upgradeSavepointPath | startswith("s3://flink-production/savepoints/savepoint-"))
        and .savepointInfo.lastSavepoint.location == .upgradeSavepointPath'
    # the operator deleted the cluster: its REST API is gone (sim_lifecycle.bats)
    req GET "/clusters/production/jobs/$jid"
    [ "$CODE" = 503 ]
    req GET "/api/v1/namespaces/flink-prod/pods?labelSelector=component%3Dtaskmanager"
    jqb '.items == []'
}

@test "FlinkDeployment savepointTriggerNonce: lastSavepoint with MANUAL and the nonce" {
    app_clusters
    patch_deployment flink-prod production '{"spec":{"job":{"savepointTriggerNonce":42}}}'
    [ "$CODE" = 200 ]
    until_deployment flink-prod production \
        '(.status.jobStatus.savepointInfo.lastSavepoint // {}).triggerNonce == 42'
    jqb '.status.jobStatus.savepointInfo.lastSavepoint
        | .triggerType == "MANUAL" and (.location | startswith("s3://flink-production/savepoints/"))'
}

@test "FlinkStateSnapshot: TRIGGER_PENDING, then COMPLETED with a path; the job's history has it" {
    app_clusters
    req POST "$FD/flink-prod/flinkstatesnapshots" -H 'Content-Type: application/json' \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkStateSnapshot","metadata":{"name":"sp-1"},"spec":{"jobReference":{"kind":"FlinkDeployment","name":"production"},"savepoint":{}}}'
    [ "$CODE" = 201 ]
    jqb '.status.state == "TRIGGER_PENDING"'
    poll_get 10 "$FD/flink-prod/flinkstatesnapshots/sp-1" '.status.state == "COMPLETED"' COMPLETED
    jqb '(.status.triggerId | length) == 32 and (.status.resultTimestamp | test("^[0-9]+$"))
        and .metadata.labels["snapshot.state"] == "COMPLETED"'
    path=$(jqr '.status.path')
    [[ $path == s3://flink-production/savepoints/savepoint-* ]]
    jid=$(running_job production)
    req GET "/clusters/production/jobs/$jid/checkpoints"
    jqb --arg p "$path" '.latest.savepoint.external_path == $p'
}

@test "/_sim/requests: exactly the mutating requests, bodies as sent; DELETE clears" {
    session_clusters
    jid=$(running_job production)
    req DELETE /_sim/requests
    req GET /clusters/production/overview
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{"target-directory":"s3://x"}'
    patch_deployment flink-dev development '{"spec":{"job":{"parallelism":2}}}'
    req PATCH "/clusters/staging/jobs/$(running_job staging)?mode=cancel"
    req GET /_sim/requests
    jqb --arg jid "$jid" --arg fd "$FD" '
        map([.method, (.path | split("/") | last)]) == [["POST", "savepoints"], ["PATCH", "development"], ["PATCH", (.[2].path | split("/") | last)]]
        and .[0].path == "/clusters/production/jobs/\($jid)/savepoints" and .[0].body == "{\"target-directory\":\"s3://x\"}"
        and .[1].path == "\($fd)/flink-dev/flinkdeployments/development"
        and (.[2].path | endswith("?mode=cancel")) and .[2].body == ""
        and all(.[]; (.time_ms | type) == "number" and .time_ms > 0)'
    req DELETE /_sim/requests
    req GET /_sim/requests
    jqb '. == []'
}

@test "409 after an out-of-band bump; 403 with the RBAC message while forbidden" {
    session_clusters
    deployment_has flink-prod production 'true'
    rv=$(jqr '.metadata.resourceVersion')
    req POST /_sim/k8s/flink-prod/production/bump
    [ "$CODE" = 200 ]
    patch_deployment flink-prod production "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"spec\":{\"restartNonce\":5}}"
    [ "$CODE" = 409 ]
    jqb '.reason == "Conflict"'
    req POST /_sim/k8s/flink-prod/nope/bump
    [ "$CODE" = 404 ]

    req POST /_sim/k8s/forbid -d '{"user":"alice"}'
    patch_deployment flink-prod production '{"spec":{"restartNonce":5}}'
    [ "$CODE" = 403 ]
    jqb --arg m 'flinkdeployments.flink.apache.org "production" is forbidden: User "alice" cannot patch resource "flinkdeployments" in API group "flink.apache.org" in the namespace "flink-prod"' \
        '.kind == "Status" and .reason == "Forbidden" and .code == 403 and .message == $m'
    req POST "$FD/flink-prod/flinkstatesnapshots" -d '{"metadata":{"name":"x"},"spec":{}}'
    [ "$CODE" = 403 ]
    jid=$(running_job production)
    req POST "/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/$jid/savepoints" -d '{}'
    [ "$CODE" = 403 ]
    req DELETE /_sim/k8s/forbid
    patch_deployment flink-prod production '{"spec":{"restartNonce":5}}'
    [ "$CODE" = 200 ]
}
