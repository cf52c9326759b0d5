#!/usr/bin/env bats
# Actions in a real terminal against the simulator, which records every mutating request
# it receives (/_sim/requests): each key shows a confirmation naming where and what;
# `n` (and Enter) sends nothing; `y` sends exactly one request of the right shape, the
# screen follows it to its result, and the audit log has a line per phase and no token.
# Read-only, typed confirmation, a double press, a 409 and a 403 too.

load ../bats_speed
load lib
load actions_lib

@test "savepoint through the operator: n sends nothing, y creates one FlinkStateSnapshot, the path shows, audited" {
    k8s_sim || return 1
    operator_console
    keys s
    wait_all "Confirm: savepoint" "context    flinktop-sim" "namespace  flink-prod" \
        "cluster    production" "orders-enrichment (" "FlinkStateSnapshot"
    keys n
    wait_for "savepoint cancelled: nothing sent"
    no_requests
    # Enter takes the default, which is No
    keys s
    wait_for "Confirm: savepoint"
    keys Enter
    wait_for "nothing sent"
    no_requests
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_slow "savepoint production/orders-enrichment: savepoint at s3://" 20
    expect_requests 'length' 1 '.[0].method' POST \
        '.[0].path' /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots \
        '.[0].body | fromjson | .spec.jobReference.name' production
    keys o
    wait_all "Operations (1)" "succeeded"
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
    wait_all "Confirm: stop" '"upgradeMode": "savepoint"' '"suspended"}}}' "resourceVersion"
    keys y
    wait_slow "stop production/orders-enrichment: reconciled" 30
    wait_for "SUSPENDED"
    expect_requests 'length' 1 '.[0].method' PATCH \
        '.[0].body | fromjson | .spec.job | tojson' '{"upgradeMode":"savepoint","state":"suspended"}'
    wait_audit succeeded stop
}

@test "suspend through the operator: C patches state only (its upgradeMode decides), n first sends nothing" {
    k8s_sim || return 1
    operator_console
    keys C
    wait_all "Confirm: suspend" '"state": "suspended"'
    keys n
    wait_for "nothing sent"
    no_requests
    keys C
    wait_for "Confirm: suspend"
    keys y
    wait_slow "suspend production/orders-enrichment: reconciled" 30
    expect_requests '.[0].body | fromjson | .spec | tojson' '{"job":{"state":"suspended"}}' 'length' 1
}

@test "rescale through the operator: prefilled prompt, out-of-range refused, the patch names the new parallelism" {
    k8s_sim || return 1
    operator_console
    keys r
    wait_all "New parallelism" "allowed 1 to"
    keys C-u
    type_text "100000"
    keys Enter
    wait_for "parallelism"
    no_requests
    keys C-u
    type_text "3"
    keys Enter
    wait_all "Confirm: rescale" '{"parallelism": 3}'
    keys y
    wait_slow "rescale production/orders-enrichment: reconciled" 30
    expect_requests 'length' 1 '.[0].body | fromjson | .spec.job.parallelism' 3
}

@test "restart through the operator bumps restartNonce; the pods restart" {
    k8s_sim || return 1
    operator_console
    keys R
    wait_all "Confirm: restart" "restartNonce"
    keys y
    wait_slow "restart production" 30
    wait_audit succeeded restart 30
    expect_requests 'length' 1 '.[0].body | fromjson | .spec | has("restartNonce")' true
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
    wait_slow "savepoint production/orders-enrichment: savepoint at" 20
    keys D
    wait_all "Redeploy from a savepoint" "> "
    screen | grep -E '> (savepoint|snapshot) ' | grep -q "savepoint-"
    screen | grep -q "  checkpoint " # retained checkpoints are offered too
    keys Enter
    wait_all "Confirm: redeploy" "restores the state of job orders-enrichment from a" \
        '"initialSavepointPath":' "savepointRedeployNonce"
    keys y
    wait_slow "redeploy production/orders-enrichment: reconciled" 30
    expect_requests 'length' 2 \
        '.[1].body | fromjson | .spec.job.initialSavepointPath | split("/") | last | startswith("savepoint-")' true
    wait_audit succeeded redeploy
}

# picked: PICKED, the profile the choice list's cursor (">") is on now ("" if none)
picked() {
    local l
    PICKED=""
    grab
    while IFS= read -r l; do
        [[ $l =~ │\ \>\ ([a-z0-9-]+) ]] && PICKED=${BASH_REMATCH[1]} && return 0
    done <"$SCREEN_FILE"
}
picked_other_than() { picked && [ -n "$PICKED" ] && [ "$PICKED" != "$1" ]; }

@test "apply a profile: the diff against flinkConfiguration, then one merge-patch" {
    k8s_sim || return 1
    operator_console
    keys P
    wait_all "Which profile?" "rocksdb-balanced"
    # the choice list moves with j/k: down to the low-latency profile, each press waited
    # for (presses sent ahead of the redraw would go past it)
    local was
    for _ in $(seq 1 20); do
        picked && [ "$PICKED" = low-latency ] && break
        was=$PICKED
        keys j
        poll 5 picked_other_than "$was"
    done
    wait_for "> low-latency"
    keys Enter
    wait_all "Confirm: profile" "added," "flinkConfiguration"
    keys y
    wait_slow "profile production" 30
    expect_requests 'length' 1 '.[0].body | fromjson | .spec | has("flinkConfiguration")' true
}
