#!/usr/bin/env bats
# Prometheus as a source, on screen: the status bar says its state like the clusters'
# (ok, then its error and how long ago it last answered when it goes away), and the
# console keeps working from Flink REST.

load lib

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    sim_start --frozen --clusters 3 --jobs 2 || return 1
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

# promq_num QUERY: the instant query's first value, 0 when none
promq_num() {
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'
}

# Prometheus holds N scrapes (1 s apart) of every job
prom_has_seconds() { [ "$(promq_num 'min(count_over_time(flink_jobmanager_job_numRestarts[5m]))')" -ge "$1" ]; }

# the chart's time axis spans 40 s or more ("-45s", "-1m")
long_axis() { screen | grep -qE -- '-([45][0-9]s|[0-9]+m)( |$)'; }

@test "a job opened right after start shows the history Prometheus has, not only its own" {
    local end=$(($(now_ms) + 90000 * SCALE))
    until prom_has_seconds 45; do
        [ "$(now_ms)" -lt "$end" ] || { echo "Prometheus never had 45 s of data" >&2; return 1; }
        sleep 0.5
    done
    console 120 40 --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production"
    keys Enter
    wait_for "records per second"
    # the console has run seconds, one point a second: a 40 s axis is Prometheus's history
    end=$(($(now_ms) + 5000 * SCALE))
    until long_axis; do
        if [ "$(now_ms)" -ge "$end" ]; then
            echo "no 40 s of history on the chart" >&2
            screen >&2
            return 1
        fi
        sleep 0.1
    done
    ! screen | grep -q "no history yet"
}

@test "board: jobs whose REST metrics never arrive show Prometheus's figures, marked P, and their source lag" {
    # every subtask-metrics request hangs: REST alone would leave IN/s and OUT/s at "-"
    fault '*/subtasks/metrics*' hang
    console 200 30 --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "1.20.1"
    keys F
    wait_for "LAG"
    wait_for "P 0s" 15 || wait_for "P 1s" 5
    # a running job's row: throughput numbers, the age marked as Prometheus's, a lag
    row_ok() {
        screen | grep " RUNNING " | grep -qE ' [0-9.]+k? +[0-9.]+k? .* P [0-9]+s +[0-9.]+[kM]?$'
    }
    local end=$(($(now_ms) + 10000 * SCALE))
    until row_ok; do
        if [ "$(now_ms)" -ge "$end" ]; then
            screen >&2
            return 1
        fi
        sleep 0.1
    done
    # without Prometheus the same rows have no throughput at all
    t kill-session
    console 200 30 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys F
    wait_for "RUNNING"
    ! screen | grep -q " P [0-9]"
    ! screen | grep " RUNNING " | grep -qE ' [0-9.]+k +[0-9.]+k '
}
