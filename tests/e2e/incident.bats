#!/usr/bin/env bats
# What an SRE reaches for after finding the sick job. `y` copies what is under the cursor
# to the clipboard of the user's own terminal as an OSC 52 sequence: tmux with
# set-clipboard on takes that sequence into a paste buffer, which is what these tests
# read (the bytes a terminal at the far end of ssh would get). Tab 7 draws the job graph.

load ../bats_speed
load lib

setup_file() {
    e2e_setup_file --clusters 3 --jobs 3 --frozen --clock manual
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

# copy_console [flinktop args...]: the console at 120x40 in a tmux that accepts OSC 52
copy_console() {
    console 120 40 --refresh 1 $(sim_flink_args) "$@"
    t set-option -g set-clipboard on >/dev/null
    wait_for "1.20.1"
}

# buffer: what the terminal's clipboard got (tmux's newest paste buffer)
buffer() { t show-buffer 2>/dev/null; }

@test "y on a job copies its id, and the id is the job on screen" {
    copy_console
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys y
    wait_for "copied job id"
    id=$(buffer)
    [[ "$id" =~ ^[0-9a-f]{32}$ ]]
    name=$(curl -sf "$SIM_URL/clusters/production/jobs/$id" |
        jq -er .name)
    [ -n "$name" ]
    on_screen "$name"
}

@test "y on a completed checkpoint copies its external path" {
    copy_console
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 2
    wait_for "TRIGGERED"
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" | jq -er '.jobs | sort_by(.name) | .[0].jid')
    # Flink's history newest first, as the table sorts it: the newest row may be a failure,
    # so go down to the first completed one
    read -r skip want < <(curl -sf "$SIM_URL/clusters/production/jobs/$jid/checkpoints" |
        jq -er '.history | sort_by(-.id) | (map(.status == "COMPLETED") | index(true)) as $k
            | "\($k) \(.[$k].external_path)"')
    for ((i = 0; i < skip; i++)); do keys Down; done
    keys y
    wait_for "copied checkpoint path"
    [ "$(buffer)" = "$want" ]
}

@test "y on the exceptions tab copies the whole stack trace" {
    copy_console
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 5
    wait_for "root cause"
    keys y
    wait_for "copied stack trace"
    [ "$(buffer | wc -l)" -gt 3 ]
    buffer | head -1 | grep -q "Exception"
    buffer | grep -q "^    at "
}

@test "--no-osc52: y says copy is off and the terminal gets nothing" {
    copy_console --no-osc52
    keys Enter
    wait_for "Jobs: production"
    keys y
    wait_for "copy is off"
    [ -z "$(buffer)" ]
}

@test "the job graph at 80x24: every vertex numbered top down with the ship strategies the plan gives" {
    console 80 24 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 7
    wait_for "edges, top down"
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" | jq -er '.jobs | sort_by(.name) | .[0].jid')
    # the plan as Flink serves it: each vertex's name and the ship strategy of its input
    curl -sf "$SIM_URL/clusters/production/jobs/$jid" |
        jq -er '(.vertices | map({key: .id, value: .name}) | from_entries) as $names
            | .plan.nodes[]
            | "\(if (.inputs // []) | length > 0 then .inputs[0].ship_strategy else "" end)\t\($names[.id])"' \
        >"$BATS_TEST_TMPDIR/plan"
    [ -s "$BATS_TEST_TMPDIR/plan" ]
    grab # the graph stands still: one capture for every check
    i=0
    while IFS=$'\t' read -r ship name; do
        i=$((i + 1))
        [[ $SCREEN == *"[$i] ${name:0:20}"* ]]
        [ -z "$ship" ] || [[ $SCREEN == *"$ship"* ]]
    done <"$BATS_TEST_TMPDIR/plan"
    [[ $SCREEN == *"$i vertices"* ]]
}

# tail_of URL: the start of the last line of a log as the simulator serves it now
tail_of() { curl -sf "$1" | tail -n 1 | cut -c1-60; }

@test "l reads the JobManager's log, E finds the cause of a failure, l again reads it again" {
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    sim_mid_hour # the failure below and the minute after it in one file
    jid=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" |
        jq -er '.jobs[0].jid')
    sim_http POST "/_sim/jobs/$jid/fail"
    sim_advance 5000
    log="$SIM_URL/clusters/production/jobmanager/log"
    console 120 40 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    last=$(tail_of "$log")
    sim_http DELETE "/_sim/stats" # count flinktop's reads only
    keys l # the clusters screen's first row: production
    wait_for "JobManager log of production"
    wait_for "$last" # it opens at the end
    [ "$(served /jobmanager/log)" = 1 ]
    keys E
    wait_for "Caused by: java.lang.NullPointerException"
    # the console keeps polling, the log is not read again by itself
    sim_advance 60000
    before=$(served /jobs/overview)
    poll 10 served_more /jobs/overview $((before + 2))
    [ "$(served /jobmanager/log)" = 1 ]
    last=$(tail_of "$log")
    off_screen "$last"
    sim_http DELETE "/_sim/stats"
    keys l
    wait_for "$last"
    [ "$(served /jobmanager/log)" = 1 ]
}

@test "l on the task managers tab reads that task manager's log; / finds a line far above" {
    # its own simulator, its clock well into an hour: the log file rolls on the hour, and
    # just after one the current file is a few lines
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    sim_mid_hour
    console 120 40 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 4
    wait_for "production-taskmanager-"
    keys l
    wait_for "Log of task manager production-taskmanager-"
    tm=$(screen | grep -o 'Log of task manager [a-z0-9-]*' | head -1 | awk '{print $5}')
    wait_for "$(tail_of "$SIM_URL/clusters/production/taskmanagers/$tm/log")"
    # the first line of the file is far above the screen: search for its time
    first=$(curl -sf "$SIM_URL/clusters/production/taskmanagers/$tm/log" | head -n 1 | cut -c1-23)
    off_screen "$first"
    keys / "$first" Enter
    wait_for "$first"
}

@test "on Kubernetes l follows a task manager pod's log, p after an OOMKill shows the container that died" {
    local d=$BATS_TEST_TMPDIR token=incident-token
    test_cert || return 1
    sim_start --clusters 3 --jobs 3 --frozen --clock manual --token "$token" \
        --tls-cert "$TEST_CERT" --tls-key "$TEST_KEY" --kubeconfig-out "$d/KC" || return 1
    api() { curl -sfk -H "Authorization: Bearer $token" "$SIM_URL$1"; }
    ns=$(api /apis/flink.apache.org/v1beta1/flinkdeployments | jq -er '[.items[] | select(.metadata.name == "production")][0].metadata.namespace')
    sim_http POST "/_sim/k8s/$ns/production/oom"
    # the pod whose container was OOMKilled
    pod=$(api "/api/v1/namespaces/$ns/pods" | jq -r '.items[] | .metadata.name as $n
        | .status.containerStatuses[]? | select(.lastState.terminated.reason? == "OOMKilled") | $n')
    [ -n "$pod" ]
    log="/api/v1/namespaces/$ns/pods/$pod/log?container=flink-main-container&tailLines=1"
    console 160 40 --kubeconfig "$d/KC"
    wait_for "production" 15
    keys Home Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 4
    wait_for "$pod"
    keys / "$pod" Enter # the filter leaves its row, selected
    keys l
    wait_for "Log of pod $pod in $ns"
    wait_for "following:"
    wait_for "$(api "$log" | cut -c1-60)"
    # followed: lines written later arrive without a key
    sim_advance 30000
    wait_for "$(api "$log" | cut -c1-60)"
    keys p
    wait_for "previous container"
    wait_for "$(api "$log&previous=true" | cut -c1-60)"
}
