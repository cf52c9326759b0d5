#!/usr/bin/env bats
# Prometheus as a source, on screen: the status bar says its state like the clusters'
# (ok, then its error and how long ago it last answered when it goes away), and the
# console keeps working from Flink REST.

load lib

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    sim_start --frozen --clusters 3 --jobs 4 || return 1
    prom_start "$SIM_URL" 1s || return 1
}

teardown() {
    prom_stop
    e2e_teardown
}

@test "status bar: prometheus ok, then its error with the age of the last good answer" {
    console 180 30 --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "prometheus ok" 15
    prom_stop
    wait_for "prometheus error (good" 15
    screen | tail -n 1 | grep -q "connection refused"
    # Flink REST still answers: the clusters are there, none with errors
    screen | grep -q "3 clusters"
    ! screen | tail -n 1 | grep -q "with errors"
}
