#!/usr/bin/env bats
# Actions on plain Flink clusters and the operator's answers the user must read right:
# a savepoint directory asked for, cancel followed to CANCELED, the typed confirmation,
# a 409 and a 403, the redeploy picker, an answer lost after it arrived, what R touches.
# Each test has its own simulator (tests/e2e/actions_lib.bash).

load ../bats_speed
load lib
load actions_lib

@test "plain cluster without a savepoint directory: asked for one, POST /jobs/J/savepoints, the path shows" {
    sim_start --frozen --jobs 3 --action-steps-ms 200 || return 1
    plain_job staging "payments-ledger"
    keys s
    wait_for "Savepoint directory"
    type_text "s3://ops/sp"
    keys Enter
    wait_all "Confirm: savepoint" "target-directory"
    keys y
    wait_slow "savepoint at s3://ops/sp/savepoint-" 20
    expect_requests 'length' 1 \
        '.[0].path | startswith("/clusters/staging/jobs/") and endswith("/savepoints")' true \
        '.[0].body | fromjson | .["target-directory"]' s3://ops/sp
    wait_audit succeeded savepoint
}

@test "cancel a plain job: PATCH ?mode=cancel, followed to CANCELED; a second press while it runs sends nothing" {
    # the clock stands still until the test moves it: the cancel runs as long as needed
    sim_start --frozen --jobs 3 --action-steps-ms 1500 --clock manual || return 1
    plain_job production "fraud-detection"
    keys C
    wait_all "Confirm: cancel" "mode=cancel"
    keys y
    wait_for "cancel sent"
    # pressed again while it runs: asked first, and Enter (No) sends nothing
    keys C
    wait_for "may still be running: send cancel again?"
    keys Enter
    wait_for "nothing sent"
    # the cancel is done after one step: the clock makes it at once, and flinktop's next
    # follow-up read shows it (more steps, a turn later each, if one were not enough)
    sim_advance 1500
    POLL_S=0.25 until_advancing 1500 30 on_screen "cancel production/fraud-detection: job CANCELED"
    expect_requests 'length' 1 '.[0].method' PATCH '.[0].path | endswith("?mode=cancel")' true
}

@test "confirm: typed wants the job's name: a wrong one is refused, the right one sends" {
    k8s_sim || return 1
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    cat >"$XDG_CONFIG_HOME/flinktop/config.yaml" <<EOF
clusters:
  - name: production
    resource: production
    namespace: flink-prod
    confirm: typed
EOF
    operator_console
    keys s
    wait_for 'Type the job name "orders-enrichment"'
    keys y Enter
    wait_for "exactly"
    no_requests
    keys C-u
    type_text "orders-enrichment"
    keys Enter
    wait_for "savepoint sent"
    wait_slow "savepoint at" 20
    expect_requests 'length' 1
}

@test "a 409 (changed since read) and a 403 (RBAC) reach the user as meant" {
    k8s_sim || return 1
    operator_console
    keys R
    wait_for "Confirm: restart"
    # the resource changes on the server while the confirmation is open
    sim_curl /_sim/k8s/flink-prod/production/bump -X POST >/dev/null
    keys y
    wait_slow "conflict (409)" 15
    wait_audit failed restart
    # flinktop re-reads the resource at once: pressed again, it confirms against the new
    # resourceVersion and goes through
    local rv end=$(($(now_ms) + 15000 * SCALE))
    rv=$(sim_curl /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments/production |
        jq -er '.metadata.resourceVersion')
    until keys R && wait_for "Confirm: restart" && screen | grep -qF "\"resourceVersion\": \"$rv\""; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; return 1; }
        keys Escape
        nap 0.2
    done
    keys y
    wait_slow "restart production/orders-enrichment: reconciled" 30
    # forbidden: the RBAC line
    sim_curl /_sim/k8s/forbid -X POST >/dev/null
    keys Escape
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_slow "forbidden (403)" 15
    wait_audit failed savepoint
    grep -q 'forbidden (403): .*cannot create resource' "$AUDIT"
}

@test "redeploy: the picker never offers a checkpoint Flink discarded, and shows age, type, format, size and job" {
    k8s_sim || return 1
    operator_console
    type_text ":job orders-enrichment"
    keys Enter
    wait_for "1 Overview"
    keys 2
    wait_for "chk-"
    keys D
    wait_all "Redeploy from a savepoint" "discarded checkpoints" "FORMAT"
    # what the simulator (as Flink) says was discarded
    local jid discarded
    jid=$(sim_curl /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/overview |
        jq -er '[.jobs[] | select(.name == "orders-enrichment") | .jid][0]')
    discarded=$(sim_curl "/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/$jid/checkpoints" |
        jq -r '[.history[] | select(.discarded) | "chk-\(.id)"] | join(" ")')
    [ -n "$discarded" ] # the test means something only when some were discarded
    grab # one capture for every check
    for chk in $discarded; do
        ! grep -qE "$chk\$|$chk " <<<"$SCREEN" || { echo "$SCREEN" >&2; echo "offered $chk" >&2; return 1; }
    done
    screen | grep -E '^.*(checkpoint) ' | grep -q "orders-enrichm" # the job it came from
    keys Escape
    wait_for "nothing sent"
    no_requests
}

@test "a savepoint whose answer is lost after it arrived is unknown, then applied after the follow, never failed" {
    k8s_sim || return 1
    operator_console
    # the simulator carries the POST out and closes the connection without answering
    sim_curl /_sim/faults -X POST \
        -d '{"pattern":"/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots","mode":"drop"}' >/dev/null
    keys s
    wait_for "Confirm: savepoint"
    keys y
    local end=$(($(now_ms) + 15000 * SCALE))
    until [ "$(requests_count)" = 1 ]; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; requests '.' >&2; return 1; }
        nap 0.1
    done
    sim_curl /_sim/faults -X DELETE >/dev/null
    wait_slow "applied (its answer was lost): savepoint at s3://" 30
    wait_audit succeeded savepoint
    ! grep -q '"phase":"failed"' "$AUDIT" || false
    # the same key again while nothing is running goes straight to the confirmation
    keys o
    wait_all "Operations (1)" "applied"
    expect_requests 'length' 1
}

@test "R says what else it touches: every job of the session cluster by name, how old the data is" {
    k8s_sim --jobs 3 || return 1 # session clusters: several jobs share one FlinkDeployment
    operator_console
    keys R
    wait_all "Confirm: restart" "touches every job of session cluster production:"
    local n
    local names
    names=$(sim_curl /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/overview |
        jq -r '.jobs[].name')
    grab # one capture for every name
    for name in $names; do
        [[ $SCREEN == *"$name"* ]] || { echo "$SCREEN" >&2; echo "missing $name" >&2; return 1; }
        n=$((n + 1))
    done
    [ "$n" -ge 2 ]
    wait_all "task managers" "data behind this:"
    keys n
    wait_for "nothing sent"
    no_requests
}

@test "a restart whose answer is lost: the resource read back carries the patch, so it is applied and followed to STABLE" {
    k8s_sim || return 1
    operator_console
    keys R
    wait_for "Confirm: restart"
    sim_curl /_sim/faults -X POST \
        -d '{"pattern":"/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments/production","mode":"drop"}' >/dev/null
    keys y
    local end=$(($(now_ms) + 15000 * SCALE))
    until [ "$(requests_count)" = 1 ]; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; return 1; }
        nap 0.1
    done
    sim_curl /_sim/faults -X DELETE >/dev/null
    wait_slow "restart production/orders-enrichment: applied (its answer was lost): reconciled" 30
    wait_for "STABLE"
    wait_audit succeeded restart
    ! grep -q '"phase":"failed"' "$AUDIT" || false
    expect_requests 'length' 1
}
