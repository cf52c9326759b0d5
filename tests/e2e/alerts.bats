#!/usr/bin/env bats
# Alerts on screen, end to end: a job failed in the simulator fires FlinkJobFailed
# (made `for: 0s` here), the status bar counts it and `!` lists it.

load ../bats_speed
load lib

setup() {
    e2e_setup
    sim_start --frozen --jobs 4 || return 1 # frozen: no job fails unless the test says so
    sed 's/for: 1m/for: 0s/' config/alerts.yaml >"$BATS_TEST_TMPDIR/alerts.yaml"
    printf 'alerts: %s\n' "$BATS_TEST_TMPDIR/alerts.yaml" >"$BATS_TEST_TMPDIR/config.yaml"
}

teardown() {
    e2e_teardown
}

# The id and name of a RUNNING job on CLUSTER, tab-separated.
running_job() {
    curl -sf "$SIM_URL/clusters/$1/jobs/overview" |
        jq -er 'first(.jobs[] | select(.state == "RUNNING")) | "\(.jid)\t\(.name)"'
}

@test "a failed job fires FlinkJobFailed: counted in the status bar, listed by !" {
    console 120 40 -c "$BATS_TEST_TMPDIR/config.yaml" --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    IFS=$'\t' read -r jid name < <(running_job production)
    [ -n "$jid" ]
    # staging's inventory-sync has failed from the start: one critical before ours
    wait_for "! 1 critical" 6
    sim_http POST "/_sim/jobs/$jid/fail"
    # within two refreshes (1 s each), with room for a slow machine
    wait_for "2 critical" 4
    screen | tail -n 1 | grep -q "! 2 critical"
    wait_for "! production"
    keys '!'
    wait_for "Alerts: "
    wait_for "FlinkJobFailed"
    screen | grep "FlinkJobFailed" | grep -q "critical"
    screen | grep "FlinkJobFailed" | grep -qF "$name"
    keys Escape
    wait_for "Clusters (3)"
}
