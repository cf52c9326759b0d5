#!/usr/bin/env bats
# Memory and JVM, configuration, thread dumps and stdout, in a real terminal against the
# simulator: what an SRE opens from the task managers tab in an incident.

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

# requests the simulator served whose path ends with $1
served() { sim_count "${1//./\\.}\$"; }

# open_tms COLS ROWS [CLUSTER=production]: that cluster's first job, on the task managers tab
open_tms() {
    console "$1" "$2" --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    if [ "${3:-production}" != production ]; then
        keys / "$3" Enter
        wait_for "filter: $3"
    fi
    keys Enter
    wait_for "Jobs: ${3:-production}"
    keys Enter
    wait_for "1 Overview"
    keys 4
    wait_for "${3:-production}-taskmanager-"
}

# the G1 young collector's row on screen: NAME COUNT TIME MS/S PER MIN
young_rate() { screen | awk '$1 == "G1_Young_Generation" {print $4}'; }
young_rate_moves() { local r; r=$(young_rate); [ -n "$r" ] && [ "$r" != "-" ] && [ "$r" != "0.0" ]; }

# the GC MS/S cell of the first task manager's row (the last column at 80 columns)
tab_gc() { screen | awk '$1 == "production-taskmanager-1-1" {print $NF}'; }
tab_gc_known() { local g; g=$(tab_gc); [ -n "$g" ] && [ "$g" != "-" ]; }

@test "the task managers tab shows GC ms/s on Flink 1.20, from the collectors' times" {
    open_tms 80 24
    # the rate is the counters' difference over flinktop's own time between two samples:
    # the simulator's clock moves about as fast as the real one (1200 ms each 1.2 s), or a
    # sample taken just after a bigger step reads several seconds' GC as one (">1000")
    until_advancing 1200 30 tab_gc_known
    tab_gc | grep -E '^[0-9]+$'
}

@test "Enter on a task manager shows its heap and GC per collector, as rates from the counters (Flink 1.20)" {
    open_tms 80 24
    keys Enter
    wait_for "JVM of task manager production-taskmanager-"
    wait_for "Heap"
    screen | grep -E '^ Heap +[0-9.]+ [KMG]iB used of [0-9.]+ [KMG]iB \([0-9]+%\)'
    wait_for "Metaspace"
    wait_for "buffer segments used"
    wait_for "G1_Young_Generation"
    wait_for "G1_Old_Generation"
    wait_for "PER MIN" # the whole header fits 80 columns
    # Flink 1.20 has no TimeMsPerSecond: after the first sample the rate is unknown,
    # then the counters' difference between two samples gives one
    until_advancing 5000 30 young_rate_moves
    wait_for "process 4.0 GiB" # the memory configuration of /taskmanagers/:id
    wait_for "CPU cores"
    # 200x60: the same, nothing cut
    t resize-window -x 200 -y 60
    wait_for "MS/S and PER MIN: from the counters between two samples"
    keys Escape
    wait_for "4 task managers of production"
}

@test "the JVM screen is fetched only while it is open; m on another tab opens the JobManager's" {
    open_tms 120 40
    keys 1 m
    wait_for "JVM of the JobManager of production"
    wait_for "G1_Young_Generation"
    n=$(served /jobmanager/metrics)
    [ "$n" -ge 2 ] # the list of names, then the figures
    # open, it is read again every refresh
    end=$(($(now_ms) + 10000 * SCALE))
    until [ "$(served /jobmanager/metrics)" -gt "$n" ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "not read again while open" >&2; return 1; }
        nap 0.1
    done
    keys Escape
    wait_for "1 Overview"
    wait_gone "JVM of the JobManager"
    closed=$(served /jobmanager/metrics)
    before=$(served /jobs/overview)
    end=$(($(now_ms) + 10000 * SCALE))
    until [ "$(served /jobs/overview)" -gt $((before + 2)) ]; do
        [ "$(now_ms)" -lt "$end" ] || break
        nap 0.1
    done
    [ "$(served /jobmanager/metrics)" -le $((closed + 1)) ]
}

@test "Flink 2.1 reports GC time per second per collector and for all of them" {
    open_tms 120 40 development
    keys Enter
    wait_for "JVM of task manager development-taskmanager-"
    wait_for "G1_Young_Generation"
    screen | grep -E '^ +All +[0-9]+\.[0-9]'
    off_screen "from the counters between two samples"
}

@test "c shows the JobManager's and the job's configuration; / narrows it, masked secrets stay masked" {
    open_tms 80 24
    keys c
    wait_for "Configuration of production and the job ("
    wait_for "jobmanager.rpc.address"
    total=$(screen | grep -o 'and the job ([0-9]*' | grep -o '[0-9]*$')
    [ "$total" -gt 20 ]
    keys / S E C R E T Enter # any case
    wait_for "(1 of $total"
    wait_for "s3.secret-key"
    on_screen "******"
    off_screen "jobmanager.rpc.address"
    keys Escape # clears the filter
    wait_for "Configuration of production and the job ($total)"
    keys / p a r a l l e l Enter # the job's execution-config too
    wait_for "execution-config.job-parallelism"
    on_screen "parallelism.default"
}

@test "t opens the task manager's thread dump in the pager, O its stdout" {
    open_tms 200 60
    keys t
    wait_for "Thread dump of task manager production-taskmanager-"
    wait_for '"main" Id=1 WAITING'
    wait_for "java.util.concurrent.locks.LockSupport.park"
    wait_for '"flink-pekko.actor.default-dispatcher-4" Id=2 RUNNABLE'
    keys / M a i l b o x Enter # the task's own thread, found by the pager's search
    wait_for "MailboxProcessor.runMailboxLoop"
    keys Escape Escape
    wait_for "4 task managers of production"
    keys O
    wait_for "Stdout of task manager production-taskmanager-"
    wait_for "OpenJDK 64-Bit Server VM warning"
    keys Escape
    keys 1 t
    wait_for "Thread dump of the JobManager of production"
    wait_for '"main" Id=1 WAITING'
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
    wait_for "Jobs: production"
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
    limit=$(api "/api/v1/pods" | python3 -c '
import json, sys
units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}
for p in json.load(sys.stdin)["items"]:
    if p["metadata"]["labels"].get("app") == "production" and \
       p["metadata"]["labels"].get("component") == "taskmanager":
        m = p["spec"]["containers"][0]["resources"]["limits"]["memory"]
        print(int(m[:-2]) * units[m[-2:]] if m[-2:] in units else int(m))
        break')
    [ -n "$limit" ]
    shown=$(python3 -c "
v = $limit
for u in ['B', 'KiB', 'MiB', 'GiB']:
    if v < 1024 or u == 'GiB':
        print(('%.1f %s' % (v, u)) if u != 'B' else '%d B' % v); break
    v /= 1024")
    k8s_jvm
    # the container's use, from the metrics API (metrics-server), against that limit
    wait_for "memory used"
    screen | grep -F "of limit ${shown%.0 GiB} GiB" || screen | grep -F "of limit $shown"
    line=$(screen | grep -F "memory used")
    pod=$(echo "$line" | grep -o "production-taskmanager-[0-9-]*" | head -1)
    [ -n "$pod" ]
    # the same figure the API server answers for that pod (both round to a tenth)
    used=$(api "/apis/metrics.k8s.io/v1beta1/namespaces/flink-prod/pods/$pod" | python3 -c '
import json, sys
o = json.load(sys.stdin)
assert o["kind"] == "PodMetrics"
m = [c for c in o["containers"] if c["name"] == "flink-main-container"][0]["usage"]["memory"]
assert m.endswith("Ki")
print(int(m[:-2]) * 1024)')
    [ "$used" -lt "$limit" ]   # the simulated container stays under its limit
    pct=$(python3 -c "print('%.0f%%' % ($used * 100.0 / $limit))")
    echo "$line" | grep -F "($pct)"
    # discovery lists the group, as kubectl top needs it
    api "/apis" | grep -F '"metrics.k8s.io"'
}

@test "a cluster without metrics-server: the JVM screen says so, shows the limit, and stops asking" {
    k8s_sim || return 1
    curl -sfk -X POST "$SIM_URL/_sim/k8s/no-metrics-api" | grep -q '"ok":true'
    ! api "/apis" | grep -qF '"metrics.k8s.io"' || false
    k8s_jvm --refresh 1
    wait_for "no metrics API on this cluster"
    screen | grep -F "memory limit 4.0 GiB (no metrics API on this cluster)"
    off_screen "memory used"
    # asked once: later refreshes read the JVM again but not the missing API
    count() { sim_count "${1//./\\.}"; }
    n=$(count /taskmanagers/)
    end=$(($(now_ms) + 10000 * SCALE))
    until [ "$(count /taskmanagers/)" -gt $((n + 2)) ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "the JVM was not read again" >&2; return 1; }
        nap 0.1
    done
    [ "$(count metrics.k8s.io/v1beta1/namespaces)" -eq 1 ]
}
