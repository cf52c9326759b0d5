# What the Kubernetes watch tests share (k8s_watch.bats, k8s_deployments.bats): the
# simulator's request counters, kubectl on its kubeconfig, a console with every stream
# open, tab 6 of production's first job. Expects $T (the test's directory, with kc in it)
# and $SIM_URL; $SIM_CACERT names the CA of a simulator serving TLS, and $TAB6_ALSO a
# text tab6 waits for too.

ctl() { curl -sf ${SIM_CACERT:+--cacert "$SIM_CACERT"} "$@"; }

# stat NAME: the simulator's request counter NAME (kubernetes_list, kubernetes_watch, proxy)
stat() {
    ctl "$SIM_URL/_sim/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# by_path TEMPLATE: how many requests the simulator counted for that path template
by_path() {
    ctl "$SIM_URL/_sim/stats" |
        python3 -c "import json,sys; print(json.load(sys.stdin)['by_path'].get('$1', 0))"
}

# until_stat NAME MIN [SECONDS=15]: until counter NAME is at least MIN
until_stat() {
    local end=$(($(now_ms) + ${3:-15} * 1000 * SCALE)) v
    while :; do
        v=$(stat "$1")
        [ "${v:-0}" -ge "$2" ] && return 0
        [ "$(now_ms)" -lt "$end" ] || break
        sleep 0.05
    done
    echo "timed out waiting for $1 >= $2 (it is $v)" >&2
    return 1
}

kc() { timeout 30 kubectl --kubeconfig "$T/kc" --cache-dir "$T/kube-cache" "$@"; }

need_kubectl() {
    command -v kubectl >/dev/null || skip "kubectl is not installed"
}

# The console, its clusters listed and its six streams open (FlinkDeployments,
# FlinkSessionJobs, FlinkStateSnapshots, pods, events, apps/v1 Deployments).
watching_console() {
    console 160 50 --kubeconfig "$T/kc"
    wait_for "development" 15
    until_stat kubernetes_watch 6
}

# tab 6 of production's first job (and $TAB6_ALSO)
tab6() {
    keys Home Enter
    wait_for "Jobs: production"
    keys Enter
    wait_for "6 Kubernetes"
    keys 6
    wait_for "FlinkDeployment flink-prod/production"
    [ -z "${TAB6_ALSO:-}" ] || wait_for "$TAB6_ALSO"
}
