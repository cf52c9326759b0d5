#!/usr/bin/env bats
# The apps/v1 Deployments Flink runs on, listed once then watched (issue 10): kubectl scale
# reaches tab 6 and --once through the stream, with no new LIST; a dropped stream and a
# 410 (etcd compacted) lose nothing; where RBAC forbids watching them (only them) they are
# listed every few refreshes. And Ctrl-R reads the kubeconfig again: a rotated
# token in it makes a console that showed 401 recover; an unchanged one restarts nothing;
# one that no longer loads changes nothing and says file:line.
# flinktop runs in tmux (the watches are the console's); each test has its own simulator
# (they scale and rotate it), its clock standing still.

load ../bats_speed
load ../e2e/lib
load k8s_watch_lib

TOKEN=deploy-token-0a71

setup() {
    e2e_setup
    T=$BATS_TEST_TMPDIR
    test_cert || return 1
    sim_start --clusters 3 --jobs 2 --frozen --clock manual --action-steps-ms 1000 \
        --token "$TOKEN" --tls-cert "$TEST_CERT" --tls-key "$TEST_KEY" \
        --kubeconfig-out "$T/kc" || return 1
    chmod 600 "$T/kc"
    TAB6_ALSO="Deployments (1)" # tab6 also waits for the Deployments section
}

teardown() {
    e2e_teardown
}


# deploy_row TEXT: tab 6's row of the Deployment production shows TEXT
deploy_row() { screen_line '^ *production +[0-9-]+/[0-9-]+ ' "$1"; }

@test "tab 6 lists the JobManager Deployment, watched by label with the other kinds" {
    watching_console
    tab6
    wait_for "UP-TO-DATE"
    deploy_row "1/1"
    deploy_row "complete"
    # one stream across namespaces for the six kinds, not one per namespace
    [ "$(by_path /apis/apps/v1/deployments)" -eq 2 ] # the list, then the watch
    [ "$(stat kubernetes_watch)" -eq 6 ]
}

@test "kubectl scale deployment reaches tab 6 through the stream, with no new LIST" {
    need_kubectl
    watching_console
    tab6
    wait_for "UP-TO-DATE"
    lists=$(stat kubernetes_list)
    kc scale deployment production -n flink-prod --replicas=3
    # the controller's status follows a step of the simulator's clock later
    until_advancing 1000 30 deploy_row "3/3"
    [ "$(stat kubernetes_list)" -eq "$lists" ]
    # and --once says the same
    "$FLINKTOP" --kubeconfig "$T/kc" --once --output json >"$T/once.json" || true
    python3 - "$T/once.json" <<'EOF'
import json, sys
c = [c for c in json.load(open(sys.argv[1]))['clusters'] if c['name'] == 'production'][0]
d = c['deployments']
assert len(d) == 1, d
d = d[0]
assert (d['name'], d['namespace'], d['replicas'], d['ready'], d['updated'], d['available'],
        d['rollout']) == ('production', 'flink-prod', 3, 3, 3, 3, 'complete'), d
EOF
}

@test "a rollout in progress is called out on tab 6 and in --once text" {
    need_kubectl
    watching_console
    tab6
    wait_for "UP-TO-DATE"
    kc rollout restart deployment production -n flink-prod
    until_advancing 1000 30 on_screen "production: rollout in progress"
    deploy_row "progressing"
    "$FLINKTOP" --kubeconfig "$T/kc" --once >"$T/once.txt" || true
    grep -qE "cluster production: deployment production [0-9]+/1 ready, .*rollout progressing" \
        "$T/once.txt"
    until_advancing 1000 30 deploy_row "complete"
    off_screen "production: rollout in progress"
}

@test "a dropped stream and a 410 on deployments lose nothing" {
    need_kubectl
    watching_console
    tab6
    wait_for "UP-TO-DATE"
    watches=$(stat kubernetes_watch)
    lists=$(stat kubernetes_list)
    deploy_lists=$(by_path /apis/apps/v1/deployments)
    sim_http POST /_sim/k8s/drop-watches
    until_stat kubernetes_watch $((watches + 6)) # every stream again, from where it was
    [ "$(stat kubernetes_list)" -eq "$lists" ]   # resumed: no re-list
    kc scale deployment production -n flink-prod --replicas=2
    until_advancing 1000 30 deploy_row "2/2"
    # etcd compacted past every stream's resourceVersion: each kind lists again (410)
    watches=$(stat kubernetes_watch)
    sim_http POST /_sim/k8s/compact
    sim_http POST /_sim/k8s/drop-watches
    until_stat kubernetes_list $((lists + 6))
    until_stat kubernetes_watch $((watches + 12)) # the refused watch, then the one after the list
    kc scale deployment production -n flink-prod --replicas=4
    until_advancing 1000 30 deploy_row "4/4"
    # one row, not two
    [ "$(screen | grep -cE '^ *production +[0-9-]+/[0-9-]+ ')" -eq 1 ]
}

@test "RBAC lists Deployments but forbids watching them: listed every 5 refreshes, tab 6 says so" {
    need_kubectl
    sim_http POST /_sim/k8s/forbid-watch '{"resource":"deployments"}'
    console 160 50 --kubeconfig "$T/kc" "${FAST_POLL[@]}"
    wait_for "development" 15
    tab6
    # every 5 refreshes: 2 s at WATCH_REFRESH 0.4
    wait_for "deployments: RBAC forbids watch; listing every 2s"
    deploy_row "1/1"
    # kubectl scale reaches tab 6 by a later list
    kc scale deployment production -n flink-prod --replicas=2
    until_advancing 1000 30 deploy_row "2/2"
    # the lists go on; the other kinds keep their streams (no list of theirs), and the
    # forbidden watch is not asked again
    stats_json
    watches=$(stat_of kubernetes_watch)
    others=$(($(stat_of kubernetes_list) - $(stat_of /apis/apps/v1/deployments)))
    deploy=$(stat_of /apis/apps/v1/deployments)
    until_stat /apis/apps/v1/deployments $((deploy + 2)) 30
    stats_json
    [ "$(stat_of kubernetes_watch)" -eq "$watches" ]
    [ "$(($(stat_of kubernetes_list) - $(stat_of /apis/apps/v1/deployments)))" -eq "$others" ]
    on_screen "deployments: RBAC forbids watch; listing every 2s"
}

# token_in FILE TOKEN: the kubeconfig's bearer token becomes TOKEN
token_in() {
    sed -i "s/^\( *token: \).*/\1$2/" "$1"
    grep -qF "token: $2" "$1"
}

@test "Ctrl-R re-reads the kubeconfig: a rotated token recovers from 401" {
    need_kubectl
    # the default request budget (5 a second): Ctrl-R asks every refused source again at
    # once, where the budget's steady share would have come round to them in up to 80 s
    watching_console --qps 5 --refresh 2
    wait_for "Clusters (3)"
    # the service account token is rotated: streams reconnect and are refused
    sim_http POST /_sim/k8s/token '{"token":"deploy-token-rotated-77"}'
    sim_http POST /_sim/k8s/drop-watches
    wait_for "HTTP 401" 20
    # the SRE puts the new token in the kubeconfig and presses Ctrl-R
    token_in "$T/kc" deploy-token-rotated-77
    lists=$(stat kubernetes_list)
    keys C-r
    wait_for "kubeconfig: 1 context restarted" 10
    # the cluster's error line goes with its last refused source, asked again at once:
    # within a few refreshes
    wait_gone "401" 5
    until_stat kubernetes_list $((lists + 1))
    # the streams work again: a change arrives
    tab6
    kc scale deployment production -n flink-prod --replicas=2 --token deploy-token-rotated-77
    until_advancing 1000 30 deploy_row "2/2"
}

@test "Ctrl-R with an unchanged kubeconfig restarts nothing; a broken one changes nothing" {
    watching_console
    wait_for "Clusters (3)"
    lists=$(stat kubernetes_list)
    watches=$(stat kubernetes_watch)
    keys C-r
    wait_for "kubeconfig unchanged" 10
    proxy=$(stat proxy)
    until_stat proxy $((proxy + 20)) 60 # several refreshes later
    [ "$(stat kubernetes_list)" -eq "$lists" ]
    [ "$(stat kubernetes_watch)" -eq "$watches" ]
    # a kubeconfig that no longer loads: the flash says where, the console goes on
    cp "$T/kc" "$T/kc.good"
    printf 'apiVersion: v1\nclusters: [\n' >"$T/kc"
    keys C-r
    wait_for "kubeconfig unchanged: " 10
    on_screen "kc:"
    on_screen "Clusters (3)"
    [ "$(stat kubernetes_list)" -eq "$lists" ]
    [ "$(stat kubernetes_watch)" -eq "$watches" ]
}

@test "a FlinkDeployment created through the API: its JobManager Deployment arrives on tab 6 through the stream" {
    watching_console
    wait_for "Clusters (3)"
    lists=$(stat kubernetes_list)
    curl -sf --cacert "$TEST_CERT" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -X POST "$SIM_URL/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments" \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment","metadata":{"name":"basic-example","namespace":"flink-prod"},"spec":{"image":"flink:1.20","flinkVersion":"v1_20","serviceAccount":"flink","jobManager":{"resource":{"memory":"2048m","cpu":1}},"taskManager":{"resource":{"memory":"2048m","cpu":1}},"job":{"jarURI":"local:///opt/flink/examples/streaming/StateMachineExample.jar","parallelism":2,"upgradeMode":"stateless"}}}' >/dev/null
    wait_for "basic-example" 15
    # the operator deploys it on the simulator's clock; its job comes up
    keys End Enter
    wait_for "Jobs: basic-example"
    until_advancing 1000 60 on_screen "RUNNING"
    keys Home Enter
    wait_for "6 Kubernetes"
    keys 6
    wait_for "FlinkDeployment flink-prod/basic-example"
    basic_row() { screen_line '^ *basic-example +[0-9]+/[0-9]+ ' "$1"; }
    until_advancing 1000 30 basic_row "1/1"
    # a namespace already watched: everything came through the streams
    [ "$(stat kubernetes_list)" -eq "$lists" ]
}
