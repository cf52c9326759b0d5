#!/usr/bin/env bats
# The console watches Kubernetes instead of listing it every refresh (issue 10): after
# start-up the simulator counts no more LIST requests while the watch streams stay open;
# a FlinkDeployment patched with kubectl reaches the screen through the stream, with no
# new LIST; a dropped stream reconnects and nothing is lost or doubled; where RBAC
# forbids watch, the console lists at a slower period and tab 6 and --once say so.
# flinktop runs in tmux (the watches are the console's; --once only lists); each test has
# its own simulator (they patch and switch it), its clock standing still.

load ../bats_speed
load ../e2e/lib
load k8s_watch_lib

setup() {
    e2e_setup
    T=$BATS_TEST_TMPDIR
    sim_start --clusters 3 --jobs 2 --frozen --clock manual --kubeconfig-out "$T/kc" || return 1
}

teardown() {
    e2e_teardown
}


@test "after start-up no LIST requests while the watches are open" {
    watching_console
    lists=$(stat kubernetes_list)
    proxy=$(stat proxy)
    # several refreshes later (the Flink poller's requests show they happened)
    until_stat proxy $((proxy + 40)) 60
    [ "$(stat kubernetes_list)" -eq "$lists" ]
    # one stream a kind across all namespaces, not one per namespace
    [ "$(stat kubernetes_watch)" -eq 6 ]
    [ "$(by_path /api/v1/pods)" -ge 1 ]
}

@test "kubectl patch of a FlinkDeployment reaches tab 6 with no new LIST" {
    need_kubectl
    watching_console
    tab6
    wait_for "flink:1.20 "
    lists=$(stat kubernetes_list)
    kc patch flinkdeployment production -n flink-prod --type merge \
        -p '{"spec":{"image":"flink:1.20-hotfix"}}'
    wait_for "flink:1.20-hotfix" 10
    [ "$(stat kubernetes_list)" -eq "$lists" ]
}

@test "dropped watches reconnect: a later patch still arrives, nothing doubled" {
    need_kubectl
    watching_console
    wait_for "Clusters (3)"
    lists=$(stat kubernetes_list)
    watches=$(stat kubernetes_watch)
    sim_http POST "/_sim/k8s/drop-watches"
    until_stat kubernetes_watch $((watches + 6)) # every stream again, from where it was
    kc patch flinkdeployment staging -n flink-staging --type merge \
        -p '{"spec":{"job":{"state":"suspended"}}}'
    # the operator's steps take the simulator's time: move it until the row says so
    row_suspended() { screen_line ' staging ' SUSPENDED; }
    until_advancing 1000 30 row_suspended
    on_screen "Clusters (3)"
    [ "$(screen | grep -cF ' staging ')" -eq 1 ]
    # resumed from its resourceVersion: no re-list
    [ "$(stat kubernetes_list)" -eq "$lists" ]
}

@test "RBAC forbids watch: periodic lists, and tab 6 and --once say so" {
    need_kubectl
    sim_http POST "/_sim/k8s/forbid-watch"
    # lists every 5 refreshes: every 2 s at WATCH_REFRESH 0.4 (every 10 s by default)
    console 160 50 --kubeconfig "$T/kc" "${FAST_POLL[@]}"
    wait_for "development" 15
    tab6
    wait_for "watch forbidden: listing every 2s" 15
    # the change still arrives, by the next list
    kc patch flinkdeployment production -n flink-prod --type merge \
        -p '{"spec":{"image":"flink:1.20-listed"}}'
    wait_for "flink:1.20-listed" 30
    # lists go on (the next round), the forbidden watch is not asked again and again
    watches=$(stat kubernetes_watch)
    lists=$(stat kubernetes_list)
    until_stat kubernetes_list $((lists + 11)) 40
    [ "$(stat kubernetes_watch)" -eq "$watches" ]
    # --once at the default refresh
    "$FLINKTOP" --kubeconfig "$T/kc" --once --output json >"$T/once.json" || true
    python3 -c "import json,sys; c = json.load(open(sys.argv[1]))['contexts'][0]
assert c['watch'] == 'watch forbidden: listing every 10s', c" "$T/once.json"
    "$FLINKTOP" --kubeconfig "$T/kc" --once >"$T/once.txt" || true
    grep -qF "context flinktop-sim: watch forbidden: listing every 10s" "$T/once.txt"
}

@test ":ns moves the streams to the namespace and back, each kind listed once" {
    watching_console
    lists=$(stat kubernetes_list)
    watches=$(stat kubernetes_watch)
    keys ':ns flink-prod' Enter
    wait_for "Clusters (1)"
    until_stat kubernetes_watch $((watches + 6))
    # FlinkDeployments, FlinkSessionJobs, FlinkStateSnapshots, pods, events, Deployments:
    # in flink-prod
    [ "$(stat kubernetes_list)" -eq $((lists + 6)) ]
    [ "$(by_path '/api/v1/namespaces/{ns}/pods')" -ge 2 ]
    keys ':ns all' Enter
    wait_for "Clusters (3)"
    until_stat kubernetes_watch $((watches + 12))
    [ "$(stat kubernetes_list)" -eq $((lists + 12)) ]
}
