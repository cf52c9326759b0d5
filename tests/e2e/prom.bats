#!/usr/bin/env bats
# Prometheus as a source, on screen: the status bar says its state like the clusters'
# (ok, then its error and how long ago it last answered when it goes away), and the
# console keeps working from Flink REST.

load ../bats_speed
load lib

# The file's simulator (frozen: its figures stand still) and a Prometheus that starts
# with a minute of its history (tests/prom-start.sh PROM_HISTORY): tests that only read
# share them; a test that stops Prometheus or changes the simulator's jobs has its own.
setup_file() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/prom-start.sh
    command -v "$PROMETHEUS" >/dev/null 2>&1 || return 0 # every test skips
    e2e_setup_file --frozen --clusters 3 --jobs 2 || return 1
    PROM_HISTORY=60 prom_start_file "$SIM_URL" 1s || return 1
}

teardown_file() {
    . "$BATS_TEST_DIRNAME/../../tests/prom-start.sh"
    prom_stop_file
    e2e_teardown_file
}

setup() {
    e2e_setup
    . "$E2E_ROOT/tests/prom-start.sh"
    command -v "$PROMETHEUS" >/dev/null 2>&1 || skip "prometheus is not installed"
    PROM_URL=$PROM_FILE_URL
}

teardown() {
    prom_stop # a test's own; the file's stays
    e2e_teardown
    sim_http DELETE "/_sim/faults" || true
}

# last_line_has TEXT: the screen's last line (the status bar) shows TEXT
last_line_has() { [[ "${SCREEN##*$'\n'}" == *"$1"* ]]; }

@test "status bar: prometheus ok, then its error with the age of the last good answer" {
    prom_start "$SIM_URL" 1s || return 1 # its own: this test stops it
    console 180 30 --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "prometheus ok" 15
    prom_stop
    wait_for "prometheus error (good" 15
    grab
    last_line_has "connection refused"
    # Flink REST still answers: the clusters are there, none with errors
    [[ "$SCREEN" == *"3 clusters"* ]]
    ! last_line_has "with errors" || false
}

# promq_num QUERY: the instant query's first value, 0 when none
promq_num() {
    curl -sf "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // 0 | tonumber | floor'
}

# Prometheus holds N scrapes (1 s apart) of every job
prom_has_seconds() { [ "$(promq_num 'min(count_over_time(flink_jobmanager_job_numRestarts[5m]))')" -ge "$1" ]; }

@test "a job opened right after start shows the history Prometheus has, not only its own" {
    # the file's Prometheus started with a minute of history (PROM_HISTORY)
    poll 30 prom_has_seconds 45
    tick
    local started=$NOW_MS
    # a refresh every 5 s: what the console draws itself is a point every 5 s, so a ten
    # points long trend within the deadline below is Prometheus's, however slow the
    # machine. (The chart's time axis is its points times the refresh: the 40 s one of
    # Prometheus's history is prom_proxy.bats's check, at a refresh of 1 s.)
    console 120 40 --refresh 5 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "records per second"
    grab
    [[ "$SCREEN" != *"no history yet"* ]]
    # tab 4: the JobManager's heap, Prometheus's alone, its trend already ten points long.
    # Prometheus's range query answers on its own time: looked for until the console could
    # have drawn ten points itself (one at the start, one a refresh)
    keys 4
    wait_for "jobmanager heap"
    poll_before $((started + 42000)) heap_trend_is 10
}

@test "board: jobs whose REST metrics never arrive show Prometheus's figures, marked P, and their source lag" {
    # every subtask-metrics request hangs: REST alone would leave IN/s and OUT/s at "-"
    # (teardown lifts the fault from the file's simulator)
    fault '*/subtasks/metrics*' hang
    console 200 30 --refresh 1 --prometheus "$PROM_URL" $(sim_flink_args)
    wait_for "1.20.1"
    keys F
    wait_for "LAG"
    wait_for "P 0s" 15 || wait_for "P 1s" 5
    # a running job's row: throughput numbers, the age marked as Prometheus's, a lag
    row_ok() { grab; line_matches ' RUNNING ' ' [0-9.]+k? +[0-9.]+k? .* P [0-9]+s +[0-9.]+[kM]?$'; }
    poll 10 row_ok
    # without Prometheus the same rows have no throughput at all
    console_stop
    console 200 30 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys F
    wait_for "RUNNING"
    grab
    ! line_matches ' P [0-9]' || false
    ! line_matches ' RUNNING ' ' [0-9.]+k +[0-9.]+k ' || false
}

@test "alerts screen: Prometheus's alerts beside flinktop's, marked, one row for a rule both fire" {
    # its own simulator (a job fails, one restarts) and Prometheus (every rule's for 1s)
    sim_start --frozen --clusters 3 --jobs 2 || return 1
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
            jq -r '[.jobs[] | select(.state == "RUNNING")][0] | "\(.jid) \(.name)"'
    }
    read -r failed failed_name <<<"$(first_running staging)"
    read -r restarted restarted_name <<<"$(first_running production)"
    # wait until Prometheus has both jobs' metrics, so their change is seen
    both_scraped() { [ "$(promq_num "count(flink_jobmanager_job_uptime{job_id=~\"$failed|$restarted\"})")" -ge 2 ]; }
    poll 30 both_scraped
    sim_http POST "/_sim/jobs/$failed/fail"
    sim_http POST "/_sim/jobs/$restarted/restart"
    console 220 30 --refresh 1 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "1.20.1"
    keys '!'
    # the failed job: flinktop and Prometheus both fire FlinkJobFailed, one row says so
    wait_for " both" 30
    grab
    local rows=0 line
    while IFS= read -r line; do
        [[ $line == *FlinkJobFailed* && $line == *"$failed_name"* ]] && rows=$((rows + 1))
    done <"$SCREEN_FILE"
    [ "$rows" -eq 1 ]
    line_matches FlinkJobFailed "$failed_name" ' both *$'
    # the restarted job: only Prometheus fires (its rule counts restarts), marked as its,
    # with the rule's for and expression
    row_prom() { grab; line_matches FlinkJobFailed "$restarted_name" ' prometheus'; }
    poll 30 row_prom
    grab
    line_matches "$restarted_name" 'Prometheus rule, for 1s'
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
    grab
    ! last_line_has "prometheus error" || false
}

@test "reload (Ctrl-R) adds Prometheus to a console started without it, removes it, adds it again" {
    prom_start "$SIM_URL" 1s || return 1 # its own: this test stops it
    printf 'refresh: 1\n' >"$BATS_TEST_TMPDIR/c.yaml"
    # wide: under a sanitizer a slow cluster adds its error to the status bar too
    console 240 30 --timeout 2 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "3 clusters" 15
    grab
    ! last_line_has "prometheus" || false
    # added: asked at once, its state on the status bar
    printf 'refresh: 1\nprometheus: %s\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "reloaded"
    wait_for "prometheus ok" 15
    # removed: the status bar no longer speaks of it, and it is asked no more
    printf 'refresh: 1\n' >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_gone "prometheus ok" 15
    grab
    ! last_line_has "prometheus" || false
    prom_stop # had it still been asked, the next screens would say its error
    # three refreshes' time (3 s) without a word of it on the status bar, looked at all along
    no_word() {
        local end
        tick
        end=$((NOW_MS + 3000 * SCALE))
        while [ "$NOW_MS" -lt "$end" ]; do
            grab
            ! last_line_has "prometheus" || { echo "$SCREEN" >&2; return 1; }
            nap "$POLL_S"
            tick
        done
    }
    (trap - DEBUG; no_word)
    # added again, at another URL (nothing listens there): its error, not the old state
    dead=$(prom_free_port)
    printf 'refresh: 1\nprometheus: http://127.0.0.1:%s\n' "$dead" >"$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "prometheus error" 15
    grab
    last_line_has "connection refused" || { echo "$SCREEN" >&2; return 1; }
}
