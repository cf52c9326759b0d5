#!/usr/bin/env bats
# The board on Prometheus: while it answers for the fleet, every job's figures are its
# own and Flink REST is asked no per-job details for the board (only each cluster's
# /jobs/overview, and the job on screen); stopped, the same rows come back from REST with
# the source's error on the status bar; a reload that changes prometheus_cluster_label
# moves the job -> cluster matching without a restart.

load ../bats_speed
load lib

# The file's simulator (frozen) and a Prometheus scraping it, shared by the tests; the test
# that stops Prometheus has its own.
setup_file() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/prom-start.sh
    command -v "$PROMETHEUS" >/dev/null 2>&1 || return 0 # every test skips
    e2e_setup_file --frozen --clusters 3 --jobs 2 || return 1
    export PROM_QUERY_LOG="$BATS_FILE_TMPDIR/queries.log" # what the console asks
    prom_start_file "$SIM_URL" 1s || return 1
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

# prom_ready: every job scraped before the console starts (what it shows is then all
# there), and the console's config. The selected row's job is asked at the detail
# interval (for the action keys): an hour here, so what the counts below see is the
# board's alone. qps 0: Flink REST's figures come back as fast as the simulator answers
# (the default budget, 5 a second, spreads them over a minute here).
prom_ready() {
    poll 60 scraped_all
    printf 'refresh: 1\ndetail_interval: 1h\nqps: 0\nprometheus: %s\n' "$PROM_URL" >"$BATS_TEST_TMPDIR/c.yaml"
}

teardown() {
    prom_stop # a test's own; the file's stays
    e2e_teardown
}

scraped_all() {
    local r
    r=$(curl -sf "$PROM_URL/api/v1/query" --data-urlencode \
        'query=count(count by (job_id) (flink_taskmanager_job_task_busyTimeMsPerSecond)) >= 6') || return 1
    [[ $r == *'"status":"success"'* && $r != *'"result":[]'* ]]
}

# stat PATTERN: requests the simulator received whose path template matches the regex
stat() { sim_count "$1"; }
per_job() { stat '/jobs/\{jid\}'; }
overviews() { stat '/jobs/overview$'; }

# running rows showing Prometheus's figures (their age cell "P 3s") / any figures at all,
# counted in SCREEN (grab)
RE_PROM=' P [0-9]+s'
RE_FIGS=' [0-9.]+k? +[0-9.]+k? '
rows_on_prom() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *" RUNNING "* && $line =~ $RE_PROM ]] && n=$((n + 1))
    done <"$SCREEN_FILE"
    echo "$n"
}
rows_on_rest() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *" RUNNING "* && ! $line =~ $RE_PROM && $line =~ $RE_FIGS ]] && n=$((n + 1))
    done <"$SCREEN_FILE"
    echo "$n"
}
prom_rows_at_least() { grab; [ "$(rows_on_prom)" -ge "$1" ]; }
rest_rows_at_least() { grab; [ "$(rows_on_rest)" -ge "$1" ]; }
overviews_at_least() { [ "$(overviews)" -ge "$1" ]; }

@test "board on Prometheus: every job's figures, no per-job Flink REST; stopped, REST again" {
    prom_start "$SIM_URL" 1s || return 1 # its own: this test stops it
    prom_ready
    START=fleet console 200 30 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "prometheus ok" 15
    poll 20 prom_rows_at_least 6
    # a few refreshes (each asks each cluster's /jobs/overview once) with no per-job request
    sim_http DELETE "/_sim/stats"
    poll 20 overviews_at_least 12
    [ "$(per_job)" -eq 0 ] || { curl -sf "$SIM_URL/_sim/stats" >&2; return 1; }
    grab
    [ "$(rows_on_prom)" -ge 6 ]
    # Prometheus gone: its error on the status bar, the same rows from Flink REST
    prom_stop
    wait_for "prometheus error" 15
    # (two looks a second: this takes up to a minute here, and a look is a tmux process)
    POLL_S=0.5 poll 30 rest_rows_at_least 6
    [ "$(per_job)" -gt 0 ]
}

@test "reload (Ctrl-R) changes prometheus_cluster_label: the mapping follows without a restart" {
    prom_ready
    # a label no series has: nothing matches, REST answers for every row
    printf 'prometheus_cluster_label: no_such_label\n' >>"$BATS_TEST_TMPDIR/c.yaml"
    START=fleet console 200 30 -c "$BATS_TEST_TMPDIR/c.yaml" $(sim_flink_args)
    wait_for "prometheus ok" 15
    poll 30 rest_rows_at_least 6
    grab
    [ "$(rows_on_prom)" -eq 0 ]
    # the backfill's heap query keeps the JobManagers by the configured label: the clusters'
    # names, not the whole fleet
    heap_query_by_label() {
        heap_queries |
            grep -F 'flink_jobmanager_Status_JVM_Memory_Heap_Used{no_such_label=~"' |
            grep -q 'production'
    }
    poll 20 heap_query_by_label
    # the simulator's targets carry the cluster's name in "cluster": every job matches
    sed -i 's/no_such_label/cluster/' "$BATS_TEST_TMPDIR/c.yaml"
    keys C-r
    wait_for "reloaded"
    poll 20 prom_rows_at_least 6
    sim_http DELETE "/_sim/stats"
    poll 20 overviews_at_least 12
    [ "$(per_job)" -eq 0 ] || { curl -sf "$SIM_URL/_sim/stats" >&2; return 1; }
}
