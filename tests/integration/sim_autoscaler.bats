#!/usr/bin/env bats
# The operator's autoscaler in the simulator: the default fleet's orders-enrichment has
# job.autoscaler.enabled "true"; the operator keeps its state in the ConfigMap
# autoscaler-orders-enrichment (scalingHistory and collectedMetrics as base64 gzip YAML,
# parallelismOverrides as VERTEX:P pairs) and reports each decision as a ScalingReport
# event; every ten minutes of the simulator's clock it scales the busiest vertex, and the
# job runs with the new parallelism. The other deployments have no such ConfigMap.
# Run after `make flinktop-sim`: bats tests/integration/sim_autoscaler.bats

load ../bats_speed

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
    sim_start --clock manual
}

teardown() {
    sim_stop
}

get() { curl -sf "$SIM_URL$1"; }

CM=/api/v1/namespaces/flink-production/configmaps/autoscaler-orders-enrichment

job_id() { get /clusters/orders-enrichment/jobs/overview | jq -r '.jobs[0].jid'; }

@test "the autoscaled deployment says so and its ConfigMap is there before any decision" {
    # (each process counts: one jq a document, no bash -c around a pipe)
    [ "$(get /apis/flink.apache.org/v1beta1/namespaces/flink-production/flinkdeployments/orders-enrichment |
        jq -r '.spec.flinkConfiguration["job.autoscaler.enabled"]')" = "true" ]
    get "$CM" >"$T/cm"
    # its labels; no decision yet: no overrides
    [ "$(jq -r '[.metadata.labels.component, .metadata.labels.app, .data.parallelismOverrides // "none"] | join(" ")' \
        "$T/cm")" = "autoscaler orders-enrichment none" ]
    # ... and an empty history
    jq -r '.data.scalingHistory' "$T/cm" | base64 -d | gunzip >"$T/history"
    grep -q '^---' "$T/history"
    # only the deployment that has it on has one
    [ "$(get /api/v1/configmaps | jq -r '.items[].metadata.name')" = "autoscaler-orders-enrichment" ]
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/api/v1/namespaces/flink-production/configmaps/autoscaler-real-time-analytics")" = "404" ]
}

@test "advancing the clock rescales the busiest vertex: overrides, history, event, job" {
    jid=$(job_id)
    get "/clusters/orders-enrichment/jobs/$jid" | jq -c '[.vertices[] | {(.id): .parallelism}] | add' >"$T/before"
    ! get /api/v1/namespaces/flink-production/events | jq -e '.items[] | select(.reason == "ScalingReport")' >/dev/null || false
    curl -sf -X POST -d '{"advance_ms":660000}' "$SIM_URL/_sim/clock" >/dev/null
    get "$CM" >"$T/cm"
    overrides=$(jq -r '.data.parallelismOverrides' "$T/cm")
    [[ "$overrides" =~ ^[0-9a-f]{32}:[0-9]+(,[0-9a-f]{32}:[0-9]+)+$ ]]
    # the report names the vertex and its parallelism before and after, in the operator's words
    msg=$(get /api/v1/namespaces/flink-production/events |
        jq -r '.items[] | select(.reason == "ScalingReport" and .involvedObject.name == "orders-enrichment") | .message')
    [[ "$msg" =~ ^Scaling\ execution\ enabled,\ begin\ scaling\ vertices:\{\ Vertex\ ID\ ([0-9a-f]{32})\ \|\ Parallelism\ ([0-9]+)\ -\>\ ([0-9]+)\ \|\ Processing\ capacity ]]
    vid=${BASH_REMATCH[1]} from=${BASH_REMATCH[2]} to=${BASH_REMATCH[3]}
    [ "$to" -gt "$from" ]
    [ "$(jq -r --arg v "$vid" '.[$v]' "$T/before")" = "$from" ]
    [[ ",$overrides" == *",$vid:$to"* ]]
    # the history holds the decision
    jq -r '.data.scalingHistory' "$T/cm" | base64 -d | gunzip >"$T/history"
    grep -q "\"$vid\":" "$T/history"
    grep -q "currentParallelism: $from" "$T/history"
    grep -q "newParallelism: $to" "$T/history"
    # and the job runs with it (the same job: an in-place, last-state rescale)
    [ "$(job_id)" = "$jid" ]
    [ "$(get "/clusters/orders-enrichment/jobs/$jid/vertices/$vid" | jq '.subtasks | length')" = "$to" ]
    # a second interval: a second report, the event's count goes up
    curl -sf -X POST -d '{"advance_ms":600000}' "$SIM_URL/_sim/clock" >/dev/null
    [ "$(get /api/v1/namespaces/flink-production/events |
        jq -r '.items[] | select(.reason == "ScalingReport") | .count')" = "2" ]
}
