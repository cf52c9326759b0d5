#!/usr/bin/env bats
# The simulated operator and API server beyond the upgrade lifecycle (sim_lifecycle.bats):
# optimistic concurrency as a kube-apiserver does it, a failed upgrade savepoint, savepoint
# trigger nonces, FlinkStateSnapshots, created FlinkDeployments and session jobs across a
# redeploy. Manual clock, one Python process a test (sim_operator_lib.bash).
# Run after `make flinktop-sim`: bats tests/integration/sim_operator.bats

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

@test "PUT of a FlinkSessionJob: a stale resourceVersion is 409, the current one replaces its spec (the operator redeploys the job)" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 2 --jobs 2
    lpy '
sj = ok(FD + "/flinksessionjobs")["items"][0]
path = "%s/namespaces/%s/flinksessionjobs/%s" % (FD, sj["metadata"]["namespace"], sj["metadata"]["name"])
jid, par = sj["status"]["jobStatus"]["jobId"], sj["spec"]["job"]["parallelism"]
s, b = req("PATCH", path, {"metadata": {"labels": {"x": "y"}}}, "application/merge-patch+json")
assert s == 200, (s, b)
s, b = req("PUT", path, dict(sj, spec=dict(sj["spec"], job=dict(sj["spec"]["job"], parallelism=par + 1))), "application/json")
assert s == 409 and b["reason"] == "Conflict" and b["details"]["kind"] == "flinksessionjobs", (s, b)
cur = ok(path)
assert cur["spec"]["job"]["parallelism"] == par
cur["spec"]["job"]["parallelism"] = par + 1
del cur["metadata"]["labels"]["x"]
s, b = req("PUT", path, cur, "application/json")
assert s == 200 and b["spec"]["job"]["parallelism"] == par + 1 and "x" not in b["metadata"].get("labels", {}), (s, b)
assert b["metadata"]["generation"] == cur["metadata"]["generation"] + 1, b["metadata"]
assert b["status"]["jobStatus"]["jobId"] != jid, b["status"]
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
# nothing was deleted: the job runs on, on the old spec, under its id; the deployment
# stays UPGRADING
l = TRACE[-1]
assert l == ["UPGRADING", "READY", "UPGRADING", JID, "RUNNING", str(len(pods_before)), "yes", "200"], show_trace()
assert seq_of(0) == "STABLE UPGRADING" and set(seq_of(1).split()) == {"READY"}, show_trace()
assert pods_of() == pods_before
j = ok("/clusters/%s/jobs/%s" % (NAME, JID))
assert j["state"] == "RUNNING" and par in [v["parallelism"] for v in j["vertices"]], j
assert par + 1 not in [v["parallelism"] for v in j["vertices"]], j
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
    assert l[:2] == ["UPGRADING", "READY"] and l[3:5] == [JID, "RUNNING"] and l[7] == "200", show_trace()
    assert "error" in fd()["status"]
# 5 s, 10 s, 20 s between attempts: the count grows, ever more slowly
assert seen[0] == 1 and seen[-1] >= 3 and seen == sorted(seen), seen
assert seen[-1] < 12, seen
'
}

@test "savepointTriggerNonce on a FlinkSessionJob: the operator takes the job's savepoint as a FlinkStateSnapshot (MANUAL), TRIGGER_PENDING, IN_PROGRESS, COMPLETED, in the job's checkpoint history" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 2 --jobs 2
    lpy '
sj = ok(FD + "/flinksessionjobs")["items"][0]
NS, name = sj["metadata"]["namespace"], sj["metadata"]["name"]
cluster, jid = sj["spec"]["deploymentName"], sj["status"]["jobStatus"]["jobId"]
path = "%s/namespaces/%s/flinksessionjobs/%s" % (FD, NS, name)
def snaps():
    return [x for x in ok(FD + "/namespaces/%s/flinkstatesnapshots" % NS)["items"]
            if x["spec"]["jobReference"] == {"kind": "FlinkSessionJob", "name": name}]
assert snaps() == []
# a change elsewhere in the spec takes none
s, b = req("PATCH", path, {"metadata": {"annotations": {"a": "b"}}}, "application/merge-patch+json")
assert s == 200 and snaps() == [], (s, b)
s, b = req("PATCH", path, {"spec": {"job": {"savepointTriggerNonce": 5}}}, "application/merge-patch+json")
assert s == 200, (s, b)
states = []
for _ in range(12):
    got = snaps()
    assert len(got) == 1, got
    x = got[0]
    if not states or states[-1] != x["status"]["state"]:
        states.append(x["status"]["state"])
    if x["status"]["state"] == "COMPLETED":
        break
    advance(STEP_MS)
assert states == ["TRIGGER_PENDING", "IN_PROGRESS", "COMPLETED"], states
assert x["metadata"]["name"].startswith(name + "-savepoint-manual-"), x["metadata"]
l = x["metadata"]["labels"]
assert (l["snapshot.trigger-type"], l["snapshot.type"], l["snapshot.state"], l["job-reference.kind"], l["job-reference.name"]) == ("MANUAL", "SAVEPOINT", "COMPLETED", "FlinkSessionJob", name), l
assert x["spec"]["savepoint"]["alreadyExists"] is False
# the savepoint is the session job'"'"'s job'"'"'s, on its session cluster; the job runs on
cp = ok("/clusters/%s/jobs/%s/checkpoints" % (cluster, jid))
assert any(h.get("is_savepoint") and h["status"] == "COMPLETED" and h["external_path"] == x["status"]["path"] for h in cp["history"]), cp["history"]
assert ok("/clusters/%s/jobs/%s" % (cluster, jid))["state"] == "RUNNING"
# the same nonce again takes no other; a new one does
req("PATCH", path, {"spec": {"job": {"savepointTriggerNonce": 5}}}, "application/merge-patch+json")
assert len(snaps()) == 1
req("PATCH", path, {"spec": {"job": {"savepointTriggerNonce": 6}}}, "application/merge-patch+json")
advance(STEP_MS)
assert len(snaps()) == 2
'
}

@test "an upgrade savepoint appears as a FlinkStateSnapshot (UPGRADE, alreadyExists, COMPLETED at its path), watchable, besides savepointInfo and upgradeSavepointPath" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
d = pick(lambda d: d["spec"]["flinkConfiguration"].get("state.savepoints.dir"))
snaps = lambda: ok(FD + "/namespaces/%s/flinkstatesnapshots" % NS)
rv = snaps()["metadata"]["resourceVersion"]
assert [x for x in snaps()["items"] if x["spec"]["jobReference"]["name"] == NAME] == []
patch_fd({"spec": {"job": {"upgradeMode": "savepoint", "parallelism": d["spec"]["job"]["parallelism"] + 1}}})
run_until(lambda l, seen: "UPGRADING" in seen and l[0] == "STABLE", 40)
js = fd()["status"]["jobStatus"]
mine = [x for x in snaps()["items"] if x["spec"]["jobReference"] == {"kind": "FlinkDeployment", "name": NAME}]
assert len(mine) == 1, mine
x = mine[0]
assert x["metadata"]["name"].startswith(NAME + "-savepoint-upgrade-"), x["metadata"]
assert x["metadata"]["labels"]["snapshot.trigger-type"] == "UPGRADE" and x["metadata"]["labels"]["snapshot.state"] == "COMPLETED", x["metadata"]
assert x["spec"]["savepoint"]["alreadyExists"] is True and x["spec"]["savepoint"]["path"] == js["upgradeSavepointPath"], x["spec"]
assert x["status"]["state"] == "COMPLETED" and x["status"]["path"] == js["upgradeSavepointPath"], x["status"]
assert js["savepointInfo"]["lastSavepoint"]["location"] == js["upgradeSavepointPath"]
# a watch from before the upgrade sees it ADDED (the changes since come at once; the
# stream is left when it has come, its timeoutSeconds runs on the manual clock)
got = []
with urllib.request.urlopen(U + FD + "/namespaces/%s/flinkstatesnapshots?watch=1&resourceVersion=%s&timeoutSeconds=60" % (NS, rv), timeout=20) as r:
    for line in r:
        got.append(json.loads(line))
        if got[-1]["type"] == "ADDED" and got[-1]["object"]["metadata"]["name"] == x["metadata"]["name"]:
            break
assert got and got[-1]["type"] == "ADDED" and got[-1]["object"]["metadata"]["name"] == x["metadata"]["name"], got
'
}

@test "a session FlinkDeployment redeployed: its FlinkSessionJobs' jobs go with the cluster and are submitted again on the new one (new job ids, restored per upgradeMode)" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 2 --jobs 2
    lpy '
d = next(d for d in ok(FD + "/flinkdeployments")["items"] if "job" not in d["spec"])
NS, NAME = d["metadata"]["namespace"], d["metadata"]["name"]
sj_path = FD + "/namespaces/%s/flinksessionjobs" % NS
def sjobs():
    return {x["metadata"]["name"]: (x["status"]["jobStatus"]["jobId"], x["status"]["jobStatus"]["state"], x["status"]["lifecycleState"])
            for x in ok(sj_path)["items"] if x["spec"]["deploymentName"] == NAME}
before = sjobs()
assert len(before) == 2 and all(v[1] == "RUNNING" for v in before.values()), before
# one of them stateless: it comes back from empty state
stateless = sorted(before)[0]
s, b = req("PATCH", sj_path + "/" + stateless, {"spec": {"job": {"upgradeMode": "stateless"}}}, "application/merge-patch+json")
assert s == 200, (s, b)
patch_fd({"spec": {"restartNonce": 3}})
views = []
for _ in range(30):
    l = observe()
    views.append(sjobs())
    if l[0] == "STABLE" and "UPGRADING" in {x[0] for x in TRACE} and all(v[1:] == ("RUNNING", "STABLE") for v in views[-1].values()):
        break
    advance(STEP_MS)
assert seq_of(1) == "READY MISSING DEPLOYING DEPLOYED_NOT_READY READY", show_trace()
# while the cluster was gone the operator could not see the jobs
assert any(all(v[1] == "RECONCILING" for v in w.values()) for w in views), views
after = views[-1]
assert set(after) == set(before)
for name in before:
    old, new = before[name][0], after[name][0]
    assert new != old and after[name][1:] == ("RUNNING", "STABLE"), (name, before, after)
    assert req("GET", "/clusters/%s/jobs/%s" % (NAME, old))[0] == 404
    j = ok("/clusters/%s/jobs/%s" % (NAME, new))
    assert j["state"] == "RUNNING" and j["name"] == name, j
    r = ok("/clusters/%s/jobs/%s/checkpoints" % (NAME, new))["latest"]["restored"]
    if name == stateless:
        assert r is None, r
    else:
        assert r and ("/checkpoints/%s/chk-" % old) in r["external_path"], r
assert sorted(j["jid"] for j in ok("/clusters/%s/jobs/overview" % NAME)["jobs"]) == sorted(v[0] for v in after.values())
'
}
