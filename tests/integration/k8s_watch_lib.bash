# What the Kubernetes watch tests share (k8s_watch.bats, k8s_deployments.bats): the
# simulator's request counters, kubectl on its kubeconfig, a console with every stream
# open, tab 6 of production's first job. Expects $T (the test's directory, with kc in it)
# and $SIM_URL (its /_sim endpoints asked on SIM_CONTROL_URL when it serves TLS), and
# $TAB6_ALSO a text tab6 waits for too.

# stats_json: the simulator's request counters now, in STATS (no process: its control
# port, tests/sim-http.bash)
stats_json() { sim_http GET /_sim/stats && STATS=$HTTP_BODY; }

# stat_of KEY: the number after "KEY": in $STATS (0 when absent), read by bash: the
# counters are polled for whole tests, and an interpreter a look cost more than the rest.
# _stat_val KEY: the same in STAT, printing nothing (no subshell)
_stat_val() {
    local rest
    case "$STATS" in
        *"\"$1\":"[0-9]*) rest=${STATS#*"\"$1\":"} && STAT=${rest%%[!0-9]*} ;;
        *) STAT=0 ;;
    esac
}
stat_of() { _stat_val "$1" && echo "$STAT"; }

# stat NAME: the simulator's request counter NAME (kubernetes_list, kubernetes_watch, proxy)
stat() { stats_json && stat_of "$1"; }

# by_path TEMPLATE: how many requests the simulator counted for that path template
by_path() { stats_json && stat_of "$1"; }

# until_stat NAME MIN [SECONDS=15]: until counter NAME is at least MIN
_until_stat() {
    local end=$(($(now_ms) + ${3:-15} * 1000 * SCALE)) v
    while :; do
        v=0
        stats_json && _stat_val "$1" && v=$STAT
        [ "${v:-0}" -ge "$2" ] && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        nap "$POLL_S"
    done
    echo "timed out waiting for $1 >= $2 (it is $v)" >&2
    return 1
}
until_stat() { (trap - DEBUG; _until_stat "$@") || _ended $? "until_stat $*"; }

kc() { timeout 30 kubectl --kubeconfig "$T/kc" --cache-dir "$T/kube-cache" "$@"; }

need_kubectl() {
    command -v kubectl >/dev/null || skip "kubectl is not installed"
}

# The console refreshes every 0.4 s with no request budget (what the tests wait for is a
# number of refreshes or of requests, not a time: at the default 2 s and 5 a second they
# took minutes); until_advancing moves the simulator's clock after one of those refreshes.
WATCH_REFRESH=0.4
FAST_POLL=(--refresh "$WATCH_REFRESH" --qps 0)
ADVANCE_EVERY_MS=500
# the waits look every 0.2 s (lib.bash: 0.1): half a refresh, and each look is a process
# (tmux, or curl for the counters)
POLL_S=0.2

# screen_line REGEX TEXT: a line of the screen (one capture) matches REGEX and contains
# TEXT; matched by bash, not a grep pipeline a look
screen_line() {
    local l
    grab
    while IFS= read -r l; do
        [[ $l =~ $1 && $l == *"$2"* ]] && return 0
    done <"$SCREEN_FILE"
    return 1
}

# The console, its clusters listed and its six streams open (FlinkDeployments,
# FlinkSessionJobs, FlinkStateSnapshots, pods, events, apps/v1 Deployments). [flinktop args]
watching_console() {
    console 160 50 --kubeconfig "$T/kc" "${FAST_POLL[@]}" "$@"
    wait_for "development" 15
    until_stat kubernetes_watch 6
}

# tab 6 of production's first job (and $TAB6_ALSO)
tab6() {
    keys Home Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "6 Kubernetes"
    keys 6
    wait_for "FlinkDeployment flink-prod/production"
    [ -z "${TAB6_ALSO:-}" ] || wait_for "$TAB6_ALSO"
}
