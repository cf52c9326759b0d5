#!/usr/bin/env bats
# The fleet board: every job of every cluster, sickest first, the reason in words.

load ../bats_speed
load lib

# One simulator for the file, its clock standing still: the tests only read it (the
# Kubernetes tests start their own).
setup_file() {
    e2e_setup_file --jobs 4 --clock manual
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

# the names of the jobs the simulator serves in STATE, over every cluster
sim_jobs_in_state() {
    for c in production staging development; do
        curl -sf "$SIM_URL/clusters/$c/jobs/overview" |
            jq -r --arg s "$1" '.jobs[] | select(.state == $s) | .name'
    done
}

# body row N of the board (1 = the first job row; the header and column titles above)
board_row() { screen | sed -n "$(($1 + 2))p"; }

@test "the board is the first screen: a failed job is the top row with its reason; F toggles" {
    failed=$(sim_jobs_in_state FAILED | head -n 1)
    [ -n "$failed" ] # the simulator's default fleet has a failed job
    START=default console 160 40 $(sim_flink_args)
    wait_for "Fleet ("
    wait_for "HEALTH"
    wait_for "FAILED for"
    run board_row 1
    [[ "$output" == *"$failed"* ]]
    [[ "$output" == *"FAILED for"* ]]
    keys F
    wait_for "Clusters (3)"
    keys F
    wait_for "Fleet ("
}

@test "the board names the bottleneck of a backpressured job, not its victims" {
    # no request budget: with it, the twelve jobs' details (a request a vertex each) come
    # a few a second, and the test would wait for the budget (tests/e2e/budget.bats)
    START=default console 200 40 --qps 0 $(sim_flink_args)
    wait_for "Fleet ("
    # job details arrive round-robin: the backpressured jobs show once theirs have
    wait_for "(bottleneck)" 40
    row=$(screen | grep -m1 "(bottleneck)")
    [[ "$row" == *"backpressured "*"% at "* ]]
    # healthy jobs sort below every sick one (one capture: details keep arriving)
    local shot
    shot=$(screen)
    first_healthy=$(grep -n " healthy " <<<"$shot" | head -n 1 | cut -d: -f1)
    last_sick=$(grep -n "(bottleneck)" <<<"$shot" | tail -n 1 | cut -d: -f1)
    [ -n "$first_healthy" ]
    [ "$last_sick" -lt "$first_healthy" ]
}

@test "Enter on a board row opens that job; Esc comes back to the board; q quits from it" {
    START=default console 160 40 $(sim_flink_args)
    wait_for "FAILED for"
    name=$(board_row 1 | awk '{print $1}')
    keys Enter
    wait_for "$name"
    wait_for "Overview"
    keys Escape
    wait_for "Fleet ("
    keys q
    run wait_exit 5
    [[ "$output" == "exited 0" ]]
}

@test ":fleet opens the board and / filters it by health" {
    console 160 40 $(sim_flink_args)
    wait_for "1.20.1"
    keys : f l e e t Enter
    wait_for "Fleet ("
    wait_for "FAILED for"
    keys / h e a l t h y Enter
    wait_for "filter: healthy"
    run screen
    [[ "$output" != *"FAILED for"* ]]
}

@test "at 80x24 the board keeps the job names whole and drops columns instead" {
    START=default console 80 24 $(sim_flink_args)
    wait_for "Fleet ("
    wait_for "FAILED for"
    local names
    mapfile -t names < <(sim_job_names production | awk 'length($0) <= 18')
    [ "${#names[@]}" -gt 0 ]
    poll 10 shows "${names[@]}"
    run screen
    [[ "$output" != *"BUSY"* ]] # dropped before any name is cut
    [[ "$output" == *"HEALTH"* ]]
}

@test "start: clusters in the config opens on the clusters screen; F goes to the board" {
    printf 'start: clusters\n' >"$BATS_TEST_TMPDIR/config.yaml"
    START=default console 160 40 -c "$BATS_TEST_TMPDIR/config.yaml" $(sim_flink_args)
    wait_for "Clusters (3)"
    keys F
    wait_for "Fleet ("
    wait_for "FAILED for"
    keys F
    wait_for "Clusters (3)"
}

@test "--start clusters wins over start: fleet in the config" {
    printf 'start: fleet\n' >"$BATS_TEST_TMPDIR/config.yaml"
    START=clusters console 160 40 -c "$BATS_TEST_TMPDIR/config.yaml" $(sim_flink_args)
    wait_for "Clusters (3)"
    off_screen "Fleet ("
}

# A simulator posing as the Kubernetes API too (plain HTTP, no token): $BATS_TEST_TMPDIR/KC
k8s_sim() {
    sim_stop
    sim_start --clusters 3 --jobs 2 --kubeconfig-out "$BATS_TEST_TMPDIR/KC" "$@"
}

@test "a pods list answering garbage is an error on the board, the clusters row and --once" {
    # the console lists pods once across namespaces, then watches them; --once lists
    # each namespace: garbage on both ways of asking for production's pods
    k8s_sim --fault '/api/v1/pods*=garbage' --fault '/api/v1/namespaces/flink-prod/pods*=garbage'
    START=default console 200 40 --kubeconfig "$BATS_TEST_TMPDIR/KC"
    wait_for "HEALTH" 15
    # at 200 columns an operator's fleet shows where each job lives and its lifecycle
    wait_for "NAMESPACE"
    wait_for "LIFECYCLE"
    wait_for "flink-prod "
    wait_for "with errors" 15
    # production's job rows say their data is in error
    wait_for "production"
    prod=$(screen | grep " production " | head -n 1)
    [[ "$prod" == *" err"* ]]
    # the clusters screen: PODS is not a count, UPDATED names the list and why
    keys F
    wait_for "PODS"
    wait_for "pods flink-prod: "
    row=$(screen | grep -m1 "pods flink-prod: ")
    [[ "$row" == *production* ]]
    [[ "$row" == *" err "* ]]
    run "$FLINKTOP" --once --output json --kubeconfig "$BATS_TEST_TMPDIR/KC"
    [ "$status" -eq 3 ]
    printf '%s' "$output" | jq -e '(.clusters | map({key: .name, value: .}) | from_entries) as $c
        | ($c.production.sources.pods | .status == "error" and (.error | contains("malformed")))
        and $c.production.status == "error"
        and $c.staging.sources.pods.status == "ok" and $c.staging.status == "ok"' >/dev/null ||
        { printf '%s\n' "$output" >&2; false; }
}

@test "the Kubernetes tab says its own sources' state, not Flink REST's" {
    k8s_sim --frozen
    START=default console 160 45 --kubeconfig "$BATS_TEST_TMPDIR/KC" --refresh 0.5
    wait_for "HEALTH" 15
    wait_for "production"
    # open a production job, then break its Flink REST (through the service proxy)
    keys / p r o d u c t i o n Enter
    wait_for "filter: production"
    keys Enter
    wait_for "Overview"
    fault '*/services/production-rest*' status 500
    wait_for "showing the last good data" 30
    keys 6
    wait_for "Pods"
    wait_gone "showing the last good data"
    # its own source failing is said on it: events are watched, so the stream is dropped
    # and comes back answering garbage
    fault '/api/v1/events*' garbage
    fault '/api/v1/namespaces/flink-prod/events*' garbage
    sim_http POST "/_sim/k8s/drop-watches"
    wait_for "events flink-prod: " 30
}
