# Sourced by the actions*.bats files (after lib.bash): the simulator as an API server,
# its recorded requests, the console on production, the audit log.
# (tests/e2e/actions.bats was one file of 22 tests run one after another: split in three
# so the suite runs them side by side.)

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

# requests JQ_FILTER: the filter (jq -r) over the list of mutating requests the simulator
# recorded (jq: a python3 start costs ten times the CPU)
requests() {
    sim_curl /_sim/requests | jq -r "$1"
}

# requests_count: how many there are, in one process (for poll loops): each request has
# one "time_ms": key; a body is a JSON string, where that would read \"time_ms\":
requests_count() {
    local r
    r=$(sim_curl /_sim/requests) || return 1
    r=${r//\"time_ms\":/$'\x01'}
    r=${r//[^$'\x01']/}
    echo "${#r}"
}

type_text() { t send-keys -l -- "$1"; }

# operator: the console on the simulator's kubeconfig, production's row selected
operator_console() {
    console 140 45 --refresh 0.5 --kubeconfig "$BATS_TEST_TMPDIR/KC" "$@"
    wait_for "STABLE" 15
    wait_for "development"
    # production's job list has answered (its jobs screen lists a running job): an action
    # key on its row acts on that job rather than asking to wait
    keys Home Enter
    wait_for "Jobs: production"
    wait_for "RUNNING"
    keys Escape
    wait_for "Clusters (3)"
    keys Home
}

# a job of a --flink cluster: its jobs screen, the job found with the filter
plain_job() { # CLUSTER JOB [flinktop args]
    local cluster=$1 job=$2
    shift 2
    console 140 45 --refresh 0.5 "$@" $(sim_flink_args)
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
        nap 0.05
    done
}

# the config an installed flinktop starts with: read-only until :unlock
readonly_config() {
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'readonly: true\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
}
