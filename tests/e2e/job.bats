#!/usr/bin/env bats
# Inside a job, in a real terminal against the simulator: the tabs an SRE opens in
# an incident, the heatmap at two sizes, and a bottleneck appearing live.

load ../bats_speed
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
    sim_http DELETE "/_sim/faults" || true
    e2e_teardown
}

# either A B: the screen shows A or B now
either() { grab; [[ $SCREEN == *"$1"* || $SCREEN == *"$2"* ]]; }

# open_job COLS ROWS: production's first job (as sorted on screen) in a COLSxROWS terminal
open_job() {
    console "$1" "$2" --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
}

@test "each of the five tabs shows its data" {
    open_job 120 40
    poll 10 shows "VERTEX" "Source:" "records per second"
    keys 2
    poll 10 shows "checkpoints  completed" "replay if restarted now"
    keys 3
    wait_for "ratio per subtask"
    poll 15 either "HIGH" "OK"
    keys 4
    poll 10 shows "task managers of production" "production-taskmanager-"
    keys 5
    poll 10 either "root cause" "no exceptions: the job has not failed"
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
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" | jq -er '[.jobs[] | select(.state == "RUNNING")] | sort_by(.name) | .[0].jid')
    # the screen shows the first job by name; make sure it is the one we break
    name=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid" | jq -er .name)
    wait_for "$name"
    sim_http POST "/_sim/jobs/$jid/bottleneck" '{"vertex": 2}'
    wait_for "bottleneck" 4
    screen | grep -q "HIGH"
    sim_http DELETE "/_sim/jobs/$jid/bottleneck"
}

@test "a failing exceptions endpoint shows its error on tab 5, not loading forever" {
    fault '*/exceptions' status 500
    open_job 120 40
    keys 5
    wait_for "HTTP 500 from /"
    screen | grep -F "HTTP 500 from /" | grep -qF "/exceptions: simulated fault"
    ! screen | grep -qF "loading exceptions" || false
}

@test "exceptions that stop answering stay on screen, marked stale with the error" {
    open_job 120 40
    keys 5
    poll 10 either "root cause" "no exceptions: the job has not failed"
    fault '*/exceptions' status 500
    wait_for "stale"
    screen | grep -F "stale" | grep -qF "HTTP 500 from /"
    screen | grep -qF "root cause" || screen | grep -qF "no exceptions: the job has not failed"
}

@test "at 80x24 the job screen's title keeps the job's name; the cluster's gives way" {
    console 80 24 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    # the first row of the jobs list (after its alert mark), up to where it gives way
    name=$(screen | sed -n 3p | cut -c4- | awk '{print $1}')
    name=${name%%…*}
    [ -n "$name" ]
    keys Enter
    wait_for "1 Overview"
    title=$(screen | head -n 1)
    [[ "$title" == *"│ $name"* ]]
    [[ "$title" == *" ("*")"* ]]
}

@test "two identically named vertices show numbered on the overview and the heatmap" {
    sim_start --frozen --clusters 1 --jobs 6 || return 1
    # a job of this fleet whose graph has two vertices of one name, and that name (every
    # job's graph in one curl, read by jq)
    local urls=() id
    for id in $(curl -sf "$SIM_URL/jobs/overview" | jq -er '.jobs[].jid'); do
        urls+=("$SIM_URL/jobs/$id")
    done
    read -r job dup < <(curl -sf "${urls[@]}" | jq -rs 'first(.[] | select(.name | contains(" ") | not)
        | [.vertices[].name] as $n
        | [$n[] | select(. as $x | [$n[] | select(. == $x)] | length > 1)] as $d
        | select($d | length > 0) | "\(.name) \($d[0])")')
    [ -n "$job" ] # the simulator's fleet has such a job (its catalog repeats operators)
    console 200 45 --refresh 1 --flink production="$SIM_URL/clusters/production"
    wait_for "production"
    keys : j o b Space
    keys -l "$job"
    keys Enter
    wait_for "1 Overview"
    wait_for "$dup (2)" 15
    keys 3
    wait_for "ratio per subtask"
    wait_for "$dup (2)"
}

@test "at 80x24 long job names keep their tails on the board and the jobs list" {
    sim_start --frozen --clusters 1 --jobs 6 || return 1
    START=default console 80 24 --flink production="$SIM_URL/clusters/production"
    wait_for "HEALTH" 10
    long=$(sim_job_names production | awk 'length($0) > 20')
    [ -n "$long" ]
    check_tails() {
        local line ok
        grab
        while read -r name; do
            # start and end on one row, the middle given way: "orders-ba…l-2025-10"
            ok=0
            while IFS= read -r line; do
                [[ $line == *"${name:0:5}"* && $line == *"${name: -5}"* ]] && ok=1 && break
            done <"$SCREEN_FILE"
            [ $ok = 1 ] || {
                echo "no row keeps both ends of $name" >&2
                echo "$SCREEN" >&2
                return 1
            }
        done <<<"$long"
    }
    first=$(head -n 1 <<<"$long")
    wait_for "${first: -5}" 10
    check_tails
    keys F
    wait_for "Clusters ("
    keys Enter
    wait_for "Jobs: production"
    check_tails
}

# flat: FLAT is the screen with its line breaks and indentation folded to single spaces:
# wrapped text reads as one line (one capture, bash: no tr and grep a poll turn)
flat() {
    local f
    grab
    f=${SCREEN//$'\n'/ }
    while [[ $f == *"  "* ]]; do f=${f//  / }; done
    FLAT=$f
}

@test "checkpoint failures show their whole cause; Enter on a checkpoint opens its detail" {
    sim_start --clusters 1 --jobs 3 --clock manual || return 1
    # every running job of production fails its next checkpoints
    for jid in $(curl -sf "$SIM_URL/clusters/production/jobs/overview" |
        jq -r '.jobs[] | select(.state == "RUNNING") | .jid'); do
        sim_http POST "/_sim/jobs/$jid/checkpoint-failures" '{"count":5}'
    done
    console 80 40 --refresh 1 --flink production="$SIM_URL/clusters/production"
    wait_for "Clusters ("
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 2
    wait_for "replay if restarted now"
    # at 80 columns the cause is longer than a line: all of it is there, wrapped
    cause_whole() { flat && [[ $FLAT == *"Failure reason: Task has failed."* ]]; }
    until_advancing 2000 60 cause_whole
    # Enter on the newest checkpoint (the top row, a failed one): its operators
    keys Home Enter
    poll 15 shows "OPERATOR" "ACKED" "acknowledged "
    # the row under the header: the job graph's first vertex, by name
    flat
    first_vertex=$(screen | sed -n '/OPERATOR/{n;p;}' | awk '{print $1}')
    [ -n "$first_vertex" ]
    [[ "$first_vertex" == Source* ]]
    [[ $FLAT == *"failed Task name with subtask"* ]]
    # Esc closes the detail, not the job
    keys Escape
    wait_for "replay if restarted now"
    off_screen "OPERATOR"
}
