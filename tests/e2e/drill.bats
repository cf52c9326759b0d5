#!/usr/bin/env bats
# Incident depth, in a real terminal against the simulator posing as Kubernetes: Enter on
# a heatmap row opens that vertex's subtasks (status, busy ratios, records, the task
# manager, pod and host each runs on), busiest first with the skew called out; and the
# operator's autoscaler's decision on the overview of the job that has it on
# (orders-enrichment), after the simulator's clock has let it decide.

load ../bats_speed
load lib

setup() {
    e2e_setup
    sim_start --clock manual --kubeconfig-out "$BATS_TEST_TMPDIR/KC"
    # the autoscaler's ConfigMap is read once a detail_interval (30 s by default): a short
    # one, and short refreshes, so that the tests wait for the simulator's clock only
    export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'detail_interval: 0.5\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    export ADVANCE_EVERY_MS=500
}

teardown() {
    e2e_teardown
}

# open_job COLS ROWS NAME: the job screen of FlinkDeployment NAME in a COLSxROWS terminal
open_job() {
    console "$1" "$2" --kubeconfig "$BATS_TEST_TMPDIR/KC" --refresh 0.2
    wait_for "$3" 15
    keys /
    keys "$3" Enter
    wait_for "(1 of "
    keys Enter
    wait_for "Jobs: $3"
    wait_for "UPTIME" # the list is there (at 80 columns the title drops its count)
    keys Enter
    wait_for "1 Overview"
}

# The BUSY column of the subtasks table, top to bottom, as integers (unknown: -1).
busy_column() {
    screen | awk '
        /  #  *STATUS/ { for (i = 1; i <= NF; i++) if ($i ~ /^BUSY/) col = i; on = 1; next }
        on && col && $1 ~ /^[0-9]+$/ && $2 ~ /^[A-Z_]+$/ {
            v = $col; sub(/%/, "", v); print (v == "-" ? -1 : v) }'
}

drill_in() { # COLS ROWS
    open_job "$1" "$2" real-time-analytics
    keys 3
    wait_for "ratio per subtask"
    wait_for "OK" 15
    keys j
    # the cursor's row: its vertex is the one Enter opens
    local row name
    row=$(screen | grep -E '^(▶|>)' | head -n 1)
    [ -n "$row" ]
    name=$(echo "$row" | sed -E 's/^(▶|>)//; s/ *│.*//; s/ +$//')
    [ -n "$name" ]
    keys Enter
    wait_for "Subtasks of ${name:0:12}"
}

@test "Enter on a heatmap row shows its subtasks with their task managers, busiest first (200x60)" {
    drill_in 200 60
    # where they run: the pod (Running, its restarts) and the host
    poll 15 shows "TASK MANAGER" "real-time-analytics-taskmanager-1-" "skew: busy max" "RUNNING" \
        "Running, 0 restarts" "10.1.0."
    # sorted by busy, descending
    run busy_column
    [ "${#lines[@]}" -ge 2 ]
    prev=1000
    for v in "${lines[@]}"; do
        [ "$v" -le "$prev" ]
        prev=$v
    done
    # < moves the sort one column left (BUSY to UPTIME); Esc goes back to the heatmap
    keys '<'
    wait_for "sorted by UPTIME"
    keys Escape
    wait_for "ratio per subtask"
}

@test "the subtasks screen at 80x24 keeps busy, records and the task manager" {
    drill_in 80 24
    poll 15 shows "TASK MANAGER" "BUSY" "REC IN" "skew: busy" "real-tim"
    # and only this vertex is asked for: the drill-down's endpoints stop once it is closed
    keys Escape
    wait_for "ratio per subtask"
    before=$(sim_count 'vertices/\{vid\}$')
    # three more refreshes of the job (its own endpoint), the clock moving: none for the vertex
    local job
    job=$(sim_count 'jobs/\{jid\}$')
    until_advancing 1000 10 sim_count_at_least 'jobs/\{jid\}$' $((job + 3))
    after=$(sim_count 'vertices/\{vid\}$')
    [ "$before" -ge 1 ]
    [ "$after" = "$before" ]
}

@test "the autoscaler's decision shows on the overview of the job that has it on (120x40)" {
    open_job 120 40 orders-enrichment
    wait_for "autoscaler on" 15
    wait_for "no scaling decision yet"
    # ten minutes of the simulator's clock: the operator scales the busiest vertex
    until_advancing 120000 60 screen_matches 'last decision.*: scaled'
    wait_for "(applied)" 20
    screen | grep -qE '[0-9]+ → [0-9]+ +now [0-9]+ \(applied\) +capacity'
    wait_for "history: " 
    until_advancing 1000 30 screen_matches 'history: [0-9:]+ .* [0-9]+→[0-9]+'
    # a job without the autoscaler has no panel
    keys Escape Escape Escape
    keys /
    keys C-u real-time-analytics Enter
    wait_for "(1 of "
    keys Enter Enter
    wait_for "1 Overview"
    wait_for "VERTEX"
    off_screen "autoscaler on"
}

@test "the autoscaler's recommendation at 80x24" {
    open_job 80 24 orders-enrichment
    wait_for "autoscaler on" 15
    until_advancing 120000 60 screen_matches 'last decision.*: scaled'
    # the vertex, its parallelism before and after and now, within 80 columns
    wait_for "(applied)" 20
    screen | grep -qE '[0-9]+ → [0-9]+ +now [0-9]+ \(applied\)'
    wait_for "VERTEX"
}
