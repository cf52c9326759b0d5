#!/usr/bin/env bats
# History from before launch in a job's first frame: the whole fleet's throughput is asked
# of Prometheus at start, before any job is known, and each job gets its part as it shows
# on the board; a job opened the moment it shows draws Prometheus's points at once, not
# the one or two Flink REST has given it by then. Prometheus is reached through the
# simulator's API server service proxy, where a fault makes its answers slow.

load ../bats_speed
load lib

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    sim_start --frozen --clusters 2 --jobs 1 --kubeconfig-out "$BATS_TEST_TMPDIR/kc" || return 1
    # a minute of history from the start (prom-start.sh PROM_HISTORY), scraped on from there
    PROM_HISTORY=60 prom_start "$SIM_URL" 1s || return 1
    curl -sf -X PUT "$SIM_URL/_sim/prometheus-upstream" -d "{\"url\":\"$PROM_URL\"}" >/dev/null
    printf 'prometheus:\n  context: flinktop-sim\n  namespace: monitoring\n  service: prometheus\n  port: web\n' \
        >"$BATS_TEST_TMPDIR/c.yaml"
}

teardown() {
    prom_stop
    e2e_teardown
}

# Prometheus holds N points (1 s apart) of every job (an empty answer until then)
prom_holds() {
    curl -sf "$PROM_URL/api/v1/query" \
        --data-urlencode "query=min(count_over_time(flink_jobmanager_job_numRestarts[5m])) >= $1" |
        grep -q '"value"'
}

@test "a job opened the moment it shows on the board has Prometheus's history in its first frame" {
    local end=$(($(now_ms) + 60000 * SCALE)) line
    until prom_holds 30; do
        [ "$(now_ms)" -lt "$end" ] || { echo "Prometheus never held 30 s of history" >&2; return 1; }
        nap 0.2
    done
    # every query_range answers a second late, and the jobs show two seconds after that:
    # a history asked when the job shows would come after its screen opened (not scaled:
    # both stay under the console's 5 s request timeout)
    fault '*/query_range' latency 1000
    fault '*/jobs/overview' latency 3000
    # the console writes each job screen's first frame: "opened MS JOB_ID POINTS"
    export FLINKTOP_BENCH=trace FLINKTOP_BENCH_FILE="$BATS_TEST_TMPDIR/trace"
    START=fleet console 160 40 --refresh 1 -c "$BATS_TEST_TMPDIR/c.yaml" \
        --kubeconfig "$BATS_TEST_TMPDIR/kc"
    wait_for "RUNNING" $((20 * SCALE))
    keys Enter
    end=$(($(now_ms) + 10000 * SCALE))
    until line=$(grep -m 1 '^opened ' "$BATS_TEST_TMPDIR/trace"); do
        [ "$(now_ms)" -lt "$end" ] || { echo "no job screen" >&2; screen >&2; return 1; }
        nap 0.1
    done
    set -- $line
    echo "first frame of the job screen, $2 ms after start: $4 points of throughput history" >&2
    [ "$4" -ge 30 ]
}
