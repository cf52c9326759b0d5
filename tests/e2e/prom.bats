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
    # tab 4: the JobManager's heap, Prometheus's alone, its trend already ten points long
    keys 4
    wait_for "jobmanager heap"
    screen | grep "jobmanager heap" | python3 -c '
import re, sys
line = sys.stdin.buffer.read().decode()
m = re.search(r"jobmanager heap [0-9.]+[KMG]?/[0-9.]+[KMG]? ([\u2581-\u2588]+)", line)
assert m and len(m.group(1)) == 10, line'
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

@test "alerts screen: Prometheus's alerts beside flinktop's, marked, one row for a rule both fire" {
    prom_stop
    PROM_RULE_FOR=1s prom_start "$SIM_URL" 1s || return 1
    # flinktop's own rules: FlinkJobFailed alone, firing at once
    cat >"$BATS_TEST_TMPDIR/alerts.yaml" <<'YAML'
rules:
  - name: FlinkJobFailed
    severity: critical
    scope: job
    metric: job_failed
    op: "=="
    threshold: 1
    for: 0s
    message: "Job {job} on {cluster} has failed"
YAML
    printf 'prometheus: %s\nalerts: %s\n' "$PROM_URL" "$BATS_TEST_TMPDIR/alerts.yaml" >"$BATS_TEST_TMPDIR/c.yaml"
    first_running() {
        curl -sf "$SIM_URL/clusters/$1/jobs/overview" |
            python3 -c 'import json,sys; j=[j for j in json.load(sys.stdin)["jobs"] if j["state"]=="RUNNING"][0]; print(j["jid"], j["name"])'
    }
    read -r failed failed_name <<<"$(first_running staging)"
    read -r restarted restarted_name <<<"$(first_running production)"
    # wait until Prometheus has both jobs' metrics, so their change is seen
    local end=$(($(now_ms) + 30000 * SCALE))
    until [ "$(promq_num "count(flink_jobmanager_job_uptime{job_id=~\"$failed|$restarted\"})")" -ge 2 ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "Prometheus never scraped both jobs" >&2; return 1; }
        sleep 0.2
    done
    curl -sf -X POST "$SIM_URL/_sim/jobs/$failed/fail" >/dev/null
    curl -sf -X POST "$SIM_URL/_sim/jobs/$restarted/restart" >/dev/null
    console 220 30 --refresh 1 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "1.20.1"
    keys '!'
    # the failed job: flinktop and Prometheus both fire FlinkJobFailed, one row says so
    wait_for " both" 30
    [ "$(screen | grep "FlinkJobFailed" | grep -c "$failed_name")" -eq 1 ]
    screen | grep "FlinkJobFailed" | grep "$failed_name" | grep -qE " both *$"
    # the restarted job: only Prometheus fires (its rule counts restarts), marked as its,
    # with the rule's for and expression
    row_prom() { screen | grep "FlinkJobFailed" | grep "$restarted_name" | grep -q " prometheus"; }
    end=$(($(now_ms) + 30000 * SCALE))
    until row_prom; do
        if [ "$(now_ms)" -ge "$end" ]; then
            screen >&2
            return 1
        fi
        sleep 0.1
    done
    screen | grep "$restarted_name" | grep -q "Prometheus rule, for 1s"
}

@test "reload (Ctrl-R) moves to a changed Prometheus URL" {
    dead=$(prom_free_port) # nothing listens there
    printf 'prometheus: http://127.0.0.1:%s\n' "$dead" >"$BATS_TEST_TMPDIR/c.yaml"
    console 180 30 --refresh 1 --timeout 2 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "prometheus error" 15
    printf 'prometheus: %s\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "reloaded"
    wait_for "prometheus ok" 15
    ! screen | tail -n 1 | grep -q "prometheus error"
}

@test "reload (Ctrl-R) adds Prometheus to a console started without it, removes it, adds it again" {
    printf 'refresh: 1\n' >"$BATS_TEST_TMPDIR/c.yaml"
    console 180 30 --timeout 2 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "3 clusters" 15
    ! screen | tail -n 1 | grep -q "prometheus"
    # added: asked at once, its state on the status bar
    printf 'refresh: 1\nprometheus: %s\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "reloaded"
    wait_for "prometheus ok" 15
    # removed: the status bar no longer speaks of it, and it is asked no more
    printf 'refresh: 1\n' >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_gone "prometheus ok" 15
    ! screen | tail -n 1 | grep -q "prometheus"
    prom_stop # had it still been asked, the next screens would say its error
    local end=$(($(now_ms) + 3000 * SCALE))
    while [ "$(now_ms)" -lt "$end" ]; do
        ! screen | tail -n 1 | grep -q "prometheus" || { screen >&2; return 1; }
        sleep 0.2
    done
    # added again, at another URL (nothing listens there): its error, not the old state
    dead=$(prom_free_port)
    printf 'refresh: 1\nprometheus: http://127.0.0.1:%s\n' "$dead" >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "prometheus error" 15
    screen | tail -n 1 | grep -q "connection refused"
}
