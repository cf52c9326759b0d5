#!/usr/bin/env bats
# Restart of a standalone Flink cluster on Kubernetes (issue 6): a plain cluster (a Flink
# URL in the config) that names its Deployment and namespace. R on one of its jobs shows
# a confirmation naming context, namespace, Deployment and the exact patch; y sends one
# PATCH of spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] to the
# API server of the kubeconfig's context; the simulated cluster's jobs restart.

load ../bats_speed
load lib

TOKEN=standalone-token-31

setup() {
    e2e_setup
    export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
    export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
    AUDIT=$XDG_STATE_HOME/flinktop/audit.log
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
}

teardown() {
    e2e_teardown
    if [ -n "${K8S_PID:-}" ]; then
        kill "$K8S_PID" 2>/dev/null
        wait "$K8S_PID" 2>/dev/null
    fi
    return 0
}

# requests URL JQ_FILTER: the filter over the mutating requests URL received (an array),
# raw (jq, not python3: a python3 costs a tenth of a second of CPU here)
requests() {
    curl -skf -H "Authorization: Bearer $TOKEN" "$1/_sim/requests" | jq -r "$2"
}

# config URL [extra cluster lines]: the default fleet's standalone cluster (a plain
# cluster to flinktop) with its Deployment
config() {
    cat >"$XDG_CONFIG_HOME/flinktop/config.yaml" <<EOF
clusters:
  - name: legacy-reports
    flink: $1/clusters/legacy-reports
    deployment: legacy-reports-jobmanager
    namespace: flink-development
${2:-}
EOF
}

# legacy-reports' jobs screen, audit-log-archiver found with the filter
standalone_job() {
    console 140 45 --refresh 1 "$@"
    wait_for "legacy-reports" 15
    keys -l -- ":cluster legacy-reports"
    keys Enter
    wait_for "Jobs: legacy-reports ("
    keys /
    keys -l -- "audit-log-archiver"
    keys Enter
    wait_for "filter: audit-log-archiver"
}

audited() { # PHASE ACTION: the audit log has that line now
    [ -f "$AUDIT" ] && grep -q "\"action\":\"$2\".*\"phase\":\"$1\"" "$AUDIT"
}
wait_audit() { # PHASE ACTION
    poll 15 audited "$@" || { cat "$AUDIT" >&2 2>/dev/null; return 1; }
}

@test "R on a standalone cluster's job: n sends nothing; y patches restartedAt once; the jobs restart" {
    # long steps, and the clock stands still until the test moves it: every state is seen
    sim_start --frozen --action-steps-ms 2500 --clock manual \
        --kubeconfig-out "$BATS_TEST_TMPDIR/KC" || return 1
    config "$SIM_URL"
    standalone_job --kubeconfig "$BATS_TEST_TMPDIR/KC"
    keys R
    poll 10 shows "Confirm: restart" "context    flinktop-sim" "namespace  flink-development" \
        "deployment  legacy-reports-jobmanager" "audit-log-archiver (" \
        "PATCH /apis/apps/v1/namespaces/flink-development/deployments/legacy-reports-jobmanager" \
        '"kubectl.kubernetes.io/restartedAt":'
    keys n
    wait_for "restart cancelled: nothing sent"
    [ "$(requests "$SIM_URL" length)" = 0 ]
    keys R
    wait_for "Confirm: restart"
    keys y
    # the new job manager submits the job again: RESTARTING on screen, then RUNNING
    until_advancing 2500 15 on_screen "RESTARTING"
    # followed to the end
    until_advancing 2500 30 on_screen "restart legacy-reports/audit-log-archiver: rolled out:"
    [ "$(requests "$SIM_URL" length)" = 1 ]
    [ "$(requests "$SIM_URL" '.[0].method')" = PATCH ]
    [ "$(requests "$SIM_URL" '.[0].path')" = \
        /apis/apps/v1/namespaces/flink-development/deployments/legacy-reports-jobmanager ]
    [ "$(requests "$SIM_URL" '.[0].body | fromjson | .spec.template.metadata.annotations | keys_unsorted | tojson')" = \
        '["kubectl.kubernetes.io/restartedAt"]' ]
    until_advancing 2500 20 off_screen "RESTARTING"
    # and the Deployment's rollout completes
    local left=20
    until curl -sf "$SIM_URL/apis/apps/v1/namespaces/flink-development/deployments/legacy-reports-jobmanager" |
        jq -e '.status.observedGeneration >= .metadata.generation and .metadata.generation == 2
            and .status.updatedReplicas == .status.replicas and .status.replicas == 1' >/dev/null; do
        [ $((left -= 1)) -gt 0 ] || return 1
        sim_advance 2500
    done
    wait_audit succeeded restart
    grep -q '"context":"flinktop-sim","namespace":"flink-development","cluster":"legacy-reports"' "$AUDIT"
}

# deploy_gets: the GETs of Deployments the simulator has had (by name or by label)
deploy_gets() { sim_count '^/apis/apps/v1/namespaces/[{]ns[}]/deployments'; }
# OVERVIEW: the path of a cluster's /overview, asked once a refresh
OVERVIEW='^/clusters/[{]cluster[}]/overview$'

@test "tab 6 of a standalone cluster: its Deployments through its context, a restart's rollout as it goes" {
    sim_start --frozen --action-steps-ms 2500 --clock manual \
        --kubeconfig-out "$BATS_TEST_TMPDIR/KC" || return 1
    config "$SIM_URL"
    # no --kubeconfig: the Deployment's context is used for it alone (nothing is watched)
    export KUBECONFIG=$BATS_TEST_TMPDIR/KC
    standalone_job
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Deployment flink-development/legacy-reports-jobmanager (standalone; context flinktop-sim)"
    wait_for "Deployments (2)"
    # the one a restart patches first, then the task managers' (the same app label)
    poll 10 screen_matches '^ *legacy-reports-jobmanager +1/1 +1 +1 +complete'
    screen | grep -A1 -E '^ *legacy-reports-jobmanager ' | grep -qE '^ *legacy-reports-taskmanager +2/2 '
    keys R
    wait_for "Confirm: restart"
    keys y
    until_advancing 2500 30 on_screen "legacy-reports-jobmanager: rollout in progress"
    until_advancing 2500 60 screen_matches '^ *legacy-reports-jobmanager +1/1 +1 +1 +complete'
    off_screen "rollout in progress"
    # (the restart follows its rollout with GETs of its own: over before the check below)
    until_advancing 2500 30 on_screen "restart legacy-reports/audit-log-archiver: rolled out:"
    # asked while the cluster is in view only: not from the clusters screen
    keys Escape Escape Escape # the job, the filter, the jobs
    wait_for "Clusters (1)"
    local before overviews
    overviews=$(sim_count "$OVERVIEW")
    wait_sim_count "$OVERVIEW" $((overviews + 1)) # a refresh (one asked before may land)
    before=$(deploy_gets)
    wait_sim_count "$OVERVIEW" $((overviews + 6)) # five more
    [ "$(deploy_gets)" -eq "$before" ]
}

@test "tab 6 of a standalone cluster whose Deployment is not there says so, and where" {
    sim_start --frozen --kubeconfig-out "$BATS_TEST_TMPDIR/KC" || return 1
    cat >"$XDG_CONFIG_HOME/flinktop/config.yaml" <<EOF
clusters:
  - name: legacy-reports
    flink: $SIM_URL/clusters/legacy-reports
    deployment: legacy-reports-gone
    namespace: flink-development
EOF
    export KUBECONFIG=$BATS_TEST_TMPDIR/KC
    standalone_job
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Deployment flink-development/legacy-reports-gone (standalone; context flinktop-sim)"
    wait_for "deployment flink-development/legacy-reports-gone: 404"
}

@test "the Deployment's API server wants a token over TLS: the context's credential is used, never logged" {
    # Flink REST from one simulator, the Kubernetes API from another (TLS and a token)
    sim_start --frozen || return 1
    local flink=$SIM_URL d=$BATS_TEST_TMPDIR
    test_cert || return 1
    local log=$d/k8s.log
    # its clock stands still: the test moves it while flinktop follows the rollout
    "$FLINKTOP_SIM" --port 0 --frozen --clock manual --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$d/KC" >"$log" 2>&1 3>&- &
    K8S_PID=$!
    local end=$(($(now_ms) + 5000 * SCALE)) k8s=""
    until k8s=$(sed -n 's/^listening on //p' "$log") && [ -n "$k8s" ]; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        nap 0.05
    done
    config "$flink"
    # no --kubeconfig: the Deployment alone makes flinktop load KUBECONFIG
    export KUBECONFIG=$d/KC
    standalone_job
    keys R
    wait_for "Confirm: restart"
    wait_for "context    flinktop-sim"
    keys y
    SIM_URL=$k8s until_advancing 1500 30 on_screen "restart legacy-reports/audit-log-archiver: rolled out:"
    [ "$(requests "$k8s" length)" = 1 ]
    [ "$(requests "$k8s" '.[0].path')" = \
        /apis/apps/v1/namespaces/flink-development/deployments/legacy-reports-jobmanager ]
    [ "$(requests "$flink" length)" = 0 ]
    wait_audit succeeded restart
    ! grep -qF "$TOKEN" "$AUDIT" || false
    # forbidden by RBAC: the Status message reaches the user
    curl -skf -H "Authorization: Bearer $TOKEN" -X POST "$k8s/_sim/k8s/forbid" >/dev/null
    keys R
    wait_for "Confirm: restart"
    keys y
    wait_for "forbidden (403)" 15
    wait_audit failed restart
    grep -q 'forbidden (403): .*cannot patch resource .*deployments' "$AUDIT"
}

@test "with an empty kubeconfig the plain cluster still works and R says what is missing" {
    sim_start --frozen || return 1
    config "$SIM_URL"
    export KUBECONFIG=$BATS_TEST_TMPDIR/missing HOME=$BATS_TEST_TMPDIR
    standalone_job
    keys R
    wait_for "Confirm: restart"
    keys y
    wait_for "restart: the kubeconfig has no current-context" 10
    wait_for "nothing sent"
    [ "$(requests "$SIM_URL" length)" = 0 ]
}
