#!/usr/bin/env bats
# Memory and JVM, configuration, thread dumps and stdout, in a real terminal against the
# simulator: what an SRE opens from the task managers tab in an incident.

load ../bats_speed
load lib

# One simulator for the file, its clock standing still: the GC test moves it.
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
    e2e_teardown
}

# open_tms COLS ROWS [CLUSTER=production]: that cluster's first job, on the task managers
# tab; flinktop refreshes every 0.5 s, the waits for its refreshes are as short
open_tms() {
    console "$1" "$2" --refresh 0.5 $(sim_flink_args)
    wait_for "1.20.1"
    if [ "${3:-production}" != production ]; then
        keys / "$3" Enter
        wait_for "filter: $3"
    fi
    keys Enter
    wait_for "Jobs: ${3:-production} ("
    keys Enter
    wait_for "1 Overview"
    keys 4
    wait_for "${3:-production}-taskmanager-"
}

# field ROW_START N: the Nth field (-1: the last) of the first row of SCREEN whose first
# field is ROW_START, in FIELD (bash reads it: no awk a poll turn)
field() {
    local line f
    FIELD=""
    while IFS= read -r line; do
        # (split only the row that starts so: a here-string is read a byte a system call)
        [[ $line =~ ^[[:space:]]*([^[:space:]]+) && ${BASH_REMATCH[1]} == "$1" ]] || continue
        read -ra f <<<"$line"
        if [ "${f[0]:-}" = "$1" ]; then
            FIELD=${f[$2]:-}
            return 0
        fi
    done <"$SCREEN_FILE"
    return 1
}

# the G1 young collector's row on screen: NAME COUNT TIME MS/S PER MIN
young_rate_moves() { grab; field G1_Young_Generation 3 && [ -n "$FIELD" ] && [ "$FIELD" != "-" ] && [ "$FIELD" != "0.0" ]; }

# the GC MS/S cell of the first task manager's row (the last column at 80 columns)
tab_gc_known() { grab; field production-taskmanager-1-1 -1 && [ -n "$FIELD" ] && [ "$FIELD" != "-" ]; }

@test "the task managers tab shows GC ms/s on Flink 1.20, from the collectors' times" {
    open_tms 80 24
    # the rate is the counters' difference over flinktop's own time between two samples:
    # the simulator's clock moves about as fast as the real one (500 ms each 0.5 s, the
    # refresh), or a sample taken just after a bigger step reads several seconds' GC as
    # one (">1000")
    ADVANCE_EVERY_MS=500 until_advancing 500 30 tab_gc_known
    grab
    field production-taskmanager-1-1 -1
    [[ $FIELD =~ ^[0-9]+$ ]]
}

@test "Enter on a task manager shows its heap and GC per collector, as rates from the counters (Flink 1.20)" {
    open_tms 80 24
    keys Enter
    wait_for "JVM of task manager production-taskmanager-"
    # the whole header fits 80 columns (PER MIN)
    poll 10 shows "Heap" "Metaspace" "buffer segments used" "G1_Young_Generation" \
        "G1_Old_Generation" "PER MIN"
    grab
    line_matches '^ Heap +[0-9.]+ [KMG]iB used of [0-9.]+ [KMG]iB \([0-9]+%\)'
    # Flink 1.20 has no TimeMsPerSecond: after the first sample the rate is unknown,
    # then the counters' difference between two samples gives one
    ADVANCE_EVERY_MS=500 until_advancing 5000 30 young_rate_moves
    # the memory configuration of /taskmanagers/:id
    poll 10 shows "process 4.0 GiB" "CPU cores"
    # 200x60: the same, nothing cut
    t resize-window -x 200 -y 60
    wait_for "MS/S and PER MIN: from the counters between two samples"
    keys Escape
    wait_for "4 task managers of production"
}

@test "the JVM screen is fetched only while it is open; m on another tab opens the JobManager's" {
    open_tms 120 40
    keys 1 m
    poll 10 shows "JVM of the JobManager of production" "G1_Young_Generation"
    n=$(served /jobmanager/metrics)
    [ "$n" -ge 2 ] # the list of names, then the figures
    # open, it is read again every refresh
    poll 10 served_more /jobmanager/metrics "$n"
    keys Escape
    wait_for "1 Overview"
    wait_gone "JVM of the JobManager"
    closed=$(served /jobmanager/metrics)
    before=$(served /jobs/overview)
    poll 10 served_more /jobs/overview $((before + 2)) || true
    [ "$(served /jobmanager/metrics)" -le $((closed + 1)) ]
}

@test "Flink 2.1 reports GC time per second per collector and for all of them" {
    open_tms 120 40 development
    keys Enter
    poll 10 shows "JVM of task manager development-taskmanager-" "G1_Young_Generation"
    grab
    line_matches '^ +All +[0-9]+\.[0-9]'
    [[ $SCREEN != *"from the counters between two samples"* ]]
}

@test "c shows the JobManager's and the job's configuration; / narrows it, masked secrets stay masked" {
    open_tms 80 24
    keys c
    poll 10 shows "Configuration of production and the job (" "jobmanager.rpc.address"
    grab
    [[ $SCREEN =~ "and the job ("([0-9]*) ]]
    total=${BASH_REMATCH[1]}
    [ "$total" -gt 20 ]
    keys / S E C R E T Enter # any case
    poll 10 shows "(1 of $total" "s3.secret-key"
    grab
    [[ $SCREEN == *"******"* ]]
    [[ $SCREEN != *"jobmanager.rpc.address"* ]]
    keys Escape # clears the filter
    wait_for "Configuration of production and the job ($total)"
    keys / p a r a l l e l Enter # the job's execution-config too
    wait_for "execution-config.job-parallelism"
    on_screen "parallelism.default"
}

@test "t opens the task manager's thread dump in the pager, O its stdout" {
    open_tms 200 60
    keys t
    poll 10 shows "Thread dump of task manager production-taskmanager-" '"main" Id=1 WAITING' \
        "java.util.concurrent.locks.LockSupport.park" '"flink-pekko.actor.default-dispatcher-4" Id=2 RUNNABLE'
    keys / M a i l b o x Enter # the task's own thread, found by the pager's search
    wait_for "MailboxProcessor.runMailboxLoop"
    keys Escape Escape
    wait_for "4 task managers of production"
    keys O
    poll 10 shows "Stdout of task manager production-taskmanager-" "OpenJDK 64-Bit Server VM warning"
    keys Escape
    keys 1 t
    poll 10 shows "Thread dump of the JobManager of production" '"main" Id=1 WAITING'
}

# k8s_sim: a simulator serving the Kubernetes API over TLS with a token (api PATH asks it)
k8s_sim() {
    K8S_TOKEN=jvm-token
    test_cert || return 1
    sim_start --clusters 3 --jobs 3 --frozen --clock manual --token "$K8S_TOKEN" \
        --tls-cert "$TEST_CERT" --tls-key "$TEST_KEY" \
        --kubeconfig-out "$BATS_TEST_TMPDIR/KC" || return 1
    api() { curl -sfk -H "Authorization: Bearer $K8S_TOKEN" "$SIM_URL$1"; }
}

# k8s_jvm [ARGS]: flinktop through that kubeconfig, on production's first task manager's JVM
k8s_jvm() {
    console 160 40 --kubeconfig "$BATS_TEST_TMPDIR/KC" "$@"
    wait_for "production" 15
    keys Home Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 4
    wait_for "production-taskmanager-"
    keys Enter
    wait_for "JVM of task manager production-taskmanager-"
}

@test "on Kubernetes the JVM screen shows the pod's memory use from the metrics API against its limit" {
    k8s_sim || return 1
    # what the API server says the task managers' limit is, in bytes
    m=$(api "/api/v1/pods" | jq -er 'first(.items[] | select(.metadata.labels.app == "production"
        and .metadata.labels.component == "taskmanager")) | .spec.containers[0].resources.limits.memory')
    case $m in
    *Ki) limit=$((${m%Ki} << 10)) ;;
    *Mi) limit=$((${m%Mi} << 20)) ;;
    *Gi) limit=$((${m%Gi} << 30)) ;;
    *) limit=$((m)) ;;
    esac
    [ "$limit" -gt 0 ]
    k8s_jvm
    # the container's use, from the metrics API (metrics-server), against that limit
    wait_for "memory used"
    grab # one capture: the line and the limit as they were together
    line=""
    while IFS= read -r l; do [[ $l == *"memory used"* ]] && line=$l && break; done <"$SCREEN_FILE"
    [[ $line =~ production-taskmanager-[0-9-]* ]]
    pod=${BASH_REMATCH[0]}
    # the same figure the API server answers for that pod (both round to a tenth)
    m=$(api "/apis/metrics.k8s.io/v1beta1/namespaces/flink-prod/pods/$pod" |
        jq -er 'select(.kind == "PodMetrics") | .containers[] | select(.name == "flink-main-container") | .usage.memory')
    [[ $m == [0-9]*Ki ]]
    used=$((${m%Ki} * 1024))
    [ "$used" -lt "$limit" ] # the simulated container stays under its limit
    # the limit as the screen writes a size, and the use's share of it (C's rounding)
    IFS='|' read -r pct shown < <(awk -v v="$limit" -v used="$used" 'BEGIN {
        printf "%.0f%%|", used * 100.0 / v
        n = split("B KiB MiB GiB", u, " ")
        for (i = 1; i <= n; i++) {
            if (v < 1024 || i == n) { if (i == 1) printf "%d B\n", v; else printf "%.1f %s\n", v, u[i]; exit }
            v /= 1024
        } }')
    [[ $SCREEN == *"of limit ${shown%.0 GiB} GiB"* || $SCREEN == *"of limit $shown"* ]]
    [[ $line == *"($pct)"* ]]
    # discovery lists the group, as kubectl top needs it
    [[ $(api "/apis") == *'"metrics.k8s.io"'* ]]
}

@test "a cluster without metrics-server: the JVM screen says so, shows the limit, and stops asking" {
    k8s_sim || return 1
    curl -sfk -X POST "$SIM_URL/_sim/k8s/no-metrics-api" | grep -q '"ok":true'
    [[ $(api "/apis") != *'"metrics.k8s.io"'* ]]
    k8s_jvm --refresh 0.5
    wait_for "no metrics API on this cluster"
    grab
    [[ $SCREEN == *"memory limit 4.0 GiB (no metrics API on this cluster)"* ]]
    [[ $SCREEN != *"memory used"* ]]
    # asked once: later refreshes read the JVM again but not the missing API
    n=$(sim_count /taskmanagers/)
    read_again() { [ "$(sim_count /taskmanagers/)" -gt $((n + 2)) ]; }
    poll 10 read_again
    [ "$(sim_count 'metrics\.k8s\.io/v1beta1/namespaces')" -eq 1 ]
}
