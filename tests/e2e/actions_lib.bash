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
# Steps of 50 ms: an operator's cycle (4 steps) and a restart (5) are over before
# flinktop's first follow-up read (1 s after sending), so the screen has the result at
# that read instead of the second or third; nothing here waits for a passing state.
k8s_sim() {
    local d=$BATS_TEST_TMPDIR
    test_cert || return 1
    sim_start --frozen --jobs 1 --action-steps-ms 50 --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$d/KC" "$@"
}

sim_curl() { curl -skf -H "Authorization: Bearer $TOKEN" "$SIM_URL$1" "${@:2}"; }

# requests JQ_FILTER: the filter (jq -r) over the list of mutating requests the simulator
# recorded (jq: a python3 start costs ten times the CPU)
requests() {
    sim_http GET /_sim/requests && jq -r "$1" <<<"$HTTP_BODY"
}

# requests_count: how many there are, in one process (for poll loops): each request has
# one "time_ms": key; a body is a JSON string, where that would read \"time_ms\":
requests_count() {
    local r
    sim_http GET /_sim/requests || return 1
    r=$HTTP_BODY
    r=${r//\"time_ms\":/$'\x01'}
    r=${r//[^$'\x01']/}
    echo "${#r}"
}

# expect_requests FILTER VALUE [FILTER VALUE...]: each FILTER (jq) over the recorded
# requests gives exactly one value, VALUE (a string as it is, anything else as JSON): one
# curl and one jq for all of them (a curl and a jq a check cost 50 ms of CPU each time)
expect_requests() {
    local prog="" i=0 args=()
    while [ $# -ge 2 ]; do
        prog+="([$1] | if length == 1 and ((.[0] | if type == \"string\" then . else tojson end) == \$e$i) then empty"
        prog+=" else \"requests: \(\$f$i) gave \(tojson), not \(\$e$i)\" end),"
        args+=(--arg "f$i" "$1" --arg "e$i" "$2")
        i=$((i + 1))
        shift 2
    done
    local r out
    sim_http GET /_sim/requests && r=$HTTP_BODY || { echo "expect_requests: /_sim/requests did not answer" >&2; return 1; }
    out=$(jq -r "${args[@]}" "${prog%,}" <<<"$r") || { echo "expect_requests: jq failed on: $r" >&2; return 1; }
    [ -z "$out" ] || { echo "$out" >&2; return 1; }
}

# no_requests: the simulator has recorded no mutating request (one curl)
no_requests() {
    local n
    n=$(requests_count) || return 1
    [ "$n" = 0 ] || { echo "$n requests, none expected" >&2; return 1; }
}

# wait_all [-t SECONDS] TEXT...: until one screen shows every TEXT (default 10 s)
wait_all() {
    local secs=10
    if [ "$1" = -t ]; then secs=$2; shift 2; fi
    poll "$secs" shows "$@"
}

# wait_slow TEXT [SECONDS]: wait_for for what takes a second or more to come (flinktop's
# start; an action's result, which flinktop reads back on its 1 s tick): a look every
# 0.25 s instead of 0.1 (a look is a tmux process; the waits are most of a test's CPU)
wait_slow() { POLL_S=0.25 wait_for "$@"; }

# operator: the console on the simulator's kubeconfig, production's row selected
operator_console() {
    console 140 45 --refresh 0.5 --kubeconfig "$BATS_TEST_TMPDIR/KC" "$@"
    POLL_S=0.25 wait_all -t 15 "STABLE" "development"
    # production's job list has answered (its jobs screen lists a running job): an action
    # key on its row acts on that job rather than asking to wait
    keys Home Enter
    wait_all "Jobs: production" "RUNNING"
    keys Escape
    wait_for "Clusters (3)"
    keys Home
}

# a job of a --flink cluster: its jobs screen, the job found with the filter
plain_job() { # CLUSTER JOB [flinktop args]
    local cluster=$1 job=$2
    shift 2
    console 140 45 --refresh 0.5 "$@" $(sim_flink_args)
    wait_slow "1.18.1" 15
    type_text ":cluster $cluster"
    keys Enter
    wait_for "Jobs: $cluster ("
    keys /
    type_text "$job"
    keys Enter
    wait_for "filter: $job"
}

audit_has() { # PHASE ACTION
    [ -f "$AUDIT" ] && grep -q "\"action\":\"$2\".*\"phase\":\"$1\"" "$AUDIT"
}

# wait_audit PHASE ACTION [SECONDS]: until the audit log has that line. A turn reads the
# file and matches in bash (no grep, no date), without bats's DEBUG trap.
wait_audit() { (trap - DEBUG; _wait_audit "$@"); }
_wait_audit() {
    local end log line re="\"action\":\"$2\".*\"phase\":\"$1\""
    tick
    end=$((NOW_MS + ${3:-15} * 1000 * SCALE))
    while :; do
        log=""
        [ -f "$AUDIT" ] && { read -r -d '' log <"$AUDIT" || true; }
        while IFS= read -r line; do
            [[ $line =~ $re ]] && return 0
        done <<<"$log"
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        nap 0.05
    done
    cat "$AUDIT" >&2 2>/dev/null
    screen >&2
    return 1
}

# the config an installed flinktop starts with: read-only until :unlock
readonly_config() {
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'readonly: true\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
}
