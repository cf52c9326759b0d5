#!/usr/bin/env bats
# The simulated flink-kubernetes-operator's lifecycle, as the operator documents it: an
# upgrade with each upgradeMode deletes the cluster and deploys a new one (new pods, a new
# job, a new job id but in last-state mode), restored from the upgrade savepoint, the latest
# checkpoint or nothing; suspend deletes the cluster and its REST service; a missing image
# fails the deployment and, where enabled, rolls back. The clock is manual: every test moves
# it one action step at a time and records what each step shows, all in one Python process
# (sim_operator_lib.bash: an interpreter start costs more than a hundred requests).
# Run after `make flinktop-sim`: bats tests/integration/sim_lifecycle.bats

load ../bats_speed
load k8s_pyd

# one resident Python interpreter runs every test's lpy (k8s_pyd.bash)
setup_file() {
    pyd_start
}

teardown_file() {
    pyd_stop
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    . tests/integration/sim_operator_lib.bash
    export STEP_MS=150
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
}

teardown() {
    sim_stop
}

@test "savepoint upgrade: UPGRADING, the cluster deleted (no pods, no service, REST down), DEPLOYING, DEPLOYED_NOT_READY, READY, a new job from the savepoint, STABLE" {
    lpy '
d = pick(lambda d: d["spec"]["flinkConfiguration"].get("state.savepoints.dir"))
old_par = d["spec"]["job"]["parallelism"]
new_par = old_par + 1
before = vertex_parallelism(JID)
pods_before = pods_of()
patch_fd({"spec": {"job": {"upgradeMode": "savepoint", "parallelism": new_par}}})
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200", 40)
assert seq_of(0) == "STABLE UPGRADING DEPLOYED STABLE", seq_of(0)
assert seq_of(1) == "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY", seq_of(1)
assert seq_of(6) == "yes no yes", seq_of(6)    # the -rest service went with the cluster
assert seq_of(7) == "200 503 200", seq_of(7)   # the JobManager did not answer meanwhile
assert any(l[0:3] == ["UPGRADING", "MISSING", "UPGRADING"] and l[5:] == ["0", "no", "503"] for l in TRACE)
new_jid = TRACE[-1][3]
assert new_jid != JID
# the new job id comes with the new deployment (Submit), not before
for f in TRACE:
    if f[1] == "MISSING": assert f[3] == JID, f
    if f[1] == "DEPLOYING": assert f[3] == new_jid, f
# the savepoint: recorded as the operator records it, and the new job restored from it
o = fd()
js = o["status"]["jobStatus"]
ls = js["savepointInfo"]["lastSavepoint"]
assert ls["triggerType"] == "UPGRADE" and ls["location"] == js["upgradeSavepointPath"], js
assert restored_path(new_jid) == js["upgradeSavepointPath"]
st = o["status"]; rs = st["reconciliationStatus"]
last = json.loads(rs["lastReconciledSpec"]); stable = json.loads(rs["lastStableSpec"])
assert last["spec"]["job"]["parallelism"] == new_par and stable == last, rs
assert last["resource_metadata"]["metadata"]["generation"] == o["metadata"]["generation"], last
assert st["observedGeneration"] == o["metadata"]["generation"]
c = st["conditions"][0]
assert (c["type"], c["status"], c["reason"]) == ("Running", "True", "JobRunning"), c
assert int(st["clusterInfo"]["total-memory"]) > 0 and "state-size" in st["clusterInfo"], st["clusterInfo"]
# the old job is gone with its cluster; the new one is the only job
assert req("GET", "/clusters/%s/jobs/%s" % (NAME, JID))[0] == 404
assert [j["jid"] for j in ok("/clusters/%s/jobs/overview" % NAME)["jobs"]] == [new_jid]
pods_recreated(pods_before, pods_of())
# job.parallelism: the vertices at the old default take the new one, the others keep theirs
after = vertex_parallelism(new_jid)
assert len(after) == len(before)
for x, y in zip(before, after):
    assert y == (new_par if x == old_par else x), (before, after)
ev = events_of()
want = "SpecChanged|Operator|UPGRADE change(s) detected (Diff: FlinkDeploymentSpec[job.parallelism : %d -> %d]), starting reconciliation." % (old_par, new_par)
assert want in ev, ev
# in this order: the change, the suspend, the job stopped, the new deployment, the job running
in_order(ev, ["SpecChanged|Operator", "Suspended|JobManagerDeployment|Suspending existing deployment.",
              "JobStatusChanged|Job|Job status changed from RUNNING to FINISHED",
              "Submit|JobManagerDeployment|Starting deployment",
              "JobStatusChanged|Job|Job status changed from RECONCILING to RUNNING"])
'
}

@test "a vertex with its own parallelism keeps it when job.parallelism changes" {
    lpy '
import unittest
found = None
for d in ok(FD + "/flinkdeployments")["items"]:
    if not d["spec"].get("job"): continue
    NS, NAME, JID = d["metadata"]["namespace"], d["metadata"]["name"], d["status"]["jobStatus"]["jobId"]
    par = d["spec"]["job"]["parallelism"]
    if any(p != par for p in vertex_parallelism(JID)):
        found = par
        break
if found is None:
    sys.exit(3)   # no job with a vertex of its own parallelism in this fleet
before = vertex_parallelism(JID)
patch_fd({"spec": {"job": {"upgradeMode": "last-state", "parallelism": found + 2}}})
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE" and l[7] == "200", 40)
after = vertex_parallelism(JID)
assert any(x != found for x in before)
for x, y in zip(before, after):
    assert y == (found + 2 if x == found else x), (before, after)
' || { [ $? = 3 ] && skip "no job with a vertex of its own parallelism in this fleet"; false; }
}

@test "last-state upgrade: the cluster redeployed, the SAME job id restored from its latest checkpoint, no savepoint" {
    lpy '
pick(lambda d: True)
pods_before = pods_of()
start_before = ok("/clusters/%s/jobs/%s" % (NAME, JID))["start-time"]
patch_fd({"spec": {"job": {"upgradeMode": "last-state"}, "flinkConfiguration": {"taskmanager.memory.jvm-overhead.fraction": "0.2"}}})
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200", 40)
assert seq_of(0) in ("STABLE UPGRADING DEPLOYED STABLE", "DEPLOYED UPGRADING DEPLOYED STABLE"), seq_of(0)
assert seq_of(1) == "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY", seq_of(1)
assert seq_of(3) == JID, seq_of(3)  # one job id throughout
js = fd()["status"]["jobStatus"]
assert "upgradeSavepointPath" not in js and js["savepointInfo"]["lastSavepoint"] is None, js
assert ("/checkpoints/%s/chk-" % JID) in restored_path(JID)
assert ok("/clusters/%s/jobs/%s" % (NAME, JID))["start-time"] > start_before
pods_recreated(pods_before, pods_of())
assert "Submit|JobManagerDeployment|Starting deployment" in events_of()
'
}

@test "stateless upgrade (restartNonce): the job cancelled, the cluster redeployed, a new job from empty state" {
    lpy '
import re
pick(lambda d: True)
pods_before = pods_of()
patch_fd({"spec": {"restartNonce": 7, "job": {"upgradeMode": "stateless"}}})
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200", 40)
assert seq_of(1) == "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY", seq_of(1)
assert any(l[3] == JID and l[4].startswith("CANCEL") for l in TRACE)  # cancelled before the cluster went
new_jid = TRACE[-1][3]
assert new_jid != JID
assert restored_path(new_jid) == "none"
pods_recreated(pods_before, pods_of())
ev = events_of()
assert any(re.fullmatch(r"SpecChanged\|Operator\|UPGRADE change\(s\) detected \(Diff: FlinkDeploymentSpec\[.*restartNonce : null -> 7.*\]\), starting reconciliation\.", e) for e in ev), ev
# a restartNonce redeploys: the new pods did not restart, they are new
assert all(p["status"]["containerStatuses"][0]["restartCount"] == 0
           for p in ok("/api/v1/namespaces/%s/pods" % NS)["items"] if p["metadata"]["labels"].get("app") == NAME)
'
}

@test "suspend deletes the cluster (pods, -rest service; REST through the proxy 404, direct 503); resume deploys a new job from the savepoint" {
    lpy '
pick(lambda d: d["spec"]["flinkConfiguration"].get("state.savepoints.dir"))
patch_fd({"spec": {"job": {"upgradeMode": "savepoint", "state": "suspended"}}})
run_until(lambda l, seen: l[0] == "SUSPENDED", 20)
assert seq_of(0) == "STABLE UPGRADING SUSPENDED", seq_of(0)
l = TRACE[-1]
assert l[:3] == ["SUSPENDED", "MISSING", "DEPLOYED"] and l[4:] == ["SUSPENDED", "0", "no", "503"], l
assert req("GET", "/api/v1/namespaces/%s/services/%s-rest:rest/proxy/jobs/overview" % (NS, NAME))[0] == 404
assert req("GET", "/api/v1/namespaces/%s/services/%s-rest" % (NS, NAME))[0] in (404, 200)
st = fd()["status"]; js = st["jobStatus"]
assert js["savepointInfo"]["lastSavepoint"]["location"] == js["upgradeSavepointPath"], js
assert st["taskManager"]["replicas"] == 0 and st["conditions"][0]["reason"] == "JobSuspended", st
assert json.loads(st["reconciliationStatus"]["lastReconciledSpec"])["spec"]["job"]["state"] == "suspended"
sp = js["upgradeSavepointPath"]
assert "Suspended|JobManagerDeployment|Suspending existing deployment." in events_of()
# it stays down
advance(3000)
assert observe()[5:] == ["0", "no", "503"], TRACE[-1]

del TRACE[:]
patch_fd({"spec": {"job": {"state": "running"}}})
run_until(lambda l, seen: "DEPLOYED" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200", 40)
assert seq_of(0) == "SUSPENDED DEPLOYED STABLE", seq_of(0)
assert seq_of(1) == "MISSING DEPLOYING DEPLOYED_NOT_READY READY", seq_of(1)
new_jid = TRACE[-1][3]
assert new_jid != JID
assert restored_path(new_jid) == sp
assert req("GET", "/api/v1/namespaces/%s/services/%s-rest:rest/proxy/jobs/overview" % (NS, NAME))[0] == 200
'
}

@test "a missing image: the JobManager pod in ImagePullBackOff, jobManagerDeploymentStatus ERROR; with rollback enabled ROLLING_BACK, then ROLLED_BACK on the last stable spec" {
    lpy '
d = pick(lambda d: True)
image = d["spec"]["image"]
patch_fd({"spec": {"image": "flink:no-such-tag", "job": {"upgradeMode": "last-state"}, "flinkConfiguration": {"kubernetes.operator.deployment.rollback.enabled": "true"}}})
run_until(lambda l, seen: l[1] == "ERROR", 20)
jm = [p for p in ok("/api/v1/namespaces/%s/pods" % NS)["items"] if p["metadata"]["labels"].get("app") == NAME]
assert len(jm) == 1 and jm[0]["metadata"]["labels"]["component"] == "jobmanager", jm
st = jm[0]["status"]; cs = st["containerStatuses"][0]
assert st["phase"] == "Pending" and cs["state"]["waiting"]["reason"] == "ImagePullBackOff", st
assert cs["image"] == "flink:no-such-tag" and not cs["ready"]
st = fd()["status"]; e = json.loads(st["error"])
assert "no-such-tag" in e["message"] and e["type"].endswith("DeploymentFailedException"), e
assert st["lifecycleState"] == "DEPLOYED", st["lifecycleState"]
run_until(lambda l, seen: l[0] == "ROLLED_BACK" and l[4] == "RUNNING" and l[7] == "200", 40)
assert seq_of(0) in ("STABLE UPGRADING DEPLOYED ROLLING_BACK ROLLED_BACK", "DEPLOYED UPGRADING DEPLOYED ROLLING_BACK ROLLED_BACK"), seq_of(0)
rs = fd()["status"]["reconciliationStatus"]
assert rs["state"] == "ROLLED_BACK", rs
assert json.loads(rs["lastStableSpec"])["spec"]["image"] == image, rs
ps = [p for p in ok("/api/v1/namespaces/%s/pods" % NS)["items"] if p["metadata"]["labels"].get("app") == NAME]
assert ps and all(p["spec"]["containers"][0]["image"] == image and p["status"]["phase"] == "Running" for p in ps), ps
ev = events_of()
assert "Rollback|JobManagerDeployment|Rolling back failed deployment." in ev, ev
assert "ImagePullBackOff|JobManagerDeployment|Back-off pulling image \"flink:no-such-tag\"" in ev, ev
# the job came back under its id (a rollback restores last-state)
assert TRACE[-1][3] == JID
'
}

@test "a missing image without rollback: the deployment stays in ERROR and the REST API down" {
    lpy '
pick(lambda d: True)
patch_fd({"spec": {"image": "registry.example.com/pipelines:broken", "job": {"upgradeMode": "stateless"}}})
run_until(lambda l, seen: l[1] == "ERROR", 20)
advance(3000)
l = observe()
assert l[:3] == ["DEPLOYED", "ERROR", "DEPLOYED"] and l[4:] == ["RECONCILING", "1", "yes", "503"], l
'
}
