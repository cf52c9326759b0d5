#!/usr/bin/env bats
# Actions in a real terminal against the simulator, which records every mutating request
# it receives (/_sim/requests): each key shows a confirmation naming where and what;
# `n` (and Enter) sends nothing; `y` sends exactly one request of the right shape, the
# screen follows it to its result, and the audit log has a line per phase and no token.
# Read-only, typed confirmation, a double press, a 409 and a 403 too.

load lib

TOKEN=actions-token-77

setup() {
    e2e_setup
    export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
    export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
    AUDIT=$XDG_STATE_HOME/flinktop/audit.log
}

teardown() {
    e2e_teardown
}

# The simulator as a Kubernetes API server (TLS with the suite's certificate, token),
# actions in short steps, no random savepoint failures; application clusters (--jobs 1),
# whose one job is the FlinkDeployment's. Every test changes its state: each has its own.
k8s_sim() {
    local d=$BATS_TEST_TMPDIR
    test_cert || return 1
    sim_start --frozen --jobs 1 --action-steps-ms 200 --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$d/KC" "$@"
}

sim_curl() { curl -skf -H "Authorization: Bearer $TOKEN" "$SIM_URL$1" "${@:2}"; }

# requests PY_EXPR: evaluate a Python expression over r, the list of mutating requests
requests() {
    sim_curl /_sim/requests | python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"
}

type_text() { t send-keys -l -- "$1"; }

# operator: the console on the simulator's kubeconfig, production's row selected
operator_console() {
    console 140 45 --refresh 1 --kubeconfig "$BATS_TEST_TMPDIR/KC" "$@"
    wait_for "STABLE" 15
    wait_for "development"
    keys Home
}

# a job of a --flink cluster: its jobs screen, the job found with the filter
plain_job() { # CLUSTER JOB [flinktop args]
    local cluster=$1 job=$2
    shift 2
    console 140 45 --refresh 1 "$@" $(sim_flink_args)
    wait_for "1.18.1" 15
    type_text ":cluster $cluster"
    keys Enter
    wait_for "Jobs: $cluster"
    keys /
    type_text "$job"
    keys Enter
    wait_for "filter: $job"
}

audit_has() { # PHASE ACTION
    [ -f "$AUDIT" ] && grep -q "\"action\":\"$2\".*\"phase\":\"$1\"" "$AUDIT"
}

wait_audit() { # PHASE ACTION [SECONDS]
    local end=$(($(now_ms) + ${3:-15} * 1000 * SCALE))
    until audit_has "$1" "$2"; do
        [ "$(now_ms)" -lt "$end" ] || { cat "$AUDIT" >&2 2>/dev/null; screen >&2; return 1; }
        sleep 0.05
    done
}

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
    [ "$(requests 'len(r)')" = 0 ]
    # Enter takes the default, which is No
    keys s
    wait_for "Confirm: savepoint"
    keys Enter
    wait_for "nothing sent"
    [ "$(requests 'len(r)')" = 0 ]
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_for "savepoint production/orders-enrichment: savepoint at s3://" 20
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests 'r[0]["method"]')" = POST ]
    [ "$(requests 'r[0]["path"]')" = /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots ]
    [ "$(requests 'json.loads(r[0]["body"])["spec"]["jobReference"]["name"]')" = production ]
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
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests 'r[0]["method"]')" = PATCH ]
    [ "$(requests 'json.loads(r[0]["body"])["spec"]["job"]')" = "{'upgradeMode': 'savepoint', 'state': 'suspended'}" ]
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
    [ "$(requests 'len(r)')" = 0 ]
    keys C
    wait_for "Confirm: suspend"
    keys y
    wait_for "suspend production/orders-enrichment: reconciled" 30
    [ "$(requests 'json.loads(r[0]["body"])["spec"]')" = "{'job': {'state': 'suspended'}}" ]
    [ "$(requests 'len(r)')" = 1 ]
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
    [ "$(requests 'len(r)')" = 0 ]
    keys C-u
    type_text "3"
    keys Enter
    wait_for "Confirm: rescale"
    wait_for '{"parallelism": 3}'
    keys y
    wait_for "rescale production/orders-enrichment: reconciled" 30
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests 'json.loads(r[0]["body"])["spec"]["job"]["parallelism"]')" = 3 ]
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
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests '"restartNonce" in json.loads(r[0]["body"])["spec"]')" = True ]
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
    [ "$(requests 'len(r)')" = 2 ]
    [ "$(requests 'json.loads(r[1]["body"])["spec"]["job"]["initialSavepointPath"].split("/")[-1].startswith("savepoint-")')" = True ]
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
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests '"flinkConfiguration" in json.loads(r[0]["body"])["spec"]')" = True ]
}

@test "plain cluster without a savepoint directory: asked for one, POST /jobs/J/savepoints, the path shows" {
    sim_start --frozen --jobs 3 --action-steps-ms 200 || return 1
    plain_job staging "payments-ledger"
    keys s
    wait_for "Savepoint directory"
    type_text "s3://ops/sp"
    keys Enter
    wait_for "Confirm: savepoint"
    wait_for "target-directory"
    keys y
    wait_for "savepoint at s3://ops/sp/savepoint-" 20
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests 'r[0]["path"].startswith("/clusters/staging/jobs/") and r[0]["path"].endswith("/savepoints")')" = True ]
    [ "$(requests 'json.loads(r[0]["body"])["target-directory"]')" = s3://ops/sp ]
    wait_audit succeeded savepoint
}

@test "cancel a plain job: PATCH ?mode=cancel, followed to CANCELED; a second press while it runs sends nothing" {
    # the clock stands still until the test moves it: the cancel runs as long as needed
    sim_start --frozen --jobs 3 --action-steps-ms 1500 --clock manual || return 1
    plain_job production "fraud-detection"
    keys C
    wait_for "Confirm: cancel"
    wait_for "mode=cancel"
    keys y
    wait_for "cancel sent"
    # pressed again while it runs: asked first, and Enter (No) sends nothing
    keys C
    wait_for "may still be running: send cancel again?"
    keys Enter
    wait_for "nothing sent"
    until_advancing 1500 30 on_screen "cancel production/fraud-detection: job CANCELED"
    [ "$(requests 'len(r)')" = 1 ]
    [ "$(requests 'r[0]["method"]')" = PATCH ]
    [ "$(requests 'r[0]["path"].endswith("?mode=cancel")')" = True ]
}

@test "--readonly: every action key on every screen sends nothing and says read-only" {
    k8s_sim || return 1
    operator_console --readonly
    wait_for "READ-ONLY"
    for k in s S C r R D P; do
        keys "$k"
        wait_for "read-only"
    done
    keys Enter
    wait_for "Jobs: production"
    for k in s S C r R D P; do
        keys "$k"
        wait_for "read-only"
    done
    keys Enter
    wait_for "1 Overview"
    for tab in 1 2 3 4 5 6; do
        keys "$tab"
        for k in s S C r R D P; do
            keys "$k"
            wait_for "read-only"
        done
    done
    [ "$(requests 'len(r)')" = 0 ]
    [ ! -s "$AUDIT" ]
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
    [ "$(requests 'len(r)')" = 0 ]
    keys C-u
    type_text "orders-enrichment"
    keys Enter
    wait_for "savepoint sent"
    wait_for "savepoint at" 20
    [ "$(requests 'len(r)')" = 1 ]
}

@test "a 409 (changed since read) and a 403 (RBAC) reach the user as meant" {
    k8s_sim || return 1
    operator_console
    keys R
    wait_for "Confirm: restart"
    # the resource changes on the server while the confirmation is open
    sim_curl /_sim/k8s/flink-prod/production/bump -X POST >/dev/null
    keys y
    wait_for "conflict (409)" 15
    wait_audit failed restart
    # flinktop re-reads the resource at once: pressed again, it confirms against the new
    # resourceVersion and goes through
    local rv end=$(($(now_ms) + 15000 * SCALE))
    rv=$(sim_curl /apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments/production |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
    until keys R && wait_for "Confirm: restart" && screen | grep -qF "\"resourceVersion\": \"$rv\""; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; return 1; }
        keys Escape
        sleep 0.2
    done
    keys y
    wait_for "restart production/orders-enrichment: reconciled" 30
    # forbidden: the RBAC line
    sim_curl /_sim/k8s/forbid -X POST >/dev/null
    keys Escape
    keys s
    wait_for "Confirm: savepoint"
    keys y
    wait_for "forbidden (403)" 15
    wait_audit failed savepoint
    grep -q 'forbidden (403): .*cannot create resource' "$AUDIT"
}

@test "reload: SIGHUP applies a new theme and keeps the screen; a broken file keeps the old config and says file:line" {
    sim_start --jobs 3 || return 1
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'theme: default\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    console 120 40 --refresh 1 $(sim_flink_args)
    wait_for "1.18.1" 15
    keys Enter
    wait_for "Jobs: production"
    local before
    before=$(t capture-pane -e -p | head -1)
    printf 'theme: light\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    # flinktop is the pane's shell's child (env execs it)
    kill -HUP "$(pgrep -P "$(t display -p '#{pane_pid}')")"
    wait_for "reloaded"
    wait_for "Jobs: production" # the screen stays
    [ "$(t capture-pane -e -p | head -1)" != "$before" ]
    printf 'theme: light\nrefesh: 2s\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    keys C-r
    wait_for "reload failed, config unchanged"
    wait_for "config.yaml:2"
    wait_for "Jobs: production"
}

# the config an installed flinktop starts with: read-only until :unlock
readonly_config() {
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'readonly: true\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
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
    wait_for "Redeploy from a savepoint"
    wait_for "discarded checkpoints"
    wait_for "FORMAT"
    # what the simulator (as Flink) says was discarded
    local jid discarded
    jid=$(sim_curl /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/overview |
        python3 -c 'import json,sys; print([j["jid"] for j in json.load(sys.stdin)["jobs"] if j["name"]=="orders-enrichment"][0])')
    discarded=$(sim_curl "/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/$jid/checkpoints" |
        python3 -c 'import json,sys; print(" ".join("chk-%d" % c["id"] for c in json.load(sys.stdin)["history"] if c.get("discarded")))')
    [ -n "$discarded" ] # the test means something only when some were discarded
    for chk in $discarded; do
        ! screen | grep -qE "$chk\$|$chk " || { screen >&2; echo "offered $chk" >&2; return 1; }
    done
    screen | grep -E '^.*(checkpoint) ' | grep -q "orders-enrichm" # the job it came from
    keys Escape
    wait_for "nothing sent"
    [ "$(requests 'len(r)')" = 0 ]
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
    until [ "$(requests 'len(r)')" = 1 ]; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; requests 'r' >&2; return 1; }
        sleep 0.1
    done
    sim_curl /_sim/faults -X DELETE >/dev/null
    wait_for "applied (its answer was lost): savepoint at s3://" 30
    wait_audit succeeded savepoint
    ! grep -q '"phase":"failed"' "$AUDIT"
    # the same key again while nothing is running goes straight to the confirmation
    keys o
    wait_for "Operations (1)"
    wait_for "applied"
    [ "$(requests 'len(r)')" = 1 ]
}

@test "R says what else it touches: every job of the session cluster by name, how old the data is" {
    k8s_sim --jobs 3 || return 1 # session clusters: several jobs share one FlinkDeployment
    operator_console
    keys R
    wait_for "Confirm: restart"
    wait_for "touches every job of session cluster production:"
    local n
    local names
    names=$(sim_curl /api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/overview |
        python3 -c 'import json,sys; [print(j["name"]) for j in json.load(sys.stdin)["jobs"]]')
    for name in $names; do
        screen | grep -q "$name" || { screen >&2; echo "missing $name" >&2; return 1; }
        n=$((n + 1))
    done
    [ "$n" -ge 2 ]
    wait_for "task managers"
    wait_for "data behind this:"
    keys n
    wait_for "nothing sent"
    [ "$(requests 'len(r)')" = 0 ]
}

@test "an audit log that cannot be written blocks the action: the screen says audit, the simulator gets nothing" {
    k8s_sim || return 1
    mkdir -p "$AUDIT" # a directory where the log should be
    operator_console
    keys s
    wait_for "audit: savepoint not sent: the audit log cannot be written"
    [ "$(requests 'len(r)')" = 0 ]
    # audit: optional lets it go, and the confirmation says so
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'audit: optional\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    keys C-r
    wait_for "reloaded"
    keys s
    wait_for "Confirm: savepoint"
    wait_for "sent unaudited"
    keys n
    [ "$(requests 'len(r)')" = 0 ]
}

@test ":unlock allows actions for a while with a reason in the audit line, then locks again by itself" {
    k8s_sim || return 1
    readonly_config
    operator_console
    wait_for "READ-ONLY"
    keys s
    wait_for "read-only: savepoint not sent"
    type_text ":unlock $((6 * SCALE))s \"T-77\""
    keys Enter
    wait_for "UNLOCKED 0:"
    keys s
    wait_for "Confirm: savepoint"
    wait_for 'reason "T-77"'
    keys y
    wait_for "savepoint sent"
    wait_audit requested savepoint
    grep '"phase":"requested"' "$AUDIT" | grep -q '"reason":"T-77"'
    # the Kubernetes identity the API server gives (SelfSubjectReview), not the Unix user
    grep '"phase":"requested"' "$AUDIT" |
        grep -qF '"k8s_user":"system:serviceaccount:flink-ops:flinktop"'
    wait_audit succeeded savepoint 20
    # it locks again by itself
    wait_for "READ-ONLY" 10
    keys s
    wait_for "read-only: savepoint not sent"
    [ "$(requests 'len(r)')" = 1 ]
    # :lock ends one early; --readonly wins over :unlock
    type_text ':unlock 10m "T-78"'
    keys Enter
    wait_for "UNLOCKED"
    type_text ":lock"
    keys Enter
    wait_for "READ-ONLY"
}

@test "--readonly wins over :unlock" {
    k8s_sim || return 1
    operator_console --readonly
    type_text ':unlock 10m "T"'
    keys Enter
    wait_for "nothing unlocks"
    keys s
    wait_for "read-only"
    [ "$(requests 'len(r)')" = 0 ]
}

@test "at 80x24 the profile list says it continues and the confirmation's body scrolls to its end" {
    k8s_sim || return 1
    console 80 24 --refresh 1 --kubeconfig "$BATS_TEST_TMPDIR/KC"
    wait_for "STABLE" 15
    keys Home
    keys P
    wait_for "Which profile?"
    wait_for "more"
    keys G # the last profile
    keys Enter
    wait_for "Confirm: profile"
    wait_for "lines below"
    for _ in $(seq 1 60); do
        screen | grep -q " 0 more lines below" && break
        keys Down
    done
    wait_for " 0 more lines below"
    wait_for "}}}" # the end of the merge-patch
    keys n
    wait_for "nothing sent"
    [ "$(requests 'len(r)')" = 0 ]
}

@test "q with an action in flight asks before quitting" {
    k8s_sim --action-steps-ms 3000 || return 1
    operator_console
    keys S
    wait_for "Confirm: stop"
    keys y
    wait_for "stop sent"
    keys q
    wait_for "still being followed: quit anyway?"
    keys n
    wait_for "STABLE" # still here
    [ ! -s "$BATS_TEST_TMPDIR/exit" ]
    keys q
    wait_for "quit anyway?"
    keys y
    local end=$(($(now_ms) + 10000 * SCALE))
    until [ -s "$BATS_TEST_TMPDIR/exit" ]; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.05
    done
    wait_audit abandoned stop
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
    until [ "$(requests 'len(r)')" = 1 ]; do
        [ "$(now_ms)" -lt "$end" ] || { screen >&2; return 1; }
        sleep 0.1
    done
    sim_curl /_sim/faults -X DELETE >/dev/null
    wait_for "restart production/orders-enrichment: applied (its answer was lost): reconciled" 30
    wait_for "STABLE"
    wait_audit succeeded restart
    ! grep -q '"phase":"failed"' "$AUDIT"
    [ "$(requests 'len(r)')" = 1 ]
}
