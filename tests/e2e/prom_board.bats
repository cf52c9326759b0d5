#!/usr/bin/env bats
# The board on Prometheus: while it answers for the fleet, every job's figures are its
# own and Flink REST is asked no per-job details for the board (only each cluster's
# /jobs/overview, and the job on screen); stopped, the same rows come back from REST with
# the source's error on the status bar; a reload that changes prometheus_cluster_label
# moves the job -> cluster matching without a restart.

load lib

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    sim_start --frozen --clusters 3 --jobs 2 || return 1
    prom_start "$SIM_URL" 1s || return 1
    # every job scraped before the console starts (what it shows is then all there)
    local end=$(($(now_ms) + 60000 * SCALE))
    until [ "$(scraped_jobs)" -ge 6 ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "Prometheus never scraped the 6 jobs" >&2; return 1; }
        sleep 0.2
    done
    # the selected row's job is asked at the detail interval (for the action keys): an
    # hour here, so what the counts below see is the board's alone
    printf 'refresh: 1\ndetail_interval: 1h\nprometheus: %s\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
}

teardown() {
    prom_stop
    e2e_teardown
}

scraped_jobs() {
    curl -sf "$PROM_URL/api/v1/query" \
        --data-urlencode 'query=count(count by (job_id) (flink_taskmanager_job_task_busyTimeMsPerSecond))' |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'
}

# stat PATTERN: requests the simulator received whose path template matches the regex
stat() {
    curl -sf "$SIM_URL/_sim/stats" |
        jq --arg re "$1" '[.by_path | to_entries[] | select(.key | test($re)) | .value] | add // 0'
}
per_job() { stat '/jobs/\{jid\}'; }
overviews() { stat '/jobs/overview$'; }

# running rows showing Prometheus's figures (their age cell "P 3s") / any figures at all
rows_on_prom() { screen | grep " RUNNING " | grep -cE ' P [0-9]+s' || true; }
rows_on_rest() { screen | grep " RUNNING " | grep -vE ' P [0-9]+s' | grep -cE ' [0-9.]+k? +[0-9.]+k? ' || true; }

# until CMD prints N or more, with a deadline of SECONDS
until_at_least() {
    local n=$1 secs=$2 end=$(($(now_ms) + $2 * 1000 * SCALE))
    shift 2
    until [ "$("$@")" -ge "$n" ]; do
        if [ "$(now_ms)" -ge "$end" ]; then
            echo "timed out after ${secs}s: $* below $n" >&2
            screen >&2
            return 1
        fi
        sleep 0.2
    done
}

@test "board on Prometheus: every job's figures, no per-job Flink REST; stopped, REST again" {
    START=fleet console 200 30 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "prometheus ok" 15
    until_at_least 6 20 rows_on_prom
    # a few refreshes (each asks each cluster's /jobs/overview once) with no per-job request
    curl -sf -X DELETE "$SIM_URL/_sim/stats" >/dev/null
    until_at_least 12 20 overviews
    [ "$(per_job)" -eq 0 ] || { curl -sf "$SIM_URL/_sim/stats" >&2; return 1; }
    [ "$(rows_on_prom)" -ge 6 ]
    # Prometheus gone: its error on the status bar, the same rows from Flink REST
    prom_stop
    wait_for "prometheus error" 15
    until_at_least 6 30 rows_on_rest
    [ "$(per_job)" -gt 0 ]
}

@test "reload (Ctrl-R) changes prometheus_cluster_label: the mapping follows without a restart" {
    # a label no series has: nothing matches, REST answers for every row
    printf 'prometheus_cluster_label: no_such_label\n' >>"$BATS_TEST_TMPDIR/c.yaml"
    START=fleet console 200 30 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "prometheus ok" 15
    until_at_least 6 30 rows_on_rest
    [ "$(rows_on_prom)" -eq 0 ]
    # the simulator's targets carry the cluster's name in "cluster": every job matches
    sed -i 's/no_such_label/cluster/' "$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "reloaded"
    until_at_least 6 20 rows_on_prom
    curl -sf -X DELETE "$SIM_URL/_sim/stats" >/dev/null
    until_at_least 12 20 overviews
    [ "$(per_job)" -eq 0 ] || { curl -sf "$SIM_URL/_sim/stats" >&2; return 1; }
}
