#!/usr/bin/env bats
# make bench prints figures, never pass/fail; this runs its quick mode on one tiny
# scenario (two clusters, one of them hanging) so that the script cannot rot silently:
# every figure is printed, with a number. Never a bound on the numbers themselves.

load ../bats_speed

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    command -v tmux >/dev/null || skip "no tmux"
}

@test "make bench's quick mode prints every figure with a number (2 x 3 jobs, one cluster hanging)" {
    # 3>&-: the simulator and the tmux server must not hold bats's fd 3
    run env BENCH_QUICK=1 BENCH_SECONDS=2 BENCH_SCENARIOS=2x3-hang bash tests/bench.sh 3>&-
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$(printf '%s\n' "$output" | grep '^bench:')" ] # no error line
    n='[0-9]+(\.[0-9]+)?'
    [[ "$output" =~ "== 2x3-hang: 2 clusters x 3 jobs, staging's proxy hanging" ]]
    for re in \
        "  first frame: $n ms" \
        "  every job's summary: $n ms \(3 jobs on the board\)" \
        "  CPU: $n % of a core over 2 s at 2 s refresh, clusters screen \(simulator: $n %\)" \
        "  frames on the clusters screen: $n frames, draw mean $n ms, max $n ms over the window" \
        "  private memory: $n kB" \
        "  requests/min to the API server: $n \(list $n, watch $n, other $n, proxy $n\)" \
        "  key-to-screen: p50 $n ms, p99 $n ms, max $n ms \(6 keys, 0 never shown\); read to screen max $n ms, longest loop turn $n ms" \
        "  age of the job on screen: p50 $n ms, max $n ms" \
        "  every job's details: >? ?$n ms"; do
        printf '%s\n' "$output" | grep -Eq "^$re" || {
            echo "missing: $re"
            return 1
        }
    done
}

@test "the simulator's namespaced pod lists (rendered alone for speed) agree with the full list and lose no change" {
    . tests/sim-start.sh
    sim_start --clusters 3 --jobs 1 --frozen
    local rv0 all ns
    rv0=$(curl -sf "$SIM_URL/api/v1/pods" | jq -r .metadata.resourceVersion) # the baseline
    curl -sf "$SIM_URL/api/v1/namespaces/flink-prod/pods" >/dev/null
    sim_http POST "/_sim/k8s/flink-staging/staging/oom"
    curl -sf "$SIM_URL/api/v1/namespaces/flink-prod/pods" >/dev/null # sees prod alone
    ns=$(curl -sf "$SIM_URL/api/v1/namespaces/flink-staging/pods" |
        jq -c '[.items[] | {n: .metadata.name, rv: .metadata.resourceVersion, r: .status.containerStatuses[0].restartCount}]')
    all=$(curl -sf "$SIM_URL/api/v1/pods" |
        jq -c '[.items[] | select(.metadata.namespace == "flink-staging") | {n: .metadata.name, rv: .metadata.resourceVersion, r: .status.containerStatuses[0].restartCount}]')
    echo "namespaced: $ns"
    echo "all:        $all"
    [ "$ns" = "$all" ]
    [[ "$ns" == *'"r":1'* ]] # the OOMKilled task manager restarted
    # every change since the baseline, once: the restarted pod, nothing ADDED or DELETED
    run curl -s -m 10 "$SIM_URL/api/v1/pods?watch=1&resourceVersion=$rv0&timeoutSeconds=1"
    sim_stop
    echo "$output"
    events=$(printf '%s\n' "$output" | jq -r 'select(.type != "BOOKMARK") | "\(.type) \(.object.metadata.namespace)/\(.object.metadata.name)"')
    echo "events: $events"
    [ "$(printf '%s\n' "$events" | grep -c .)" -eq 1 ]
    [[ "$events" == "MODIFIED flink-staging/staging-taskmanager-"* ]]
}

@test "make bench's Prometheus scenario prints every figure with a number (3 x 1 jobs, quick)" {
    command -v prometheus >/dev/null || skip "prometheus is not installed"
    run env BENCH_QUICK=1 BENCH_SECONDS=4 PROM_WARM_SECONDS=6 BENCH_SCENARIOS=3x1-prom bash tests/bench.sh 3>&-
    echo "$output"
    [ "$status" -eq 0 ]
    n='[0-9]+(\.[0-9]+)?'
    [[ "$output" =~ "== 3x1-prom: 3 FlinkDeployments x 1 jobs with Prometheus" ]]
    for re in \
        "  Prometheus: scraping every 2 s for $n s before the console started" \
        "  every job's health on the board: $n ms \(3 jobs: throughput, backpressure, checkpoint age\)" \
        "  job opened at $n ms: $n points of throughput history in its first frame; Prometheus holds $n " \
        "  Prometheus queries per refresh \(steady state, $n s on the board\): $n " \
        "  per-job Flink REST requests per minute for the board: $n " \
        "  /jobs/overview per minute: $n for 3 clusters"; do
        printf '%s\n' "$output" | grep -Eq "^$re" || {
            echo "missing: $re"
            return 1
        }
    done
}
