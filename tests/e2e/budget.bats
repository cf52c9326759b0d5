#!/usr/bin/env bats
# A big fleet with one cluster hanging, in a real terminal: keys still answer at once
# (the screen in view never waits for the budget or for the hung server), and the hung
# cluster says so on its own row. Screens only, never timings.

load ../bats_speed
load lib

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

fleet_args() {
    local i name
    for i in $(seq 1 "$1"); do
        case $i in
            1) name=production ;;
            2) name=staging ;;
            3) name=development ;;
            *) name=cluster-$i ;;
        esac
        printf -- '--flink %s=%s/clusters/%s ' "$name" "$SIM_URL" "$name"
    done
}

@test "10 clusters x 100 jobs, one hanging: ? opens help and Esc closes it" {
    sim_start --clusters 10 --jobs 100 --fault '/clusters/staging/*=hang' || return 1
    console 120 40 --timeout 2 $(fleet_args 10)
    wait_for "Clusters (10)"
    wait_for "1.20.1"
    keys '?'
    wait_for "Help: Clusters"
    keys Escape
    wait_for "Clusters (10)"
    off_screen "Help: Clusters"
    # the hung cluster is its own error; the others keep their data
    wait_for "timed out after 2 s"
    screen | grep "staging" | grep -q "timed out"
    screen | grep "production" | grep -q "1.20.1"
    # and on a job screen of a big cluster too
    keys Enter
    wait_for "Jobs: production (100)"
    keys '?'
    wait_for "Help: Jobs"
    keys Escape
    wait_for "Jobs: production (100)"
    off_screen "Help:"
}
