#!/usr/bin/env bats
# Actions in a real terminal against the simulator, which records every mutating request
# it receives (/_sim/requests): each key shows a confirmation naming where and what;
# `n` (and Enter) sends nothing; `y` sends exactly one request of the right shape, the
# screen follows it to its result, and the audit log has a line per phase and no token.
# Read-only, typed confirmation, a double press, a 409 and a 403 too.

load lib
load actions_lib

@test "savepoint through the operator: n sends nothing, y creates one FlinkStateSnapshot, the path shows, audited" {
    k8s_sim || return 1
    operator_console
    keys s
    wait_for "Confirm: savepoint"
    wait_for "context    flinktop-sim"
    wait_for "namespace  flink-prod"
    wait_for "cluster    production"
    wait_for "orders-enrichment ("
    wait_for "FlinkStateSnapshot"
    keys n
    wait_for "savepoint cancelled: nothing sent"
    [ "$(requests 'length')" = 0 ]
    # Enter takes the default, which is No
    keys s
    wait_for "Confirm: savepoint"
    keys Enter
    wait_for "nothing sent"
    [ "$(requests 'length')" = 0 ]
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_for "savepoint production/orders-enrichment: savepoint at s3://" 20
    [ "$(requests 'length')" = 1 ]
    [ "$(requests '.[0].method')" = POST ]
    [ "$(requests '.[0].path')" = /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots ]
    [ "$(requests '.[0].body | fromjson | .spec.jobReference.name')" = production ]
    keys o
    wait_for "Operations (1)"
    wait_for "succeeded"
    audit_has requested savepoint
    audit_has succeeded savepoint
    [ "$(stat -c %a "$AUDIT")" = 600 ]
    ! grep -qF "$TOKEN" "$AUDIT" || false
    grep -q '"context":"flinktop-sim","namespace":"flink-prod","cluster":"production"' "$AUDIT"
}

@test "stop with savepoint through the operator patches upgradeMode and state, followed to SUSPENDED" {
    k8s_sim || return 1
    operator_console
    keys S
    wait_for "Confirm: stop"
    wait_for '"upgradeMode": "savepoint"'
    wait_for '"suspended"}}}'
    wait_for "resourceVersion"
    keys y
    wait_for "stop production/orders-enrichment: reconciled" 30
    wait_for "SUSPENDED"
    [ "$(requests 'length')" = 1 ]
    [ "$(requests '.[0].method')" = PATCH ]
    [ "$(requests '.[0].body | fromjson | .spec.job | tojson')" = '{"upgradeMode":"savepoint","state":"suspended"}' ]
    wait_audit succeeded stop
}

@test "suspend through the operator: C patches state only (its upgradeMode decides), n first sends nothing" {
    k8s_sim || return 1
    operator_console
    keys C
    wait_for "Confirm: suspend"
    wait_for '"state": "suspended"'
    keys n
    wait_for "nothing sent"
    [ "$(requests 'length')" = 0 ]
    keys C
    wait_for "Confirm: suspend"
    keys y
    wait_for "suspend production/orders-enrichment: reconciled" 30
    [ "$(requests '.[0].body | fromjson | .spec | tojson')" = '{"job":{"state":"suspended"}}' ]
    [ "$(requests 'length')" = 1 ]
}

@test "rescale through the operator: prefilled prompt, out-of-range refused, the patch names the new parallelism" {
    k8s_sim || return 1
    operator_console
    keys r
    wait_for "New parallelism"
    wait_for "allowed 1 to"
    keys C-u
    type_text "100000"
    keys Enter
    wait_for "parallelism"
    [ "$(requests 'length')" = 0 ]
    keys C-u
    type_text "3"
    keys Enter
    wait_for "Confirm: rescale"
    wait_for '{"parallelism": 3}'
    keys y
    wait_for "rescale production/orders-enrichment: reconciled" 30
    [ "$(requests 'length')" = 1 ]
    [ "$(requests '.[0].body | fromjson | .spec.job.parallelism')" = 3 ]
}

@test "restart through the operator bumps restartNonce; the pods restart" {
    k8s_sim || return 1
    operator_console
    keys R
    wait_for "Confirm: restart"
    wait_for "restartNonce"
    keys y
    wait_for "restart production" 30
    wait_audit succeeded restart 30
    [ "$(requests 'length')" = 1 ]
    [ "$(requests '.[0].body | fromjson | .spec | has("restartNonce")')" = true ]
    # the restarts column counts them
    keys Escape
    wait_for "STABLE"
}

@test "redeploy: a fresh savepoint is the newest choice, checkpoints too; the patch names the path and a new nonce" {
    k8s_sim || return 1
    operator_console
    type_text ":job orders-enrichment"
    keys Enter
    wait_for "1 Overview"
    keys 2 # the checkpoints the choice is made from
    wait_for "chk-"
    # a fresh savepoint first: it is the newest place to start from
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_for "savepoint production/orders-enrichment: savepoint at" 20
    keys D
    wait_for "Redeploy from a savepoint"
    wait_for "> "
    screen | grep -E '> (savepoint|snapshot) ' | grep -q "savepoint-"
    screen | grep -q "  checkpoint " # retained checkpoints are offered too
    keys Enter
    wait_for "Confirm: redeploy"
    wait_for "restores the state of job orders-enrichment from a"
    wait_for '"initialSavepointPath":'
    wait_for "savepointRedeployNonce"
    keys y
    wait_for "redeploy production/orders-enrichment: reconciled" 30
    [ "$(requests 'length')" = 2 ]
    [ "$(requests '.[1].body | fromjson | .spec.job.initialSavepointPath | split("/") | last | startswith("savepoint-")')" = true ]
    wait_audit succeeded redeploy
}

@test "apply a profile: the diff against flinkConfiguration, then one merge-patch" {
    k8s_sim || return 1
    operator_console
    keys P
    wait_for "Which profile?"
    wait_for "rocksdb-balanced"
    # the choice list moves with j/k: pick the low-latency profile
    for _ in $(seq 1 20); do
        screen | grep -q "> low-latency" && break
        keys j
    done
    wait_for "> low-latency"
    keys Enter
    wait_for "Confirm: profile"
    wait_for "added,"
    wait_for "flinkConfiguration"
    keys y
    wait_for "profile production" 30
    [ "$(requests 'length')" = 1 ]
    [ "$(requests '.[0].body | fromjson | .spec | has("flinkConfiguration")')" = true ]
}
