#!/usr/bin/env bats
# The simulator behaves as a kube-apiserver does for real clients: watch streams (ADDED,
# MODIFIED, DELETED, BOOKMARK, 410 Expired, timeoutSeconds, dropped streams), request
# counts at /_sim/stats, the Table format kubectl prints, events kubectl describe finds,
# pods Debian's python3-kubernetes client reads, OpenAPI for kubectl explain and apply,
# JSON patch, the status and scale subresources, delete with propagation, and
# kubectl auth can-i / whoami.
# kubectl is not a Debian package: the tests that run it skip when it is absent.
# Run after `make flinktop-sim`: bats tests/integration/sim_kubectl.bats

load ../bats_speed
load k8s_pyd

TOKEN=sim-kubectl-test-token-41c9
FLINK=/apis/flink.apache.org/v1beta1

# The file's Python checks run in one resident interpreter (k8s_pyd.bash); the tests that
# only read the default fleet share one simulator of it (fleet_file).
setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    test_cert || return 1
    sim_start_file --frozen --clock manual --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_FILE_TMPDIR/fleet-kubeconfig" \
        --action-steps-ms 100 || return 1
    FLEET_URL=$SIM_URL
    export FLEET_URL
    # the python3-kubernetes tests: Debian's interpreter (the client is a Debian package),
    # resident as well, so that the client is imported once for both (over a second of
    # CPU an import)
    if have_kubernetes_client; then
        local py=$PY
        PY=/usr/bin/python3
        pyd_start || return 1
        KPYD_PORT=$PYD_PORT KPYD_PID=$PYD_PID
        export KPYD_PORT KPYD_PID
        PY=$py PYD_PORT="" PYD_PID=""
    fi
    pyd_start
}

teardown_file() {
    [ -z "${KPYD_PID:-}" ] || kill "$KPYD_PID" 2>/dev/null
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
    SCALE=${TEST_TIME_SCALE:-1}
    case "$BATS_TEST_DESCRIPTION" in
        *"default fleet"* | "kubectl creates a FlinkDeployment"*) ;; # the fleet: fleet_*
        *) tls_start ;;
    esac
}

teardown() {
    for p in ${BG_PIDS:-}; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    sim_stop
}

# tls_start: three application clusters (a job each, spec.job on each FlinkDeployment)
tls_start() {
    # the suite's one certificate (tests/sim-start.sh test_cert), not an RSA key a test
    test_cert && cp "$TEST_CERT" "$T/cert.pem" && cp "$TEST_KEY" "$T/key.pem" || return 1
    sim_start --clusters 3 --jobs 1 --frozen --token "$TOKEN" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" \
        --kubeconfig-out "$T/kubeconfig" --action-steps-ms 100
}

# k PATH [curl args...]: authenticated request; body on stdout, status in $T/code.
k() {
    local path=$1
    shift
    curl -s --cacert "$T/cert.pem" -H "Authorization: Bearer $TOKEN" -o "$T/body" \
        -w '%{http_code}' "$@" "$SIM_URL$path" >"$T/code"
    cat "$T/body"
}

code() { cat "$T/code"; }

# ctl PATH [curl args...]: the simulator's /_sim control API.
ctl() {
    local path=$1
    shift
    curl -s --cacert "$T/cert.pem" "$@" "$SIM_URL$path"
}

py() {
    pyd "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

# watch_bg FILE PATH: a watch stream written to FILE in the background.
watch_bg() {
    curl -s -N --cacert "$T/cert.pem" -H "Authorization: Bearer $TOKEN" "$SIM_URL$2" >"$1" 3>&- &
    BG_PIDS="${BG_PIDS:-} $!"
}

# until_true SECONDS COMMAND...: tests/sim-http.bash's wait_until, looking every 0.05 s
until_true() { WAIT_NAP_S=0.05 wait_until "$@"; }

# has_line FILE PYTHON-CONDITION: some JSON line e of FILE satisfies the condition.
has_line() {
    pyd "import json, sys
for line in open('$1'):
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)
    if $2:
        sys.exit(0)
sys.exit(1)"
}

# have_kubernetes_client: Debian's python3-kubernetes is there (found, not imported: an
# import costs a second of CPU, and the test imports it anyway)
have_kubernetes_client() {
    /usr/bin/python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("kubernetes") is None)' 2>/dev/null
}

# kpyd CODE: CODE in the resident Debian python3 (have_kubernetes_client), as pyd runs it
kpyd() { PYD_PORT=$KPYD_PORT pyd "$@"; }

need_kubectl() {
    command -v kubectl >/dev/null || skip "kubectl is not installed (not a Debian package)"
}

kc() {
    timeout 30 kubectl --kubeconfig "$T/kubeconfig" --cache-dir "$T/kube-cache" "$@"
}

list_rv() {
    k "$1" >/dev/null
    py 'print(body()["metadata"]["resourceVersion"])'
}

@test "watch: an annotation patch is MODIFIED with a new resourceVersion, after the list's" {
    rv=$(list_rv "$FLINK/flinkdeployments")
    watch_bg "$T/w" "$FLINK/flinkdeployments?watch=1&resourceVersion=$rv&allowWatchBookmarks=true&timeoutSeconds=30"
    k "$FLINK/namespaces/flink-staging/flinkdeployments/staging" -X PATCH \
        -H 'Content-Type: application/merge-patch+json' \
        -d '{"metadata":{"annotations":{"team":"payments"}}}' >/dev/null
    [ "$(code)" = 200 ]
    until_true 5 has_line "$T/w" \
        "e['type'] == 'MODIFIED' and e['object']['metadata'].get('annotations', {}).get('team') == 'payments' and int(e['object']['metadata']['resourceVersion']) > $rv"
    # nothing else changed: the stream carries that one change only
    ! has_line "$T/w" "e['object']['metadata']['name'] != 'staging'" || false
}

@test "watch: without a resourceVersion, ADDED for every object first (namespace and labelSelector honoured)" {
    watch_bg "$T/w" "/api/v1/namespaces/flink-prod/pods?watch=1&labelSelector=component%3Dtaskmanager&timeoutSeconds=30"
    until_true 5 has_line "$T/w" "e['type'] == 'ADDED' and e['object']['metadata']['name'] == 'production-taskmanager-1-1'"
    ! has_line "$T/w" "e['object']['metadata']['namespace'] != 'flink-prod' or e['object']['metadata']['labels']['component'] != 'taskmanager'" || false
}

@test "watch: a resourceVersion older than the window is a 410 Expired ERROR event" {
    k "/api/v1/pods?watch=1&resourceVersion=1&timeoutSeconds=5" >/dev/null
    [ "$(code)" = 200 ]
    has_line "$T/body" "e['type'] == 'ERROR' and e['object']['code'] == 410 and e['object']['reason'] == 'Expired'"
}

@test "watch: timeoutSeconds ends the stream with a BOOKMARK at the latest resourceVersion" {
    rv=$(list_rv "/apis/apps/v1/deployments")
    run timeout $((10 * SCALE)) curl -s -N --cacert "$T/cert.pem" -H "Authorization: Bearer $TOKEN" \
        -o "$T/w" "$SIM_URL/apis/apps/v1/deployments?watch=1&resourceVersion=$rv&allowWatchBookmarks=true&timeoutSeconds=1"
    [ "$status" -eq 0 ] # curl ended because the server ended the stream
    has_line "$T/w" "e['type'] == 'BOOKMARK' and int(e['object']['metadata']['resourceVersion']) >= $rv"
}

@test "watch: POST /_sim/k8s/drop-watches ends every open stream" {
    for kind in /api/v1/events "$FLINK/flinkstatesnapshots" /api/v1/namespaces/flink-dev/pods; do
        curl -s -N --cacert "$T/cert.pem" -H "Authorization: Bearer $TOKEN" -o /dev/null \
            "$SIM_URL$kind?watch=1&timeoutSeconds=300" 3>&- &
        BG_PIDS="${BG_PIDS:-} $!"
    done
    open() { ctl /_sim/stats >"$T/body" && py 'sys.exit(0 if body()["kubernetes_watch"] == 3 else 1)'; }
    until_true 5 open
    ctl /_sim/k8s/drop-watches -X POST | grep -q '"ok":true'
    ended() {
        for p in $BG_PIDS; do kill -0 "$p" 2>/dev/null && return 1; done
        return 0
    }
    until_true 5 ended
}

@test "watch: a deleted FlinkStateSnapshot is DELETED on the stream" {
    k "$FLINK/namespaces/flink-prod/flinkstatesnapshots" -X POST -H 'Content-Type: application/json' \
        -d '{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkStateSnapshot","metadata":{"name":"sp-1"},"spec":{"jobReference":{"kind":"FlinkDeployment","name":"production"},"savepoint":{}}}' >/dev/null
    [ "$(code)" = 201 ]
    rv=$(list_rv "$FLINK/flinkstatesnapshots")
    watch_bg "$T/w" "$FLINK/flinkstatesnapshots?watch=1&resourceVersion=$rv&timeoutSeconds=30"
    k "$FLINK/namespaces/flink-prod/flinkstatesnapshots/sp-1" -X DELETE >/dev/null
    [ "$(code)" = 200 ]
    until_true 5 has_line "$T/w" "e['type'] == 'DELETED' and e['object']['metadata']['name'] == 'sp-1'"
    k "$FLINK/flinkstatesnapshots" >/dev/null
    py 'assert body()["items"] == [], body()["items"]'
}

@test "kubectl get -w shows a FlinkDeployment change after kubectl patch" {
    need_kubectl
    kc get flinkdeployments -A -w >"$T/w" 2>&1 3>&- &
    BG_PIDS="${BG_PIDS:-} $!"
    listed() { grep -q development "$T/w"; }
    until_true 10 listed
    kc patch flinkdeployment staging -n flink-staging --type merge \
        -p '{"metadata":{"labels":{"tier":"gold"}}}'
    twice() { [ "$(grep -c 'staging ' "$T/w")" -ge 2 ]; }
    until_true 10 twice
    cat "$T/w"
    grep -q 'JOB STATUS' "$T/w"
}

@test "kubectl get deploy -A -w shows kubectl scale and kubectl rollout restart" {
    need_kubectl
    kc get deploy -A -w >"$T/w" 2>&1 3>&- &
    BG_PIDS="${BG_PIDS:-} $!"
    listed() { grep -q development "$T/w"; }
    until_true 10 listed
    kc scale deployment staging -n flink-staging --replicas=2
    # the new spec, then the controller's status a step later: 2/2
    scaled() { grep -qE '^flink-staging +staging +2/2 ' "$T/w"; }
    until_true 10 scaled
    before=$(grep -c '^flink-prod ' "$T/w")
    kc rollout restart deployment production -n flink-prod
    restarted() { [ "$(grep -c '^flink-prod ' "$T/w")" -gt "$before" ]; }
    until_true 10 restarted
    cat "$T/w"
    grep -q 'UP-TO-DATE' "$T/w"
}

@test "python3-kubernetes watches Deployments by label: kubectl scale is MODIFIED" {
    have_kubernetes_client || skip "Debian's python3-kubernetes is not installed"
    run kpyd "
from kubernetes import client, config, watch
config.load_kube_config(config_file='$T/kubeconfig')
apps = client.AppsV1Api()
sel = 'component in (jobmanager,taskmanager)'
l = apps.list_deployment_for_all_namespaces(label_selector=sel)
assert sorted(d.metadata.name for d in l.items) == ['development', 'production', 'staging'], l.items
other = apps.list_deployment_for_all_namespaces(label_selector='component notin (jobmanager,taskmanager)')
assert other.items == [], other.items
# scaled after the list: the stream from the list's resourceVersion carries it
apps.patch_namespaced_deployment_scale('staging', 'flink-staging', {'spec': {'replicas': 3}})
w = watch.Watch()
seen = []
for ev in w.stream(apps.list_deployment_for_all_namespaces, label_selector=sel,
                   resource_version=l.metadata.resource_version, timeout_seconds=30,
                   _request_timeout=$((60 * SCALE))):
    o = ev['object']
    seen.append((ev['type'], o.metadata.name, o.spec.replicas, o.status.ready_replicas))
    if ev['type'] == 'MODIFIED' and o.status.ready_replicas == 3:
        w.stop()
print(seen)
assert seen[0][:3] == ('MODIFIED', 'staging', 3), seen
assert seen[-1] == ('MODIFIED', 'staging', 3, 3), seen
"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "/_sim/stats counts requests by class and path template, and DELETE resets it" {
    ctl /_sim/stats -X DELETE | grep -q '"ok":true'
    k "$FLINK/namespaces/flink-prod/flinkdeployments" >/dev/null
    k "$FLINK/namespaces/flink-prod/flinkdeployments/production" >/dev/null
    k "/api/v1/pods?watch=1&timeoutSeconds=1" >/dev/null
    ctl /_sim/jobs >"$T/body"
    jid=$(py 'j = body()["jobs"][0]; print(j["jid"], j["vertices"][0]["id"])')
    set -- $jid
    k "/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy/jobs/$1/vertices/$2/backpressure" >/dev/null
    [ "$(code)" = 200 ]
    ctl "/clusters/production/jobs/$1" >/dev/null
    ctl /_sim/stats >"$T/body"
    py "b = body()
assert (b['kubernetes_list'], b['kubernetes_watch'], b['kubernetes_other'], b['proxy'], b['flink']) == (1, 1, 1, 1, 1), b
p = b['by_path']
assert p['$FLINK/namespaces/{ns}/flinkdeployments'] == 1, p
assert p['$FLINK/namespaces/{ns}/flinkdeployments/{name}'] == 1, p
assert p['/api/v1/namespaces/{ns}/services/{name}/proxy/jobs/{jid}/vertices/{vid}/backpressure'] == 1, p
assert p['/clusters/{cluster}/jobs/{jid}'] == 1, p"
    ctl /_sim/stats -X DELETE >/dev/null
    ctl /_sim/stats >"$T/body"
    py "b = body(); assert b['kubernetes_list'] == 0 and b['by_path'] == {}, b"
}

@test "kubectl get prints the CRD's printer columns and the pods' READY STATUS RESTARTS" {
    need_kubectl
    run kc get flinkdeployments -n flink-prod
    [ "$status" -eq 0 ]
    echo "$output"
    [[ ${lines[0]} == *NAME*"JOB STATUS"*"LIFECYCLE STATE"*AGE* ]]
    [[ ${lines[1]} == production*RUNNING*STABLE* ]]
    ctl /_sim/k8s/flink-prod/production/oom -X POST | grep -q '"ok":true'
    run kc get pods -n flink-prod
    [ "$status" -eq 0 ]
    echo "$output"
    [[ ${lines[0]} == *NAME*READY*STATUS*RESTARTS*AGE* ]]
    [[ $output == *production-taskmanager-1-1*1/1*Running*"1 ("*ago")"* ]]
    run kc get deployments -n flink-prod
    [[ ${lines[0]} == *NAME*READY*UP-TO-DATE*AVAILABLE*AGE* ]]
}

@test "kubectl describe flinkdeployment shows its events" {
    need_kubectl
    run kc describe flinkdeployment production -n flink-prod
    [ "$status" -eq 0 ]
    echo "$output"
    [[ $output == *Events:*SavepointError* ]]
    [[ $output != *"Events:  <none>"* ]]
}

@test "python3-kubernetes lists every kind of the default fleet: namespaces, pods, events, services, deployments and the custom objects" {
    have_kubernetes_client || skip "Debian's python3-kubernetes is not installed"
    fleet_file
    run kpyd "
from kubernetes import client, config
config.load_kube_config(config_file='$T/kubeconfig')
v1, apps, co = client.CoreV1Api(), client.AppsV1Api(), client.CustomObjectsApi()
pods = v1.list_pod_for_all_namespaces().items
assert all(c.image for p in pods for c in p.spec.containers)
tms = [p for p in pods if p.metadata.labels.get('component') == 'taskmanager' and p.metadata.labels.get('type')]
assert tms and all(p.metadata.owner_references[0].kind == 'Deployment' for p in tms)
print('namespaces', ' '.join(sorted(n.metadata.name for n in v1.list_namespace().items)))
print('pods', len(pods))
print('events', len(v1.list_event_for_all_namespaces().items))
print('services', len(v1.list_service_for_all_namespaces().items))
print('deployments', len(apps.list_deployment_for_all_namespaces().items))
for plural in ('flinkdeployments', 'flinksessionjobs', 'flinkstatesnapshots'):
    print(plural, len(co.list_cluster_custom_object('flink.apache.org', 'v1beta1', plural)['items']))
fd = co.get_namespaced_custom_object('flink.apache.org', 'v1beta1', 'flink-production', 'flinkdeployments', 'real-time-analytics')
print('real-time-analytics', fd['status']['jobStatus']['state'])
sj = co.list_namespaced_custom_object('flink.apache.org', 'v1beta1', 'flink-production', 'flinksessionjobs')['items'][0]
print('session job on', sj['spec']['deploymentName'], sj['status']['jobStatus']['state'])
"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"flink-development flink-operator flink-production flink-staging"*monitoring* ]]
    [[ $output == *"pods "[1-9][0-9]* ]]
    [[ $output == *"deployments 13"* ]] # 11 native JobManagers, the standalone cluster's 2
    [[ $output == *"flinkdeployments 11"* ]]
    [[ $output == *"flinksessionjobs 4"* ]]
    [[ $output == *"real-time-analytics RUNNING"* ]]
    [[ $output == *"session job on analytics-session RUNNING"* ]]
}

@test "kubectl explain reads the CRD's schema; kubectl apply and create validate without --validate=false" {
    need_kubectl
    run kc explain flinkdeployment.spec.job.upgradeMode
    [ "$status" -eq 0 ]
    echo "$output"
    [[ $output == *"KIND:"*FlinkDeployment* ]]
    [[ $output == *upgradeMode* ]]
    cat >"$T/snap.yaml" <<EOF
apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata:
  name: manual-savepoint
  namespace: flink-prod
spec:
  jobReference:
    kind: FlinkDeployment
    name: production
  savepoint: {}
EOF
    run kc apply -f "$T/snap.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    kc get flinkdeployment production -n flink-prod -o yaml >"$T/fd.yaml"
    sed -i 's/^\(    parallelism:\) .*/\1 6/' "$T/fd.yaml"
    run kc apply -f "$T/fd.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    run kc get flinkdeployment production -n flink-prod -o 'jsonpath={.spec.job.parallelism}'
    [ "$output" = 6 ]
}

@test "JSON patch, the scale subresource and the status subresource" {
    need_kubectl
    run kc patch flinkdeployment production -n flink-prod --type json \
        -p '[{"op":"test","path":"/spec/job/upgradeMode","value":"savepoint"},{"op":"replace","path":"/spec/job/parallelism","value":5}]'
    echo "$output"
    [ "$status" -eq 0 ]
    run kc patch flinkdeployment production -n flink-prod --type json \
        -p '[{"op":"test","path":"/spec/job/upgradeMode","value":"stateless"},{"op":"replace","path":"/spec/job/parallelism","value":8}]'
    [ "$status" -ne 0 ] # the test operation fails: nothing changes
    run kc scale flinkdeployment production -n flink-prod --replicas=6
    echo "$output"
    [ "$status" -eq 0 ]
    run kc get flinkdeployment production -n flink-prod \
        -o 'jsonpath={.spec.job.parallelism} {.spec.taskManager.replicas} {.metadata.generation}'
    [ "$output" = "5 6 3" ]
    run kc patch flinkdeployment production -n flink-prod --subresource=status --type merge \
        -p '{"status":{"lifecycleState":"SUSPENDED"}}'
    [ "$status" -eq 0 ]
    run kc get flinkdeployment production -n flink-prod \
        -o 'jsonpath={.status.lifecycleState} {.metadata.generation}'
    [ "$output" = "SUSPENDED 3" ] # a status write is no spec change
}

@test "delete with propagation: Background takes the pods, Orphan leaves them" {
    k "$FLINK/namespaces/flink-dev/flinkdeployments/development" -X DELETE \
        -H 'Content-Type: application/json' -d '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Orphan"}' >/dev/null
    [ "$(code)" = 200 ]
    k "$FLINK/namespaces/flink-dev/flinkdeployments/development" >/dev/null
    [ "$(code)" = 404 ]
    k "/api/v1/namespaces/flink-dev/pods" >/dev/null
    py 'assert len(body()["items"]) > 0'
    k "$FLINK/namespaces/flink-staging/flinkdeployments/staging?propagationPolicy=Background" -X DELETE >/dev/null
    [ "$(code)" = 200 ]
    k "/api/v1/namespaces/flink-staging/pods" >/dev/null
    py 'assert body()["items"] == []'
    k "/api/v1/namespaces/flink-staging/services/staging-rest:rest/proxy/overview" >/dev/null
    [ "$(code)" = 404 ]
    k "$FLINK/namespaces/flink-prod/flinkdeployments/production?propagationPolicy=Sideways" -X DELETE >/dev/null
    [ "$(code)" = 400 ]
}

@test "kubectl auth whoami and can-i, which follows the forbid control" {
    need_kubectl
    run kc auth whoami
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *system:serviceaccount:flink-ops:flinktop* ]]
    run kc auth can-i patch flinkdeployments -n flink-prod
    [ "$status" -eq 0 ]
    [ "$output" = yes ]
    ctl /_sim/k8s/forbid -X POST | grep -q '"ok":true'
    run kc auth can-i patch flinkdeployments -n flink-prod
    [ "$status" -ne 0 ]
    [ "$output" = no ]
    run kc auth can-i create services --subresource=proxy -n flink-prod
    [ "$output" = no ]
    run kc auth can-i get flinkdeployments -n flink-prod
    [ "$output" = yes ]
}

@test "forbid-watch of one resource: kubectl's watch of it is refused and can-i says so; other kinds watch" {
    need_kubectl
    ctl /_sim/k8s/forbid-watch -X POST -d '{"resource":"deployments"}' | grep -q '"ok":true'
    run kc auth can-i watch deployments -n flink-prod
    [ "$output" = no ]
    run kc auth can-i list deployments -n flink-prod
    [ "$output" = yes ]
    run kc auth can-i watch pods -n flink-prod
    [ "$output" = yes ]
    run kc get deployments -n flink-prod --watch-only --request-timeout=10s
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *'Error from server (Forbidden)'* ]]
    # the Status says it as the API server does: resource, group, namespace
    ctl "/apis/apps/v1/namespaces/flink-prod/deployments?watch=1" -H "Authorization: Bearer $TOKEN" |
        grep -qF 'deployments.apps is forbidden: User \"system:serviceaccount:flink-ops:flinktop\" cannot watch resource \"deployments\" in API group \"apps\" in the namespace \"flink-prod\"'
    # not a resource name: refused, the setting as it was
    ctl /_sim/k8s/forbid-watch -X POST -d '{"resource":7}' | grep -q 'expected no body'
    run kc auth can-i watch pods -n flink-prod
    [ "$output" = yes ]
    ctl /_sim/k8s/forbid-watch -X DELETE | grep -q '"ok":true'
    run kc auth can-i watch deployments -n flink-prod
    [ "$output" = yes ]
}

# fleet_file: the file's default fleet (tests that only read it), its kubeconfig in
# $T/kubeconfig: same certificate and token as setup's grid
fleet_file() {
    sim_stop # setup's grid, if a renamed test no longer matches setup's list
    test_cert && cp "$TEST_CERT" "$T/cert.pem" && cp -p "$BATS_FILE_TMPDIR/fleet-kubeconfig" "$T/kubeconfig" || return 1
    SIM_URL=$FLEET_URL SIM_PID=$SIM_FILE_PID
}

# fleet_start: a default fleet of the test's own instead of setup's grid (same
# certificate and token)
fleet_start() {
    sim_stop
    test_cert && cp "$TEST_CERT" "$T/cert.pem" && cp "$TEST_KEY" "$T/key.pem" || return 1
    sim_start --frozen --clock manual --token "$TOKEN" --tls-cert "$T/cert.pem" \
        --tls-key "$T/key.pem" --kubeconfig-out "$T/kubeconfig" --action-steps-ms 100
}

# kj PATH: what the API server answers for PATH in $T/body (for py's body()): what
# `kubectl get -o json` would print of it, with no kubectl run (a quarter second of CPU
# each) where the test reads the objects and not kubectl's output
kj() {
    k "$1" >/dev/null
    [ "$(code)" = 200 ] || { echo "GET $1: $(code)" >&2; return 1; }
}

@test "default fleet: three environments' namespaces, one job an application FlinkDeployment, a session cluster's FlinkSessionJobs, a standalone Deployment" {
    need_kubectl
    fleet_file
    run kc get namespaces -o name
    echo "$output"
    for ns in flink-production flink-staging flink-development monitoring; do
        [[ $output == *"namespace/$ns"* ]]
    done
    run kc get flinkdeployments -A
    echo "$output"
    [[ ${lines[0]} == *NAMESPACE*NAME*"JOB STATUS"*"LIFECYCLE STATE"* ]]
    kj "$FLINK/flinkdeployments"
    py '
fds = body()["items"]
assert 10 <= len(fds) <= 12, len(fds)
assert {f["metadata"]["namespace"] for f in fds} == {"flink-production", "flink-staging", "flink-development"}
names = {f["metadata"]["name"] for f in fds}
assert {"real-time-analytics", "fraud-detection"} <= names, names
apps = [f for f in fds if "job" in f["spec"]]
sessions = [f["metadata"]["name"] for f in fds if "job" not in f["spec"]]
assert sessions == ["analytics-session"], sessions
for f in apps:
    js = f["status"]["jobStatus"]
    assert len(js["jobId"]) == 32 and js["state"], f["metadata"]["name"]
versions = {f["status"]["clusterInfo"]["flink-version"][:4] for f in fds}
assert {"1.18", "1.20", "2.1.", "2.3."} <= versions, versions
states = {f["status"]["jobStatus"].get("state") for f in apps}
assert "FAILED" in states, states
prod = [f for f in fds if f["metadata"]["namespace"] == "flink-production"]
assert all(f["spec"]["jobManager"]["replicas"] == 2 for f in prod)
assert all(f["spec"]["flinkConfiguration"]["high-availability.type"] == "kubernetes" for f in prod)
'
    run kc get flinksessionjobs -A
    echo "$output"
    [[ ${lines[0]} == *NAMESPACE*NAME*"JOB STATUS"*"LIFECYCLE STATE"* ]]
    kj "$FLINK/flinksessionjobs"
    py '
sj = body()["items"]
assert len(sj) >= 3, len(sj)
assert all(s["spec"]["deploymentName"] == "analytics-session" for s in sj)
assert all(s["metadata"]["namespace"] == "flink-production" for s in sj)
assert all(len(s["status"]["jobStatus"]["jobId"]) == 32 for s in sj)
'
    run kc get deployments -n flink-development
    echo "$output"
    [[ $output == *legacy-reports-jobmanager* ]]
    [[ $output == *legacy-reports-taskmanager* ]]
    run kc get flinkdeployment legacy-reports -n flink-development
    [ "$status" -ne 0 ] # a standalone cluster has no FlinkDeployment
}

@test "default fleet: native names and owner references (JobManager Deployment NAME owned by its FlinkDeployment, task manager pods owned by it, two JobManagers with HA)" {
    need_kubectl
    fleet_file
    kj "$FLINK/namespaces/flink-production/flinkdeployments/real-time-analytics"
    fd_uid=$(py 'print(body()["metadata"]["uid"])')
    kj /apis/apps/v1/namespaces/flink-production/deployments/real-time-analytics
    dep_uid=$(py '
d = body()
assert d["metadata"]["labels"] == {"app": "real-time-analytics", "component": "jobmanager", "type": "flink-native-kubernetes"}, d["metadata"]["labels"]
ref = d["metadata"]["ownerReferences"][0]
assert ref["kind"] == "FlinkDeployment" and ref["name"] == "real-time-analytics" and ref["uid"] == "'"$fd_uid"'", ref
assert d["spec"]["replicas"] == 2
print(d["metadata"]["uid"])')
    run kc get deployment real-time-analytics-taskmanager -n flink-production
    [ "$status" -ne 0 ] # native task managers are bare pods
    kj "/api/v1/namespaces/flink-production/pods?labelSelector=app%3Dreal-time-analytics"
    py '
import re
pods = body()["items"]
jms = [p for p in pods if p["metadata"]["labels"]["component"] == "jobmanager"]
tms = [p for p in pods if p["metadata"]["labels"]["component"] == "taskmanager"]
assert len(jms) == 2, [p["metadata"]["name"] for p in jms]
assert all(p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet" for p in jms)
assert all(p["metadata"]["name"].startswith("real-time-analytics-") for p in jms)
assert tms
for p in tms:
    assert re.fullmatch(r"real-time-analytics-taskmanager-1-[0-9]+", p["metadata"]["name"]), p["metadata"]["name"]
    ref = p["metadata"]["ownerReferences"][0]
    assert ref["kind"] == "Deployment" and ref["name"] == "real-time-analytics" and ref["uid"] == "'"$dep_uid"'", ref
    assert p["metadata"]["labels"]["type"] == "flink-native-kubernetes"
'
    run kc get svc real-time-analytics-rest -n flink-production
    [ "$status" -eq 0 ]
}

@test "default fleet: one job per application FlinkDeployment through the Flink REST proxy; the session cluster runs its FlinkSessionJobs' jobs" {
    fleet_file
    # one Python run for every request (an interpreter start costs more than all of them)
    pyd "
import json, ssl, urllib.request
ctx = ssl.create_default_context(cafile='$T/cert.pem')
def get(path):
    r = urllib.request.Request('$SIM_URL' + path, headers={'Authorization': 'Bearer $TOKEN'})
    with urllib.request.urlopen(r, context=ctx, timeout=30) as f:
        assert f.status == 200, (path, f.status)
        return json.load(f)
session = None
fds = get('$FLINK/flinkdeployments')['items']
assert fds
for f in fds:
    ns, name = f['metadata']['namespace'], f['metadata']['name']
    jobs = get('/api/v1/namespaces/%s/services/%s-rest:rest/proxy/jobs/overview' % (ns, name))['jobs']
    jid = f['status'].get('jobStatus', {}).get('jobId')
    if jid is None:
        session = jobs
        continue
    assert [j['jid'] for j in jobs] == [jid], (name, jobs)
want = {s['status']['jobStatus']['jobId'] for s in get('$FLINK/flinksessionjobs')['items']}
have = {j['jid'] for j in session}
assert want == have and len(have) >= 3, (want, have)
"
}

@test "kubectl creates a FlinkDeployment the operator deploys (its job RUNNING through the proxy; delete takes the cluster) and a FlinkSessionJob the session cluster runs; delete cancels its job" {
    need_kubectl
    fleet_start
    printf '%s\n' 'apiVersion: flink.apache.org/v1beta1' 'kind: FlinkDeployment' 'metadata:' \
        '  name: basic-example' '  namespace: flink-development' 'spec:' '  image: flink:1.20' \
        '  flinkVersion: v1_20' '  serviceAccount: flink' '  jobManager:' \
        '    resource: {memory: "2048m", cpu: 1}' '  taskManager:' \
        '    resource: {memory: "2048m", cpu: 1}' '  job:' \
        '    jarURI: local:///opt/flink/examples/streaming/StateMachineExample.jar' \
        '    parallelism: 2' '    upgradeMode: stateless' >"$T/fd.yaml"
    run kc apply -f "$T/fd.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"flinkdeployment.flink.apache.org/basic-example created"* ]]
    kj "$FLINK/namespaces/flink-development/flinkdeployments/basic-example"
    py '
st = body()["status"]
assert st["lifecycleState"] == "CREATED" and st["jobManagerDeploymentStatus"] == "MISSING", st
assert body()["spec"]["job"]["parallelism"] == 2
'
    run kc create -f "$T/fd.yaml"
    [ "$status" -ne 0 ]
    [[ $output == *AlreadyExists* || $output == *"already exists"* ]]
    # the operator deploys it: a step to pick it up, the JobManager ready two steps on, the
    # job's subtasks running two more, STABLE
    sim_advance 1000
    kj "$FLINK/namespaces/flink-development/flinkdeployments/basic-example"
    py '
st = body()["status"]
assert st["lifecycleState"] == "STABLE" and st["jobManagerDeploymentStatus"] == "READY", st
js = st["jobStatus"]
assert js["state"] == "RUNNING" and js["jobName"] == "StateMachineExample" and len(js["jobId"]) == 32, js
'
    fd_jid=$(py 'print(body()["status"]["jobStatus"]["jobId"])')
    run kc get pods -n flink-development -l app=basic-example
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"basic-example-taskmanager-1-1 "*Running* ]]
    FP=/api/v1/namespaces/flink-development/services/basic-example-rest:8081/proxy
    k "$FP/jobs/$fd_jid" >/dev/null
    [ "$(code)" = 200 ]
    py 'assert body()["name"] == "StateMachineExample" and body()["state"] == "RUNNING" and all(v["parallelism"] == 2 for v in body()["vertices"]), body()'
    k "$FP/overview" >/dev/null
    py 'assert body()["flink-version"].startswith("1.20.") and body()["jobs-running"] == 1, body()'
    run kc delete flinkdeployment basic-example -n flink-development
    [ "$status" -eq 0 ]
    run kc get flinkdeployment basic-example -n flink-development
    [ "$status" -ne 0 ]
    k "$FP/overview" >/dev/null
    [ "$(code)" = 404 ]
    run kc get pods -n flink-development -l app=basic-example -o name
    [ "$status" -eq 0 ]
    [ -z "$output" ]

    printf '%s\n' 'apiVersion: flink.apache.org/v1beta1' 'kind: FlinkSessionJob' 'metadata:' \
        '  name: top-products-leaderboard' '  namespace: flink-production' 'spec:' \
        '  deploymentName: analytics-session' '  job:' \
        '    jarURI: https://artifacts.example.com/flink/top-products.jar' '    parallelism: 2' \
        '    upgradeMode: stateless' >"$T/fsj.yaml"
    run kc apply -f "$T/fsj.yaml"
    echo "$output"
    [ "$status" -eq 0 ]
    kj "$FLINK/namespaces/flink-production/flinksessionjobs/top-products-leaderboard"
    jid=$(py 'print(body()["status"]["jobStatus"]["jobId"])')
    [ ${#jid} -eq 32 ]
    P=/api/v1/namespaces/flink-production/services/analytics-session-rest:rest/proxy
    k "$P/jobs/$jid" >/dev/null
    [ "$(code)" = 200 ]
    py 'assert body()["name"] == "top-products-leaderboard" and body()["state"] == "RUNNING", body()["state"]'
    run kc delete flinksessionjob top-products-leaderboard -n flink-production
    [ "$status" -eq 0 ]
    run kc get flinksessionjob top-products-leaderboard -n flink-production
    [ "$status" -ne 0 ]
    sim_advance 1000
    k "$P/jobs/$jid" >/dev/null
    py 'assert body()["state"] == "CANCELED", body()["state"]'
}

@test "kubectl top pod reads the metrics API: each Running pod's memory, under its limit" {
    need_kubectl
    k /apis/metrics.k8s.io/v1beta1 >/dev/null
    [ "$(code)" = 200 ]
    run kc top pod -n flink-prod --no-headers
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *production-taskmanager-1-1* ]]
    # NAME CPU(cores) MEMORY(bytes): a figure in Mi, not zero, under the 4 GiB limit
    mem=$(echo "$output" | awk '$1 == "production-taskmanager-1-1" {print $3}')
    [[ $mem == *Mi ]]
    [ "${mem%Mi}" -gt 0 ] && [ "${mem%Mi}" -lt 4096 ]
    # a pod metrics-server has no metrics of: 404 naming podmetrics, not the API
    k /apis/metrics.k8s.io/v1beta1/namespaces/flink-prod/pods/no-such-pod >/dev/null
    [ "$(code)" = 404 ]
    py 'b = body(); assert b["details"]["group"] == "metrics.k8s.io", b'
}
