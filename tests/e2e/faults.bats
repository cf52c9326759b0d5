#!/usr/bin/env bats
# The fault matrix in the console: one flinktop (tmux, 240x30, the clusters screen,
# refresh 0.5 s, timeout 1 s, no request budget) for the whole file against one simulator,
# each test a fault mode. The faulted sources, each on its own cluster's row:
#
#   d-production  overview (direct)     production   overview through the service proxy
#   d-staging     jobs overview         staging      jobs overview through the proxy
#   d-development (control: untouched)  development  task managers through the proxy
#
# What the SRE at the terminal needs: flinktop stays up, the faulted row says stale and
# why, its last good figures stay on screen, the control row stays fresh, and within one
# refresh (plus the timeout) of the fault clearing every row is fresh again. The content
# modes (escapes, invalid UTF-8, huge numbers, wrong types) must neither reach the
# terminal (title, screen) nor cost the rows. The --once half is
# tests/integration/faults.bats.

load ../bats_speed
load lib

# a look every 0.2 s (lib.bash: 0.1): the console redraws every 0.5 s, and each look is a
# tmux process (about 15 ms of CPU here)
POLL_S=0.2

setup_file() {
    e2e_setup_file --clusters 3 --jobs 2 --frozen --clock manual \
        --kubeconfig-out "$BATS_FILE_TMPDIR/kc" || return 1
    export TMUX_SOCK="flinktop-faults-$$"
    export FAULTS_DIR="$BATS_FILE_TMPDIR"
    # timeout 1 s, 2 s under the sanitizers (TEST_TIME_SCALE=4); refresh half of that:
    # each mode waits for about one of each twice (the error, the recovery), and a
    # refresh that comes round sooner is most of the file's time
    local scale=$((1 + ${TEST_TIME_SCALE:-1} / 4)) args="" c
    local refresh_ms=$((500 * scale))
    for c in production staging development; do
        args="$args --flink d-$c=$SIM_URL/clusters/$c"
    done
    # the task managers are asked at the detail interval (every refresh only on tab 4):
    # here at the refresh, so their faults show and clear like the others'
    printf 'detail_interval: %sms\n' "$refresh_ms" >"$FAULTS_DIR/config.yaml"
    tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 240 -y 30 \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $FLINKTOP -c $FAULTS_DIR/config.yaml --refresh $((refresh_ms / 1000)).$((refresh_ms % 1000 / 100)) --timeout $scale --qps 0 --kubeconfig $FAULTS_DIR/kc $args --start clusters 2>$FAULTS_DIR/stderr; echo \"exited \$?\" >$FAULTS_DIR/exit; sleep 30" ||
        return 1
    tmux -L "$TMUX_SOCK" set-option -g status off >/dev/null
}

teardown_file() {
    console_stop
    e2e_teardown_file
}

setup() {
    cd "$E2E_ROOT" || return 1
    # every row fresh before a mode starts (the previous test's recovery, or the start)
    until_rows_fresh 15
}

teardown() {
    sim_http DELETE "/_sim/faults" || true
}

ROWS="d-production d-staging d-development production staging development"

# row_in_screen NAME: ROW is the line of cluster NAME in SCREEN (lib.bash grab), after the
# 3-cell mark column; "" when there is none. The poll loops below read six rows a turn:
# one capture for all of them, and no process per row.
row_in_screen() {
    local l
    ROW=""
    while IFS= read -r l; do
        if [[ "${l:3}" == "$1 "* ]]; then
            ROW=${l:3}
            return 0
        fi
    done <"$SCREEN_FILE"
}

# row NAME: the clusters screen's line of cluster NAME now
row() {
    grab
    row_in_screen "$1"
    printf '%s\n' "$ROW"
}

alive() {
    if [ -s "$FAULTS_DIR/exit" ]; then
        echo "flinktop exited: $(cat "$FAULTS_DIR/exit"); stderr: $(tail -c 2000 "$FAULTS_DIR/stderr")" >&2
        return 1
    fi
}

# rows_fresh: every row is on screen and none is stale or failing
rows_fresh() {
    local n
    grab
    for n in $ROWS; do
        row_in_screen "$n"
        [ -n "$ROW" ] || return 1
        case "$ROW" in *stale* | *err*) return 1 ;; esac
    done
}

# the file's poll loops run without bats's DEBUG trap (a subshell that drops it, as
# lib.bash's waits do): bats runs it before every command, and over the loops' turns it
# cost about as much CPU as the loops themselves
until_rows_fresh() { (trap - DEBUG; _until_rows_fresh "$@"); }
_until_rows_fresh() { # SECONDS
    local end=$(($(now_ms) + $1 * 1000 * SCALE))
    while :; do
        alive || return 1
        if rows_fresh; then return 0; fi
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        nap "$POLL_S"
    done
    echo "timed out after $1 s waiting for every row to be fresh" >&2
    screen >&2
    return 1
}

# faulted_rows_say REGEX: the five faulted rows say stale and match REGEX (the error as far
# as the column shows it), the control row does not
faulted_rows_say() {
    local n
    grab
    for n in d-production d-staging production staging development; do
        row_in_screen "$n"
        [[ "$ROW" == *stale* ]] || return 1
        [[ "$ROW" =~ $1 ]] || return 1
    done
    row_in_screen d-development
    [[ -n "$ROW" && "$ROW" != *stale* ]]
}

fault_all() { # MODE [ARG]
    faults "$1" "${2:-}" "/clusters/production/overview" "/clusters/staging/jobs/overview" \
        "/api/v1/namespaces/flink-prod/services/*/proxy/overview" \
        "/api/v1/namespaces/flink-staging/services/*/proxy/jobs/overview" \
        "/api/v1/namespaces/flink-dev/services/*/proxy/taskmanagers"
}

# until_faulted REGEX: until faulted_rows_say REGEX (20 s, stretched by SCALE)
until_faulted() { (trap - DEBUG; _until_faulted "$@"); }
_until_faulted() {
    local end=$(($(now_ms) + 20000 * SCALE))
    until faulted_rows_say "$1"; do
        alive || return 1
        tick
        if [ "$NOW_MS" -ge "$end" ]; then
            echo "the faulted rows never said /$1/:" >&2
            screen >&2
            return 1
        fi
        nap "$POLL_S"
    done
}

# error_mode REGEX MODE [ARG]: the faulted rows say so and keep their last good figures;
# the fault clears and every row is fresh within one refresh and a timeout
error_mode() {
    local want=$1 end r
    shift
    # the last good figures, as they are before the fault
    local prod stag
    prod=$(row production | awk '{print $3, $4, $5}')
    stag=$(row d-staging | awk '{print $3, $4, $5, $6}')
    fault_all "$@"
    until_faulted "$want" || return 1
    # last good data kept: version, task managers and slots of a failed overview; the
    # job counts of a failed jobs list
    r=$(row production)
    [ "$(echo "$r" | awk '{print $3, $4, $5}')" = "$prod" ] || { echo "production: $r, was $prod" >&2; return 1; }
    r=$(row d-staging)
    [ "$(echo "$r" | awk '{print $3, $4, $5, $6}')" = "$stag" ] || { echo "d-staging: $r, was $stag" >&2; return 1; }
    sim_http DELETE "/_sim/faults"
    # recovery within one refresh and one timeout (1 s each; 2 s under the sanitizers),
    # with room for a slow machine
    until_rows_fresh 4
}

# until_two_refreshes: until the simulator has counted two direct overview requests
until_two_refreshes() { (trap - DEBUG; _until_two_refreshes); }
_until_two_refreshes() {
    local end=$(($(now_ms) + 15000 * SCALE)) n
    while :; do
        alive || return 1
        # one process a turn: the count is read by bash
        n=$(curl -sf "$SIM_URL/_sim/stats")
        [[ "$n" =~ \"/clusters/\{cluster\}/overview\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 2 ] && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || { echo "no two refreshes under the fault" >&2; return 1; }
        nap "$POLL_S"
    done
}

# content_mode MODE: hostile but well-formed answers; nothing reaches the terminal, the
# rows stay, and clearing the fault leaves every row fresh
content_mode() {
    fault_all "$@"
    # two refreshes with the fault in place (the simulator counts the faulted requests)
    sim_http DELETE "/_sim/stats"
    until_two_refreshes || return 1
    alive
    local title
    title=$(tmux -L "$TMUX_SOCK" display -p '#{pane_title}')
    [[ "$title" != *owned* ]] || { echo "the pane title was set: $title" >&2; return 1; }
    on_screen "NAME" || { screen >&2; return 1; } # not cleared by an ESC [2J
    off_screen "owned"
    for n in $ROWS; do
        [ -n "$(row "$n")" ] || { echo "row $n is gone" >&2; screen >&2; return 1; }
    done
    sim_http DELETE "/_sim/faults"
    until_rows_fresh 4
}

@test "console fault matrix: status 500" {
    error_mode 'HTTP 500' status 500
}

@test "console fault matrix: status 503" {
    error_mode 'HTTP 503' status 503
}

@test "console fault matrix: reset" {
    error_mode 'connection|server clo' reset
}

@test "console fault matrix: an answer dropped" {
    error_mode 'connection|server clo' drop
}

@test "console fault matrix: a server that never answers" {
    error_mode 'timed out' hang
}

@test "console fault matrix: latency over the timeout" {
    error_mode 'timed out' latency $((3000 * (1 + SCALE / 4)))
}

@test "console fault matrix: drip" {
    error_mode 'timed out' drip
}

@test "console fault matrix: truncated" {
    error_mode 'bad answer|malformed' truncate
}

@test "console fault matrix: garbage" {
    error_mode 'bad answer|malformed' garbage
}

@test "console fault matrix: 20 MB" {
    error_mode 'response ov' huge 20
}

@test "console fault matrix: deep nesting" {
    error_mode 'bad answer|malformed' deep
}

@test "console fault matrix: escape sequences" {
    content_mode escapes
}

@test "console fault matrix: invalid UTF-8" {
    content_mode badutf8
}

@test "console fault matrix: huge numbers" {
    content_mode bignum
}

@test "console fault matrix: wrong types" {
    content_mode types
}

@test "console fault matrix: a failing pod watch's re-list is its rows' error, and recovers" {
    fault "/api/v1/pods" garbage
    sim_http POST "/_sim/k8s/drop-watches"
    pods_failed() {
        local n
        alive || return 2
        grab
        for n in production staging development; do
            row_in_screen "$n"
            [[ "$ROW" == *"pods flink-"* ]] || return 1
        done
    }
    poll 20 pods_failed
    [[ "$(row d-development)" != *pods* ]]
    sim_http DELETE "/_sim/faults"
    sim_http POST "/_sim/k8s/drop-watches"
    until_rows_fresh 6
}

# tab_fault TAB PATTERN SHOWN: on the job's tab TAB (loaded: SHOWN on screen), the
# endpoint PATTERN answers 500: the tab says so with its age and keeps what it showed;
# the fault cleared, the line goes within a refresh and a timeout
tab_fault() {
    keys "$1"
    wait_for "$3" 15 || return 1
    fault "$2" status 500
    wait_for "HTTP 500 from" 20 || return 1
    wait_for "stale" 5 || return 1
    screen | grep -qF -- "$3" || {
        echo "tab $1 lost what it showed ($3) under the fault" >&2
        screen >&2
        return 1
    }
    sim_http DELETE "/_sim/faults"
    wait_gone "HTTP 500 from" 20
}

@test "job tabs: a failing checkpoints, backpressure or exceptions endpoint says so on its tab, keeps what it showed, recovers" {
    keys :
    wait_for "Tab complete"
    keys -l "cluster d-production"
    keys Enter
    wait_for "Jobs: d-production ("
    keys Enter
    wait_for "1 Overview"
    local rc=0
    tab_fault 2 "/clusters/production/jobs/*/checkpoints" "replay if restarted now" &&
        tab_fault 3 "/clusters/production/jobs/*/vertices/*/backpressure" "ratio per subtask" &&
        tab_fault 5 "/clusters/production/jobs/*/exceptions" "no exceptions: the job has not failed" || rc=1
    alive || rc=1
    # back to the clusters screen for the file's other tests
    keys Escape
    keys Escape
    wait_for "Clusters (6)" || rc=1
    return $rc
}

@test "clusters screen: a credential that cannot be loaded says so under the table, by context" {
    local kc=$BATS_TEST_TMPDIR/kc
    cat >"$kc" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: "$SIM_URL"
users:
- name: good
  user: {}
- name: tok
  user:
    tokenFile: /nonexistent/token
- name: plug
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/false
      interactiveMode: Never
contexts:
- name: good
  context: {cluster: sim, user: good, namespace: flink-prod}
- name: badtoken
  context: {cluster: sim, user: tok}
- name: badexec
  context: {cluster: sim, user: plug}
current-context: good
YAML
    chmod 600 "$kc"
    # a console of its own, beside the file's
    local file_sock=$TMUX_SOCK
    TMUX_SOCK="flinktop-faults-cred-$$"
    console 200 20 --refresh 1 --kubeconfig "$kc" --context good --context badtoken \
        --context badexec -n flink-prod
    local rc=0
    wait_for 'context badtoken: ' 15 &&
        wait_for 'cannot read tokenFile "/nonexistent/token"' 5 &&
        wait_for 'context badexec: exec plugin "/bin/false" failed' 10 &&
        wait_for 'production' 10 || rc=1
    # the good context's cluster has its row, fresh
    [[ "$(row production)" == *flink-prod* ]] || rc=1
    off_screen 'no clusters configured' || rc=1
    console_stop
    TMUX_SOCK=$file_sock
    return $rc
}
