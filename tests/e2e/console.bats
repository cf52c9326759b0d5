#!/usr/bin/env bats
# The console in a real terminal (tmux) against the simulator: what a user sees.

load ../bats_speed
load lib

# One simulator for the file (its clock standing still, so nothing changes under the
# tests); the test that hangs a cluster starts its own.
setup_file() {
    e2e_setup_file --jobs 4 --clock manual
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

@test "clusters screen shows the three clusters with live data at 120x40" {
    console 120 40 $(sim_flink_args)
    poll 10 shows "production" "1.20.1" "1.18.1" "2.1.0" "3 clusters"
    grab
    [[ $SCREEN == *staging* ]]
    [[ $SCREEN == *development* ]]
}

@test "Enter on a cluster shows its jobs; q goes back; q again quits" {
    console 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    local names
    mapfile -t names < <(sim_job_names production)
    [ "${#names[@]}" -gt 0 ]
    poll 10 shows "Jobs: production" "${names[@]}"
    keys q
    wait_for "Clusters (3)"
    keys q
    run wait_exit 5
    [ "$status" -eq 0 ]
    [[ "$output" == "exited 0" ]]
}

@test "? lists the keys and closes again" {
    console 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    keys '?'
    poll 10 shows "Help: Clusters" "filter rows" "sort by the column"
    keys '?'
    wait_for "Clusters (3)"
}

@test "80x24 shows every cluster and the jobs of one" {
    console 80 24 $(sim_flink_args)
    poll 10 shows "production" "staging" "development" "2.1.0"
    keys j j Enter
    wait_for "Jobs: development"
    wait_for "$(sim_job_names development | head -n 1)"
}

@test "a hanging cluster goes stale while keys still answer at once" {
    sim_start --jobs 4 --clock manual || return 1
    console 120 40 --timeout 2 --refresh 1 $(sim_flink_args)
    wait_for "1.18.1"
    fault "/clusters/staging/*" hang
    # keys answer while requests to staging hang: help opens within a second
    keys '?'
    wait_for "Help: Clusters" 1
    keys '?'
    wait_for "Clusters (3)" 1
    # the last good data stays, marked stale with the error line
    wait_for "stale" 10
    wait_for "timed out after 2 s" 10
    screen | grep "staging" | grep -q "1.18.1"
    keys '?'
    wait_for "Help: Clusters" 1
}

@test "a tiny terminal says so, and the screen comes back when it grows" {
    console 80 24 $(sim_flink_args)
    wait_for "production"
    t resize-window -x 30 -y 6
    wait_for "terminal too small"
    t resize-window -x 100 -y 30
    wait_for "production"
    wait_for "Clusters (3)"
}

@test "a filter narrows the jobs and Esc clears it" {
    console 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production"
    first=$(sim_job_names production | sort | head -n 1)
    last=$(sim_job_names production | sort | tail -n 1)
    wait_for "$last"
    keys / "${first:0:6}"
    wait_gone "$last"
    screen | grep -qF "$first"
    keys Escape
    wait_for "$last"
}

@test "when the terminal goes away (ssh dropped) flinktop exits instead of spinning" {
    # (no leak check at this exit: a sanitizer build's stops the process with ptrace, and
    # the SIGCONT the kernel sends the hung-up, orphaned process group can undo that stop
    # and leave the checker waiting forever; flinktop's own exit is what is tested)
    ASAN_OPTIONS=detect_leaks=0 console 80 24 --flink "hup-$$=$SIM_URL/clusters/production"
    wait_for "hup-$$"
    console_pid # (pgrep -f matched the pane's shell as well: two pids, never "running")
    pid=$CONSOLE_PID
    [ -n "$pid" ]
    read -r comm <"/proc/$pid/comm"
    [ "$comm" = flinktop ]
    t kill-server
    tick
    end=$((NOW_MS + 5000 * SCALE))
    while running "$pid" && tick && [ "$NOW_MS" -lt "$end" ]; do nap 0.05; done
    if running "$pid"; then
        kill -9 "$pid"
        false
    fi
}
