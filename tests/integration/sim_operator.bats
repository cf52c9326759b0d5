#!/usr/bin/env bats
# The simulated operator and API server beyond the upgrade lifecycle (sim_lifecycle.bats):
# optimistic concurrency as a kube-apiserver does it, a failed upgrade savepoint, savepoint
# trigger nonces, FlinkStateSnapshots, created FlinkDeployments and session jobs across a
# redeploy. Manual clock, one Python process a test (sim_operator_lib.bash).
# Run after `make flinktop-sim`: bats tests/integration/sim_operator.bats

setup_file() {
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    . tests/integration/sim_operator_lib.bash
    export STEP_MS=150
}

teardown() {
    sim_stop
}

@test "PUT replaces a FlinkDeployment only at its current resourceVersion (status writes move it); a merge patch without one is not refused" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
def conflict(s, b):
    assert s == 409, (s, b)
    assert (b["kind"], b["apiVersion"], b["status"], b["reason"], b["code"]) == ("Status", "v1", "Failure", "Conflict", 409), b
    assert b["details"] == {"name": NAME, "group": "flink.apache.org", "kind": "flinkdeployments"}, b
    assert b["message"] == ("Operation cannot be fulfilled on flinkdeployments.flink.apache.org \"%s\": "
                            "the object has been modified; please apply your changes to the latest version and try again" % NAME), b
pick(lambda d: True)
o = fd()
rv, gen = o["metadata"]["resourceVersion"], o["metadata"]["generation"]
o["spec"]["restartNonce"] = 41
o["spec"]["job"]["upgradeMode"] = "stateless"
s, b = req("PUT", fd_path(), o, "application/json")
assert s == 200, (s, b)
assert b["spec"]["restartNonce"] == 41 and b["metadata"]["generation"] == gen + 1, b
rv2 = b["metadata"]["resourceVersion"]
assert rv2 != rv
# the same body again: its resourceVersion is stale now
conflict(*req("PUT", fd_path(), o, "application/json"))
# the operator picks the change up: status changes, and so does the resourceVersion
advance(STEP_MS)
now = fd()
assert now["status"]["lifecycleState"] == "UPGRADING", now["status"]
assert now["metadata"]["resourceVersion"] != rv2
o = dict(now); o["metadata"] = dict(now["metadata"], resourceVersion=rv2)
conflict(*req("PUT", fd_path(), o, "application/json"))
conflict(*req("PATCH", fd_path(), {"metadata": {"resourceVersion": rv2}, "spec": {"restartNonce": 42}}, "application/merge-patch+json"))
# a resourceVersion from the future is not current either
conflict(*req("PATCH", fd_path(), {"metadata": {"resourceVersion": "99999999"}, "spec": {"restartNonce": 42}}, "application/merge-patch+json"))
# a custom resource takes no unconditional update
del o["metadata"]["resourceVersion"]
s, b = req("PUT", fd_path(), o, "application/json")
assert s == 422 and b["reason"] == "Invalid" and "metadata.resourceVersion" in b["message"], (s, b)
# the current one goes through, and a merge patch without one always does
o["metadata"]["resourceVersion"] = fd()["metadata"]["resourceVersion"]
o["metadata"].setdefault("labels", {})["team"] = "payments"
s, b = req("PUT", fd_path(), o, "application/json")
assert s == 200 and b["metadata"]["labels"]["team"] == "payments", (s, b)
advance(STEP_MS)
s, b = req("PATCH", fd_path(), {"metadata": {"annotations": {"note": "x"}}}, "application/merge-patch+json")
assert s == 200 and b["metadata"]["annotations"]["note"] == "x", (s, b)
# nor is a PUT of another name or of no object
o["metadata"]["resourceVersion"] = fd()["metadata"]["resourceVersion"]
s, b = req("PUT", fd_path(), dict(o, metadata=dict(o["metadata"], name="other")), "application/json")
assert s == 400, (s, b)
assert req("PUT", fd_path(name="no-such"), dict(o, metadata=dict(o["metadata"], name="no-such")), "application/json")[0] == 404
'
}

@test "a failed upgrade savepoint stalls the upgrade: the job runs on the old spec, status.error and a ClusterDeploymentException event; the operator retries and the upgrade goes on" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
d = pick(lambda d: d["spec"]["flinkConfiguration"].get("state.savepoints.dir"))
gen, par = d["metadata"]["generation"], d["spec"]["job"]["parallelism"]
pods_before = pods_of()
s, b = req("POST", "/_sim/savepoints/fail", {"count": 1})
assert s == 200, (s, b)
patch_fd({"spec": {"job": {"upgradeMode": "savepoint", "parallelism": par + 1}}})
def failed():
    observe()
    return "error" in fd()["status"]
for _ in range(20):
    if failed(): break
    advance(STEP_MS)
st = fd()["status"]
e = json.loads(st["error"])
assert e["type"] == "org.apache.flink.kubernetes.operator.exception.ReconciliationException", e
assert "CheckpointException" in e["message"] and e["throwableList"], e
# nothing was deleted: the job runs on, on the old spec, under its id
l = TRACE[-1]
assert l[:2] == ["STABLE", "READY"] and l[3:] == [JID, "RUNNING", str(len(pods_before)), "yes", "200"], show_trace()
assert set(seq_of(0).split()) == {"STABLE"} and set(seq_of(1).split()) == {"READY"}, show_trace()
assert pods_of() == pods_before
assert ok("/clusters/%s/jobs/%s" % (NAME, JID))["state"] == "RUNNING"
assert st["observedGeneration"] == gen and st["reconciliationStatus"]["state"] == "DEPLOYED", st
assert json.loads(st["reconciliationStatus"]["lastReconciledSpec"])["spec"]["job"]["parallelism"] == par
assert "upgradeSavepointPath" not in st["jobStatus"], st["jobStatus"]
ev = [x for x in ok("/api/v1/namespaces/%s/events" % NS)["items"]
      if x["involvedObject"]["name"] == NAME and x["reason"] == "ClusterDeploymentException"]
assert len(ev) == 1 and ev[0]["type"] == "Warning" and ev[0]["source"]["component"] == "JobManagerDeployment", ev
assert ev[0]["message"] == e["message"], (ev, e)
# the retry, 5 s later, takes its savepoint: the upgrade goes on, the error goes
del TRACE[:]
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE" and l[4] == "RUNNING" and l[7] == "200", 80)
assert seq_of(1) == "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY", seq_of(1)
o = fd(); st = o["status"]
assert "error" not in st, st["error"]
assert st["observedGeneration"] == o["metadata"]["generation"] == gen + 1, st
new_jid = TRACE[-1][3]
assert new_jid != JID and restored_path(new_jid) == st["jobStatus"]["upgradeSavepointPath"], st["jobStatus"]
'
}

@test "an upgrade savepoint that keeps failing: the operator retries with a growing delay, the job keeps running, one event counted up" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
d = pick(lambda d: d["spec"]["flinkConfiguration"].get("state.savepoints.dir"))
s, b = req("POST", "/_sim/savepoints/fail", {"count": 100})
assert s == 200, (s, b)
patch_fd({"spec": {"job": {"upgradeMode": "savepoint"}, "flinkConfiguration": {"pipeline.max-parallelism": "256"}}})
def count():
    ev = [x for x in ok("/api/v1/namespaces/%s/events" % NS)["items"]
          if x["involvedObject"]["name"] == NAME and x["reason"] == "ClusterDeploymentException"]
    assert len(ev) <= 1, ev
    return ev[0]["count"] if ev else 0
seen = []
for _ in range(12):
    advance(5000)
    seen.append(count())
    l = observe()
    assert l[:2] == ["STABLE", "READY"] and l[3:5] == [JID, "RUNNING"] and l[7] == "200", show_trace()
    assert "error" in fd()["status"]
# 5 s, 10 s, 20 s between attempts: the count grows, ever more slowly
assert seen[0] == 1 and seen[-1] >= 3 and seen == sorted(seen), seen
assert seen[-1] < 12, seen
'
}
