#!/usr/bin/env bats
# Inside a job, in a real terminal against the simulator: the tabs an SRE opens in
# an incident, the heatmap at two sizes, and a bottleneck appearing live.

load lib

# One simulator for the file (its clock standing still); the test that chokes a job
# starts its own.
setup_file() {
    e2e_setup_file --jobs 3 --clock manual
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
}

teardown() {
    # a test's faults must not outlive it on the file's shared simulator
    curl -sf -X DELETE "$SIM_URL/_sim/faults" >/dev/null || true
    e2e_teardown
}

# open_job COLS ROWS: production's first job (as sorted on screen) in a COLSxROWS terminal
open_job() {
    console "$1" "$2" --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production"
    keys Enter
    wait_for "1 Overview"
}

@test "each of the five tabs shows its data" {
    open_job 120 40
    wait_for "VERTEX"
    wait_for "Source:"
    wait_for "records per second"
    keys 2
    wait_for "checkpoints  completed"
    wait_for "replay if restarted now"
    keys 3
    wait_for "ratio per subtask"
    wait_for "HIGH" 15 || wait_for "OK" 15
    keys 4
    wait_for "task managers of production"
    wait_for "production-taskmanager-"
    keys 5
    wait_for "root cause" 5 || wait_for "no exceptions: the job has not failed"
    # Tab goes on to the Kubernetes tab (a plain --flink cluster here), the job graph, then
    # back to the first
    keys Tab
    wait_for "not managed by the Flink Kubernetes Operator"
    keys Tab
    wait_for "edges, top down"
    keys Tab
    wait_for "VERTEX"
}

@test "the heatmap fits 80x24 and uses 200x50" {
    open_job 80 24
    keys 3
    wait_for "ratio per subtask"
    wait_for "Source:"
    t resize-window -x 200 -y 50
    wait_for "ratio per subtask"
    wait_for "Sink:"
}

@test "a bottleneck shows HIGH upstream and is marked within two refreshes" {
    sim_start --jobs 3 --clock manual || return 1
    open_job 120 40
    keys 3
    wait_for "ratio per subtask"
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" | python3 -c '
import json, sys
jobs = [j for j in json.load(sys.stdin)["jobs"] if j["state"] == "RUNNING"]
print(sorted(jobs, key=lambda j: j["name"])[0]["jid"])')
    # the screen shows the first job by name; make sure it is the one we break
    name=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')
    wait_for "$name"
    curl -sf -X POST "$SIM_URL/_sim/jobs/$jid/bottleneck" -d '{"vertex": 2}' >/dev/null
    wait_for "bottleneck" 4
    screen | grep -q "HIGH"
    curl -sf -X DELETE "$SIM_URL/_sim/jobs/$jid/bottleneck" >/dev/null
}

@test "a failing exceptions endpoint shows its error on tab 5, not loading forever" {
    fault '*/exceptions' status 500
    open_job 120 40
    keys 5
    wait_for "HTTP 500 from /"
    screen | grep -F "HTTP 500 from /" | grep -qF "/exceptions: simulated fault"
    ! screen | grep -qF "loading exceptions"
}

@test "exceptions that stop answering stay on screen, marked stale with the error" {
    open_job 120 40
    keys 5
    wait_for "root cause" 5 || wait_for "no exceptions: the job has not failed"
    fault '*/exceptions' status 500
    wait_for "stale"
    screen | grep -F "stale" | grep -qF "HTTP 500 from /"
    screen | grep -qF "root cause" || screen | grep -qF "no exceptions: the job has not failed"
}

@test "at 80x24 the job screen's title keeps the job's name; the cluster's gives way" {
    console 80 24 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production"
    name=$(screen | sed -n 3p | awk '{print $1}') # the first row of the jobs list
    [ -n "$name" ]
    keys Enter
    wait_for "1 Overview"
    title=$(screen | head -n 1)
    [[ "$title" == *"│ $name ("* ]]
}
