#!/usr/bin/env bats
# The overview tab in an incident: each vertex's input watermark and how far it lags
# (what the simulator's /watermarks serves, moving with its clock; a source has none),
# the job's restarts and the newest failure's root cause after a task fails; and on the
# Kubernetes tab a cursor over the pods, `l` opening the pod's log.

load ../bats_speed
load lib

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

# first_job: the id of production's first job by name (the row Enter opens)
first_job() {
    curl -sf "$SIM_URL/clusters/production/jobs/overview" | jq -er '.jobs | sort_by(.name) | .[0].jid'
}

# slowest_clock JID: the slowest subtask's watermark among the job's vertices, as the
# screen writes a time of day (local time, HH:MM:SS). One curl for every vertex's
# watermarks, bash for the rest (a python3 costs a tenth of a second of CPU here).
slowest_clock() {
    local base="$SIM_URL/clusters/production/jobs/$1" urls=() id body v low=""
    for id in $(curl -sf "$base" | jq -er '.vertices[].id'); do
        urls+=("$base/vertices/$id/watermarks")
    done
    [ "${#urls[@]}" -gt 0 ] || return 1
    body=$(curl -sf "${urls[@]}") || return 1
    while [[ $body =~ \"value\":\"(-?[0-9]+)\" ]]; do
        v=${BASH_REMATCH[1]}
        body=${body#*"${BASH_REMATCH[0]}"}
        # Long.MIN_VALUE and MAX_VALUE: no watermark
        [[ $v == -9223372036854775808 || $v == 9223372036854775807 ]] && continue
        if [ -z "$low" ] || [ "$v" -lt "$low" ]; then low=$v; fi
    done
    [ -n "$low" ] && printf '%(%H:%M:%S)T\n' $((low / 1000))
}

# kafka_backlog JID: the job's (one) Kafka source's pendingRecords summed over its
# subtasks, as the screen writes it; Flink's metric query service names the metric after
# the chain's first operator, space . : and , made _ (Source__KafkaSource-events)
kafka_backlog() {
    local vid op n
    read -r vid op < <(curl -sf "$SIM_URL/clusters/production/jobs/$1" |
        jq -r '.vertices[0] | "\(.id) \(.name | split(" -> ")[0] | gsub("[ .:,]"; "_"))"')
    n=$(curl -sf "$SIM_URL/clusters/production/jobs/$1/vertices/$vid/subtasks/metrics?agg=sum&get=$op.pendingRecords" |
        jq -er '.[0].sum') || return 1
    awk -v n="$n" 'BEGIN { k = n / 1000
        if (n < 999.95) printf "%.0f\n", n; else if (k < 99.95) printf "%.1fk\n", k; else printf "%.0fk\n", k }'
}

# open_first_job COLS ROWS: the console on production's first job, overview tab
open_first_job() {
    console "$1" "$2" --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
}

# row_has TEXT TEXT2: a row of the screen now holds both (one capture, bash)
row_has() {
    local line
    grab
    while IFS= read -r line; do
        [[ $line == *"$1"* && $line == *"$2"* ]] && return 0
    done <"$SCREEN_FILE"
    return 1
}

# wait_row TEXT TEXT2 [SECONDS=10]: until one screen row holds both
wait_row() { poll "${3:-10}" row_has "$1" "$2"; }

@test "each vertex's watermark and its lag; a source has none, and the watermarks move with the clock" {
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    jid=$(first_job)
    open_first_job 200 60
    wait_for "WM LAG"
    wait_for "WATERMARK"
    # the source's input has no watermark (Long.MIN_VALUE): said, never a 1970 date
    source=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid" |
        jq -er '.vertices[0].name[:20]')
    wait_row "$source" "no wm"
    # a Kafka source's backlog: the sum of its subtasks' pendingRecords
    wait_row "$source" "$(kafka_backlog "$jid")"
    at=$(slowest_clock "$jid")
    wait_for "$at"
    wait_for "watermark lag "
    screen | grep -E "watermark lag [0-9.]+(ms|s)|watermark lag [0-9]+m[0-9]+s"
    off_screen "1970"
    off_screen "-9223372036854775808"
    # two minutes on the simulator's clock: its watermarks move with it, now ahead of ours
    sim_advance 120000
    later=$(slowest_clock "$jid")
    [ "$later" != "$at" ]
    wait_for "$later"
    wait_for "ahead"
    off_screen "1970"
}

@test "after a task fails and the job restarts: the restart count, the last hour's, and the root cause" {
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    jid=$(first_job)
    open_first_job 200 60
    wait_for "restarts "
    before=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid/metrics?get=numRestarts" |
        jq -er '.[0].value')
    sim_http POST "/_sim/jobs/$jid/crash"
    # the failure as the exceptions endpoint gives it: its time, its root cause (the last
    # "Caused by", else the first line), its task
    read -r ts n task cause < <(curl -sf "$SIM_URL/clusters/production/jobs/$jid/exceptions" |
        jq -r '.exceptionHistory.entries as $e | $e[0] as $x
            | ($x.stacktrace | split("\n") | map(gsub("^\\s+|\\s+$"; ""))) as $lines
            | [$lines[] | select(startswith("Caused by: ")) | .[11:]] as $caused
            | (if ($caused | length) > 0 then $caused[-1] else $lines[0] end) as $cause
            | "\($x.timestamp) \($e | length) \($x.taskName | split(" ")[0]) \($cause[:40])"')
    [ -n "$cause" ]
    when=$(printf '%(%H:%M:%S)T' $((ts / 1000)))
    wait_for "Failures, newest first ($n"
    wait_row "$when" "$cause"
    wait_row "$when" "$task"
    # back to RUNNING: the restart counted, and within the hour
    until_advancing 2000 40 on_screen "restarts $((before + 1)), 1 in the last hour"
}

@test "80x24: the watermark lag and the failures fit, nothing spills over the status line" {
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    jid=$(first_job)
    sim_http POST "/_sim/jobs/$jid/crash"
    open_first_job 80 24
    # the names keep their room first: the lag is in the line above the table (once the
    # job runs again after the crash)
    until_advancing 6000 40 on_screen "watermark lag "
    poll 10 shows "Failures, newest first" "NullPointerException"
    grab
    local rows=() line LC_ALL=C.UTF-8
    mapfile -t rows <<<"$SCREEN"
    [ "${#rows[@]}" -le 24 ]
    [[ ${rows[-1]} == *"? help"* ]]
    line_matches "^ VERTEX .*BUSY"
    # every row within 80 cells (characters: the locale is UTF-8)
    for line in "${rows[@]}"; do [ "${#line}" -le 80 ]; done
}

@test "Kubernetes tab: the cursor moves over the pods and l opens the log of the pod under it" {
    local d=$BATS_TEST_TMPDIR token=overview-token
    test_cert || return 1
    sim_start --clusters 3 --jobs 3 --frozen --clock manual --token "$token" \
        --tls-cert "$TEST_CERT" --tls-key "$TEST_KEY" --kubeconfig-out "$d/KC" || return 1
    api() { curl -sfk -H "Authorization: Bearer $token" "$SIM_URL$1"; }
    console 200 50 --kubeconfig "$d/KC"
    wait_for "production" 15
    keys Home Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Pods ("
    wait_for "jobmanager"
    wait_for "taskmanager"
    # the cursor on the first pod (the list may have come in pieces)
    keys Home
    # the pods in the order the tab lists them: the rows under the pods' header
    pods=$(screen | awk '/^ NAME +PHASE/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
    first=$(echo "$pods" | sed -n 1p)
    second=$(echo "$pods" | sed -n 2p)
    [ -n "$first" ] && [ -n "$second" ]
    ns=$(api /apis/flink.apache.org/v1beta1/flinkdeployments | jq -er '[.items[] | select(.metadata.name == "production")][0].metadata.namespace')
    keys l
    wait_for "Log of pod $first in $ns"
    keys Escape
    wait_for "Pods ("
    # j moves it down one pod; l opens that one's log, followed
    keys j
    keys l
    wait_for "Log of pod $second in $ns"
    wait_for "following:"
    log="/api/v1/namespaces/$ns/pods/$second/log?container=flink-main-container&tailLines=1"
    wait_for "$(api "$log" | cut -c1-60)"
    # back on the tab the cursor is still on it; k moves it up again
    keys Escape
    wait_for "Pods ("
    keys k l
    wait_for "Log of pod $first in $ns"
}

@test "without Prometheus the board's LAG is the backlog Flink REST gave on the job's overview" {
    sim_start --clusters 3 --jobs 3 --frozen --clock manual || return 1
    jid=$(first_job)
    name=$(curl -sf "$SIM_URL/clusters/production/jobs/$jid" |
        jq -er .name)
    backlog=$(kafka_backlog "$jid")
    START=fleet console 200 40 --refresh 1 $(sim_flink_args)
    wait_for "$name"
    wait_for "LAG"
    # before its overview was on screen nothing asked the backlog
    ! (screen | grep -F "$name" | grep -qF "$backlog") || false
    keys : job Space "$jid" Enter
    wait_for "BACKLOG"
    # its watermarks and backlog are asked once the job's detail set in flight is in:
    # when the board's fill of its rows had it out at the board's priority, that set
    # waits for the budget first (under a loaded machine, seconds)
    wait_for "$backlog" 30
    keys Escape
    wait_for "Jobs: production"
    keys Escape
    wait_for "Fleet ("
    wait_row "$name" "$backlog"
}
