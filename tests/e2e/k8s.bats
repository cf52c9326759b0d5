#!/usr/bin/env bats
# The console against the simulator posing as a Kubernetes API server (TLS, bearer
# token): FlinkDeployments on the clusters screen, the job screen's Kubernetes tab, a
# FlinkStateSnapshot followed there to COMPLETED.

load ../bats_speed
load lib

TOKEN=secret-token-123

# One simulator for the file (the suite's certificate, its clock standing still); the
# snapshot test starts its own. $BATS_TEST_TMPDIR/C and KC are its certificate and
# kubeconfig in every test.
setup_file() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    test_cert || return 1
    e2e_setup_file --clock manual --token "$TOKEN" --tls-cert "$TEST_CERT" --tls-key "$TEST_KEY" \
        --kubeconfig-out "$BATS_FILE_TMPDIR/KC"
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
    local d=$BATS_TEST_TMPDIR
    test_cert || return 1
    cp "$TEST_CERT" "$d/C" && cp "$TEST_KEY" "$d/K" && cp -p "$BATS_FILE_TMPDIR/KC" "$d/KC"
}

teardown() {
    e2e_teardown
}

# The consoles refresh every 0.5 s: what the tests wait for after the first screen (the
# narrowed fleet's states, a created cluster's job) is a refresh or two; until_advancing
# moves the simulator's clock after one of them.
REFRESH=(--refresh 0.5)
ADVANCE_EVERY_MS=600

# row_is TEXT REGEX: a row of the screen now holds TEXT and matches REGEX (extended, as
# grep -E), looked at by bash (one process: the capture)
row_is() {
    local line
    grab
    while IFS= read -r line; do
        [[ $line == *"$1"* && $line =~ $2 ]] && return 0
    done <"$SCREEN_FILE"
    return 1
}

# wait_row TEXT REGEX [SECONDS=10]: until the screen row holding TEXT matches REGEX (-E)
_wait_row() {
    local end
    tick
    end=$((NOW_MS + ${3:-10} * 1000 * SCALE))
    while :; do
        row_is "$1" "$2" && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        nap "$POLL_S"
    done
    echo "timed out after ${3:-10}s waiting for a row with '$1' matching: $2" >&2
    screen >&2
    return 1
}
wait_row() { (trap - DEBUG; _wait_row "$@"); }

@test "FlinkDeployments show on the clusters screen and in the job's Kubernetes tab" {
    console 160 50 --kubeconfig "$BATS_TEST_TMPDIR/KC" "${REFRESH[@]}"
    # the default fleet: an application cluster a job, in three environments' namespaces
    poll 15 shows "real-time-analytics" "inventory-sync" "geo-aggregation" "analytics-session" \
        "flink-production" "flink-development" "STABLE" "NAMESPACE" "LIFECYCLE"
    # the clusters come in the simulator's order: real-time-analytics is the first row
    keys Home
    screen | grep -A1 " NAME " | grep -q "real-time-analytics"
    keys Enter
    wait_for "Jobs: real-time-analytics ("
    keys Enter
    wait_for "1 Overview"
    keys 6
    poll 10 shows "Pods (" "taskmanager" "real-time-analytics-taskmanager-1-1" "Events (" \
        "SavepointError"
    grab
    [[ $SCREEN == *Normal* || $SCREEN == *Warning* ]]
    # the bearer token never reaches the screen (nor stderr)
    [[ $SCREEN != *"$TOKEN"* ]]
    ! grep -qF "$TOKEN" "$BATS_TEST_TMPDIR/stderr" 2>/dev/null || false
}

@test "the Kubernetes tab lists the cluster's JobManager Deployment: ready/desired, up to date, available, rollout" {
    console 160 50 --kubeconfig "$BATS_TEST_TMPDIR/KC" "${REFRESH[@]}"
    wait_for "real-time-analytics" 15
    keys Home Enter
    wait_for "Jobs: real-time-analytics ("
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Deployments (1)" 15
    wait_for "UP-TO-DATE"
    # the operator's JobManager Deployment, named after the FlinkDeployment, and done
    wait_row "complete" '^ *real-time-analytics +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ +complete +[0-9]+[dhms]'
    off_screen "rollout in progress"
}

@test ":ns flink-production narrows the fleet, :ns all brings it back, :ctx of an unknown name says so" {
    console 160 40 --kubeconfig "$BATS_TEST_TMPDIR/KC" "${REFRESH[@]}"
    wait_for "geo-aggregation" 15
    wait_for "inventory-sync"
    wait_for "ns all"
    keys : ns Space flink-production Enter
    wait_gone "inventory-sync"
    wait_gone "geo-aggregation"
    wait_for "ns flink-production"
    screen | grep -q "real-time-analytics"
    # the narrowed fleet is live: production still answers
    wait_for "STABLE"
    keys : ns Space all Enter
    wait_for "inventory-sync"
    wait_for "geo-aggregation"
    wait_for "ns all"
    keys : ctx Space nope Enter
    wait_for 'no context "nope" in the kubeconfig'
    screen | grep -q "inventory-sync"
}

@test "a FlinkStateSnapshot created through the API shows in the Kubernetes tab until COMPLETED with its path" {
    # a simulator of its own (it creates a snapshot), the clock moved while waiting
    local d=$BATS_TEST_TMPDIR
    sim_start --token "$TOKEN" --tls-cert "$d/C" --tls-key "$d/K" --kubeconfig-out "$d/KC" \
        --action-steps-ms 300 --clock manual || return 1
    console 160 50 --kubeconfig "$d/KC" -n flink-production "${REFRESH[@]}"
    wait_for "real-time-analytics" 15
    keys Home Enter
    wait_for "Jobs: real-time-analytics ("
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Snapshots ("
    # as kubectl create would: the operator fills in the status
    curl -sf --cacert "$d/C" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -o "$d/created" -X POST "$SIM_URL/apis/flink.apache.org/v1beta1/namespaces/flink-production/flinkstatesnapshots" \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkStateSnapshot","metadata":{"generateName":"real-time-analytics-savepoint-"},"spec":{"jobReference":{"kind":"FlinkDeployment","name":"real-time-analytics"},"savepoint":{}}}'
    name=$(jq -er .metadata.name "$d/created")
    [[ $name == real-time-analytics-savepoint-* ]]
    # the filter narrows the tab to it, wherever the section lies
    keys / "$name" Enter
    wait_for "Snapshots (1 of"
    wait_for "$name"
    # its own row: pending, in progress, then completed with where it lies
    until_advancing 1500 20 row_is "$name" "savepoint +COMPLETED +[0-9]+[smh] +s3://"
    screen | grep -F "$name" >&2
}

@test "a FlinkDeployment created through the API appears on the clusters screen and comes up STABLE with its job" {
    # a simulator of its own (it creates a cluster), the clock moved while waiting
    local d=$BATS_TEST_TMPDIR
    sim_start --token "$TOKEN" --tls-cert "$d/C" --tls-key "$d/K" --kubeconfig-out "$d/KC" \
        --action-steps-ms 300 --clock manual || return 1
    console 160 50 --kubeconfig "$d/KC" -n flink-development "${REFRESH[@]}"
    wait_for "geo-aggregation" 15
    # as kubectl create would
    curl -sf --cacert "$d/C" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -o /dev/null -X POST "$SIM_URL/apis/flink.apache.org/v1beta1/namespaces/flink-development/flinkdeployments" \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment","metadata":{"name":"basic-example"},"spec":{"image":"flink:1.20","flinkVersion":"v1_20","serviceAccount":"flink","jobManager":{"resource":{"memory":"2048m","cpu":1}},"taskManager":{"resource":{"memory":"2048m","cpu":1}},"job":{"jarURI":"local:///opt/flink/examples/streaming/StateMachineExample.jar","parallelism":2,"upgradeMode":"stateless"}}}'
    until_advancing 600 30 row_is "basic-example" "STABLE"
    # its Flink REST API answers through the proxy: the job shows on its jobs screen
    keys / basic-example Enter
    wait_for "basic-example"
    keys Enter
    wait_for "Jobs: basic-example"
    wait_for "StateMachineExample"
    screen | grep -F "StateMachineExample" | grep -q "RUNNING"
}
