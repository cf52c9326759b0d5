#!/usr/bin/env bats
# The simulated flink-kubernetes-operator's lifecycle, as the operator documents it: an
# upgrade with each upgradeMode deletes the cluster and deploys a new one (new pods, a new
# job, a new job id but in last-state mode), restored from the upgrade savepoint, the latest
# checkpoint or nothing; suspend deletes the cluster and its REST service; a missing image
# fails the deployment and, where enabled, rolls back. The clock is manual: every test moves
# it one action step at a time and records what each step shows.
# Run after `make flinktop-sim`: bats tests/integration/sim_lifecycle.bats

setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
    sim_start --frozen --clock manual --action-steps-ms 150 --clusters 3 --jobs 1
    FD=/apis/flink.apache.org/v1beta1
}

teardown() {
    sim_stop
}

STEP_MS=150

req() {
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -o "$T/body" -w '%{http_code}' "$@" "$SIM_URL$path" >"$T/code"
}

code() { cat "$T/code"; }

py() {
    "$PY" -c "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

# pick PYTHON-EXPR: sets NS, NAME (and JID) of the first FlinkDeployment d with a job for
# which the expression holds.
pick() {
    req GET "$FD/flinkdeployments"
    read -r NS NAME JID < <(py "for d in body()['items']:
    if d['spec'].get('job') and ($1):
        print(d['metadata']['namespace'], d['metadata']['name'], d['status']['jobStatus']['jobId']); break")
    [ -n "$NAME" ]
}

patch_fd() {
    req PATCH "$FD/namespaces/$NS/flinkdeployments/$NAME" \
        -H 'Content-Type: application/merge-patch+json' -d "$1"
    [ "$(code)" = 200 ]
}

# observe: appends one line for the current step to $T/trace:
# lifecycle jmStatus reconciliationState jobId jobState pods service(yes/no) rest-code
observe() {
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    local fd
    fd=$(py 's = body()["status"]; js = s["jobStatus"]
print(s["lifecycleState"], s["jobManagerDeploymentStatus"], s["reconciliationStatus"]["state"], js["jobId"], js["state"])')
    req GET "/api/v1/namespaces/$NS/pods"
    local pods
    pods=$(py "print(len([p for p in body()['items'] if p['metadata']['labels'].get('app') == '$NAME']))")
    req GET "/api/v1/namespaces/$NS/services"
    local svc
    svc=$(py "print('yes' if any(s['metadata']['name'] == '$NAME-rest' for s in body()['items']) else 'no')")
    req GET "/clusters/$NAME/jobs/overview"
    echo "$fd $pods $svc $(code)" >>"$T/trace"
}

# run_until N PYTHON-EXPR: observes, moving the clock a step at a time, until the latest
# trace line (l: its fields) satisfies the expression (seen: every lifecycle state the
# trace shows so far, so "after an upgrade" can be said); at most N steps.
run_until() {
    local left=$1
    while :; do
        observe
        if "$PY" -c "import sys
lines = [x.split() for x in open('$T/trace') if x.strip()]
l = lines[-1]
seen = {x[0] for x in lines}
sys.exit(0 if ($2) else 1)"; then
            return 0
        fi
        if [ "$left" -le 0 ]; then
            echo "run_until: '$2' not reached; trace:" >&2
            cat "$T/trace" >&2
            return 1
        fi
        left=$((left - 1))
        sim_advance "$STEP_MS" || return 1
    done
}

# seq_of FIELD: the distinct consecutive values of trace field FIELD (0-based), space separated.
seq_of() {
    "$PY" -c "
out = []
for line in open('$T/trace'):
    v = line.split()[$1]
    if not out or out[-1] != v: out.append(v)
print(' '.join(out))"
}

pods_json() {
    req GET "/api/v1/namespaces/$NS/pods"
    py "print(json.dumps({p['metadata']['name']: [p['metadata']['uid'], p['metadata']['creationTimestamp'], p['metadata']['labels']['component']] for p in body()['items'] if p['metadata']['labels'].get('app') == '$NAME'}))" >"$1"
}

# The new pods share no uid with the old ones; the JobManager pod has a new name.
pods_recreated() {
    "$PY" -c "import json, sys
a, b = json.load(open('$1')), json.load(open('$2'))
assert b, 'no pods after the upgrade'
assert not {v[0] for v in a.values()} & {v[0] for v in b.values()}, (a, b)
jm_a = [n for n, v in a.items() if v[2] == 'jobmanager']
jm_b = [n for n, v in b.items() if v[2] == 'jobmanager']
assert len(jm_b) == 1 and jm_a != jm_b, (jm_a, jm_b)
assert any(v[2] == 'taskmanager' for v in b.values()), b"
}

# events_of: the operator's events on the FlinkDeployment, in order: reason|component|message
events_of() {
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    local uid
    uid=$(py 'print(body()["metadata"]["uid"])')
    req GET "/api/v1/namespaces/$NS/events"
    py "es = [e for e in body()['items'] if e['involvedObject']['kind'] == 'FlinkDeployment'
      and e['involvedObject']['name'] == '$NAME']
assert all(e['involvedObject']['uid'] == '$uid' and e['involvedObject']['namespace'] == '$NS'
           and e['involvedObject']['apiVersion'] == 'flink.apache.org/v1beta1' for e in es), es
es.sort(key=lambda e: e['firstTimestamp'])
for e in es: print(e['reason'] + '|' + e['source']['component'] + '|' + e['message'])"
}

vertex_parallelism() {
    req GET "/clusters/$NAME/jobs/$1"
    py 'print(" ".join(str(v["parallelism"]) for v in body()["vertices"]))'
}

restored_path() {
    req GET "/clusters/$NAME/jobs/$1/checkpoints"
    py 'r = body()["latest"]["restored"]; print(r["external_path"] if r else "none")'
}

@test "savepoint upgrade: UPGRADING, the cluster deleted (no pods, no service, REST down), DEPLOYING, DEPLOYED_NOT_READY, READY, a new job from the savepoint, STABLE" {
    pick "d['spec']['flinkConfiguration'].get('state.savepoints.dir')"
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    old_par=$(py 'print(body()["spec"]["job"]["parallelism"])')
    new_par=$((old_par + 1))
    before=$(vertex_parallelism "$JID")
    pods_json "$T/pods.before"
    patch_fd "{\"spec\":{\"job\":{\"upgradeMode\":\"savepoint\",\"parallelism\":$new_par}}}"
    run_until 40 '"UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200"'
    [ "$(seq_of 0)" = "STABLE UPGRADING DEPLOYED STABLE" ]
    [ "$(seq_of 1)" = "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY" ]
    [ "$(seq_of 6)" = "yes no yes" ]    # the -rest service went with the cluster
    [ "$(seq_of 7)" = "200 503 200" ]   # the JobManager did not answer meanwhile
    grep -q "UPGRADING MISSING UPGRADING [0-9a-f]* [A-Z]* 0 no 503" "$T/trace"
    new_jid=$(tail -n 1 "$T/trace" | cut -d' ' -f4)
    [ "$new_jid" != "$JID" ]
    # the new job id comes with the new deployment (Submit), not before
    "$PY" -c "
for f in (l.split() for l in open('$T/trace')):
    if f[1] == 'MISSING': assert f[3] == '$JID', f
    if f[1] == 'DEPLOYING': assert f[3] == '$new_jid', f"
    # the savepoint: recorded as the operator records it, and the new job restored from it
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    sp=$(py 'js = body()["status"]["jobStatus"]; ls = js["savepointInfo"]["lastSavepoint"]
assert ls["triggerType"] == "UPGRADE" and ls["location"] == js["upgradeSavepointPath"], js
print(js["upgradeSavepointPath"])')
    [ "$(restored_path "$new_jid")" = "$sp" ]
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    py "st = body()['status']; rs = st['reconciliationStatus']
last = json.loads(rs['lastReconciledSpec']); stable = json.loads(rs['lastStableSpec'])
assert last['spec']['job']['parallelism'] == $new_par and stable == last, rs
assert last['resource_metadata']['metadata']['generation'] == body()['metadata']['generation'], last
assert st['observedGeneration'] == body()['metadata']['generation']
c = st['conditions'][0]
assert (c['type'], c['status'], c['reason']) == ('Running', 'True', 'JobRunning'), c
assert int(st['clusterInfo']['total-memory']) > 0 and 'state-size' in st['clusterInfo'], st['clusterInfo']"
    # the old job is gone with its cluster; the new one is the only job
    req GET "/clusters/$NAME/jobs/$JID"
    [ "$(code)" = 404 ]
    req GET "/clusters/$NAME/jobs/overview"
    py "assert [j['jid'] for j in body()['jobs']] == ['$new_jid'], body()"
    pods_json "$T/pods.after"
    pods_recreated "$T/pods.before" "$T/pods.after"
    # job.parallelism: the vertices at the old default take the new one, the others keep theirs
    after=$(vertex_parallelism "$new_jid")
    "$PY" -c "
b, a = '$before'.split(), '$after'.split()
assert len(a) == len(b)
for x, y in zip(b, a):
    assert int(y) == ($new_par if int(x) == $old_par else int(x)), (b, a)"
    events_of >"$T/events"
    grep -q "^SpecChanged|Operator|UPGRADE change(s) detected (Diff: FlinkDeploymentSpec\[job.parallelism : $old_par -> $new_par\]), starting reconciliation.$" "$T/events"
    # in this order: the change, the suspend, the job stopped, the new deployment, the job running
    "$PY" -c "
lines = open('$T/events').read().split('\n')
want = ['SpecChanged|Operator', 'Suspended|JobManagerDeployment|Suspending existing deployment.',
        'JobStatusChanged|Job|Job status changed from RUNNING to FINISHED',
        'Submit|JobManagerDeployment|Starting deployment',
        'JobStatusChanged|Job|Job status changed from RECONCILING to RUNNING']
i = 0
for l in lines:
    if i < len(want) and l.startswith(want[i]): i += 1
assert i == len(want), (i, lines)"
}

@test "a vertex with its own parallelism keeps it when job.parallelism changes" {
    # a job whose vertices are not all at the default parallelism
    req GET "$FD/flinkdeployments"
    found=""
    for pair in $(py 'for d in body()["items"]:
    if d["spec"].get("job"): print(d["metadata"]["namespace"] + "/" + d["metadata"]["name"] + "/" + d["status"]["jobStatus"]["jobId"] + "/" + str(d["spec"]["job"]["parallelism"]))'); do
        IFS=/ read -r NS NAME JID par <<<"$pair"
        if [ -n "$(vertex_parallelism "$JID" | tr ' ' '\n' | grep -vx "$par")" ]; then
            found=$par
            break
        fi
    done
    [ -n "$found" ] || skip "no job with a vertex of its own parallelism in this fleet"
    before=$(vertex_parallelism "$JID")
    patch_fd "{\"spec\":{\"job\":{\"upgradeMode\":\"last-state\",\"parallelism\":$((found + 2))}}}"
    run_until 40 '"UPGRADING" in seen and l[0] == "STABLE" and l[7] == "200"'
    after=$(vertex_parallelism "$JID")
    "$PY" -c "
b, a = '$before'.split(), '$after'.split()
assert any(int(x) != $found for x in b)
for x, y in zip(b, a):
    assert int(y) == ($found + 2 if int(x) == $found else int(x)), (b, a)"
}

@test "last-state upgrade: the cluster redeployed, the SAME job id restored from its latest checkpoint, no savepoint" {
    pick "True"
    pods_json "$T/pods.before"
    req GET "/clusters/$NAME/jobs/$JID"
    start_before=$(py 'print(body()["start-time"])')
    patch_fd '{"spec":{"job":{"upgradeMode":"last-state"},"flinkConfiguration":{"taskmanager.memory.jvm-overhead.fraction":"0.2"}}}'
    run_until 40 '"UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200"'
    [ "$(seq_of 0)" = "STABLE UPGRADING DEPLOYED STABLE" ] || [ "$(seq_of 0)" = "DEPLOYED UPGRADING DEPLOYED STABLE" ]
    [ "$(seq_of 1)" = "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY" ]
    [ "$(seq_of 3)" = "$JID" ]  # one job id throughout
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    py 'js = body()["status"]["jobStatus"]
assert "upgradeSavepointPath" not in js and js["savepointInfo"]["lastSavepoint"] is None, js'
    path=$(restored_path "$JID")
    [[ "$path" == *"/checkpoints/$JID/chk-"* ]]
    req GET "/clusters/$NAME/jobs/$JID"
    py "assert body()['start-time'] > $start_before, body()['start-time']"
    pods_json "$T/pods.after"
    pods_recreated "$T/pods.before" "$T/pods.after"
    events_of | grep -q '^Submit|JobManagerDeployment|Starting deployment$'
}

@test "stateless upgrade (restartNonce): the job cancelled, the cluster redeployed, a new job from empty state" {
    pick "True"
    pods_json "$T/pods.before"
    req GET "/clusters/$NAME/jobs/$JID"
    patch_fd '{"spec":{"restartNonce":7,"job":{"upgradeMode":"stateless"}}}'
    run_until 40 '"UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200"'
    [ "$(seq_of 1)" = "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY" ]
    grep -q " $JID CANCEL" "$T/trace"  # the old job was cancelled before the cluster went
    new_jid=$(tail -n 1 "$T/trace" | cut -d' ' -f4)
    [ "$new_jid" != "$JID" ]
    [ "$(restored_path "$new_jid")" = none ]
    pods_json "$T/pods.after"
    pods_recreated "$T/pods.before" "$T/pods.after"
    events_of | grep -q '^SpecChanged|Operator|UPGRADE change(s) detected (Diff: FlinkDeploymentSpec\[.*restartNonce : null -> 7.*\]), starting reconciliation.$'
    # a restartNonce redeploys: the new pods did not restart, they are new
    req GET "/api/v1/namespaces/$NS/pods"
    py "assert all(p['status']['containerStatuses'][0]['restartCount'] == 0 for p in body()['items'] if p['metadata']['labels'].get('app') == '$NAME')"
}

@test "suspend deletes the cluster (pods, -rest service; REST through the proxy 404, direct 503); resume deploys a new job from the savepoint" {
    pick "d['spec']['flinkConfiguration'].get('state.savepoints.dir')"
    patch_fd '{"spec":{"job":{"upgradeMode":"savepoint","state":"suspended"}}}'
    run_until 20 'l[0] == "SUSPENDED"'
    [ "$(seq_of 0)" = "STABLE UPGRADING SUSPENDED" ]
    tail -n 1 "$T/trace" | grep -q "^SUSPENDED MISSING DEPLOYED [0-9a-f]* SUSPENDED 0 no 503$"
    req GET "/api/v1/namespaces/$NS/services/$NAME-rest:rest/proxy/jobs/overview"
    [ "$(code)" = 404 ]
    req GET "/api/v1/namespaces/$NS/services/$NAME-rest"
    [ "$(code)" = 404 ] || [ "$(code)" = 200 ]
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    sp=$(py 'st = body()["status"]; js = st["jobStatus"]
assert js["savepointInfo"]["lastSavepoint"]["location"] == js["upgradeSavepointPath"], js
assert st["taskManager"]["replicas"] == 0 and st["conditions"][0]["reason"] == "JobSuspended", st
assert json.loads(st["reconciliationStatus"]["lastReconciledSpec"])["spec"]["job"]["state"] == "suspended"
print(js["upgradeSavepointPath"])')
    events_of | grep -q '^Suspended|JobManagerDeployment|Suspending existing deployment.$'
    # it stays down
    sim_advance 3000
    observe
    tail -n 1 "$T/trace" | grep -q " 0 no 503$"

    : >"$T/trace"
    patch_fd '{"spec":{"job":{"state":"running"}}}'
    run_until 40 '"DEPLOYED" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200"'
    [ "$(seq_of 0)" = "SUSPENDED DEPLOYED STABLE" ]
    [ "$(seq_of 1)" = "MISSING DEPLOYING DEPLOYED_NOT_READY READY" ]
    new_jid=$(tail -n 1 "$T/trace" | cut -d' ' -f4)
    [ "$new_jid" != "$JID" ]
    [ "$(restored_path "$new_jid")" = "$sp" ]
    req GET "/api/v1/namespaces/$NS/services/$NAME-rest:rest/proxy/jobs/overview"
    [ "$(code)" = 200 ]
}

@test "a missing image: the JobManager pod in ImagePullBackOff, jobManagerDeploymentStatus ERROR; with rollback enabled ROLLING_BACK, then ROLLED_BACK on the last stable spec" {
    pick "True"
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    image=$(py 'print(body()["spec"]["image"])')
    patch_fd '{"spec":{"image":"flink:no-such-tag","job":{"upgradeMode":"last-state"},"flinkConfiguration":{"kubernetes.operator.deployment.rollback.enabled":"true"}}}'
    run_until 20 'l[1] == "ERROR"'
    req GET "/api/v1/namespaces/$NS/pods"
    py "jm = [p for p in body()['items'] if p['metadata']['labels'].get('app') == '$NAME']
assert len(jm) == 1 and jm[0]['metadata']['labels']['component'] == 'jobmanager', jm
st = jm[0]['status']; cs = st['containerStatuses'][0]
assert st['phase'] == 'Pending' and cs['state']['waiting']['reason'] == 'ImagePullBackOff', st
assert cs['image'] == 'flink:no-such-tag' and not cs['ready']"
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    py 'st = body()["status"]; e = json.loads(st["error"])
assert "no-such-tag" in e["message"] and e["type"].endswith("DeploymentFailedException"), e
assert st["lifecycleState"] == "DEPLOYED", st["lifecycleState"]'
    run_until 40 'l[0] == "ROLLED_BACK" and l[4] == "RUNNING" and l[7] == "200"'
    [ "$(seq_of 0)" = "STABLE UPGRADING DEPLOYED ROLLING_BACK ROLLED_BACK" ] ||
        [ "$(seq_of 0)" = "DEPLOYED UPGRADING DEPLOYED ROLLING_BACK ROLLED_BACK" ]
    req GET "$FD/namespaces/$NS/flinkdeployments/$NAME"
    py "rs = body()['status']['reconciliationStatus']
assert rs['state'] == 'ROLLED_BACK', rs
assert json.loads(rs['lastStableSpec'])['spec']['image'] == '$image', rs"
    req GET "/api/v1/namespaces/$NS/pods"
    py "ps = [p for p in body()['items'] if p['metadata']['labels'].get('app') == '$NAME']
assert ps and all(p['spec']['containers'][0]['image'] == '$image' and p['status']['phase'] == 'Running' for p in ps), ps"
    events_of >"$T/events"
    grep -q '^Rollback|JobManagerDeployment|Rolling back failed deployment.$' "$T/events"
    grep -q '^ImagePullBackOff|JobManagerDeployment|Back-off pulling image "flink:no-such-tag"$' "$T/events"
    # the job came back under its id (a rollback restores last-state)
    [ "$(tail -n 1 "$T/trace" | cut -d' ' -f4)" = "$JID" ]
}

@test "a missing image without rollback: the deployment stays in ERROR and the REST API down" {
    pick "True"
    patch_fd '{"spec":{"image":"registry.example.com/pipelines:broken","job":{"upgradeMode":"stateless"}}}'
    run_until 20 'l[1] == "ERROR"'
    sim_advance 3000
    observe
    tail -n 1 "$T/trace" | grep -q "^DEPLOYED ERROR DEPLOYED [0-9a-f]* RECONCILING 1 yes 503$"
}
