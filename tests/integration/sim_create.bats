#!/usr/bin/env bats
# A FlinkDeployment a client creates: the simulated operator deploys it as the real one
# does (JobManager Deployment NAME, its pod, task manager pods NAME-taskmanager-1-N, the
# NAME-rest service, DEPLOYING -> DEPLOYED_NOT_READY -> READY, the job submitted, CREATED ->
# DEPLOYED -> STABLE), its Flink REST API answers through the service proxy, and deleting
# it takes the cluster away. Manual clock, one Python process a test (sim_operator_lib.bash).
# Run after `make flinktop-sim`: bats tests/integration/sim_create.bats

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

@test "a created application FlinkDeployment is deployed: JobManager DEPLOYING, DEPLOYED_NOT_READY, READY; its job RUNNING through the proxy at spec.flinkVersion and parallelism; STABLE; delete takes the cluster; created again it runs a new job" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
NS, NAME = "flink-dev", "basic-example"
spec = {"image": "flink:1.18", "flinkVersion": "v1_18", "serviceAccount": "flink",
        "flinkConfiguration": {"taskmanager.numberOfTaskSlots": "2"},
        "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
        "taskManager": {"resource": {"memory": "2048m", "cpu": 1}},
        "job": {"jarURI": "local:///opt/flink/examples/streaming/StateMachineExample.jar",
                "parallelism": 3, "upgradeMode": "stateless"}}
body = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": NAME, "namespace": NS}, "spec": spec}
s, b = req("POST", FD + "/namespaces/%s/flinkdeployments" % NS, body, "application/json")
assert s == 201 and b["status"]["lifecycleState"] == "CREATED", (s, b)
jm_dep = []  # (jobManagerDeploymentStatus, the JobManager Deployment readyReplicas) a step
def stable(l, seen):
    deps = [d for d in ok("/apis/apps/v1/namespaces/%s/deployments" % NS)["items"]
            if d["metadata"]["name"] == NAME]
    jm_dep.append((l[1], deps[0]["status"].get("readyReplicas") if deps else None))
    return l[0] == "STABLE"
l = run_until(stable, 20)
assert ("MISSING", None) in jm_dep and ("DEPLOYING", 0) in jm_dep, jm_dep
assert ("DEPLOYED_NOT_READY", 0) in jm_dep and ("READY", 1) in jm_dep, jm_dep
# lifecycle, JobManager, job state, pods, service and REST code over the steps
assert seq_of(0) == "CREATED DEPLOYED STABLE", show_trace()
assert seq_of(1) == "MISSING DEPLOYING DEPLOYED_NOT_READY READY", show_trace()
assert seq_of(4) == "- RECONCILING RUNNING", show_trace()
assert seq_of(6) == "no yes", show_trace()
assert seq_of(7) == "503 200", show_trace()
jid = l[3]
assert len(jid) == 32, l
assert {x[3] for x in TRACE if x[3] != "-"} == {jid}, show_trace()
st = fd()["status"]
js = st["jobStatus"]
assert js["jobName"] == "StateMachineExample" and js["state"] == "RUNNING" and int(js["startTime"]) > 0, js
assert st["clusterInfo"]["flink-version"].startswith("1.18."), st["clusterInfo"]
assert st["reconciliationStatus"]["lastStableSpec"], st
rec = json.loads(st["reconciliationStatus"]["lastReconciledSpec"])
assert rec["spec"] == spec and rec["resource_metadata"]["firstDeployment"] is True, rec
in_order(events_of(), ["Submit|JobManagerDeployment|Starting deployment",
                       "JobStatusChanged|Job|Job status changed from RECONCILING to RUNNING"])
# native mode: the JobManager Deployment NAME owned by the FlinkDeployment, task manager pods
deps = [d for d in ok("/apis/apps/v1/namespaces/%s/deployments" % NS)["items"]
        if d["metadata"]["name"] == NAME]
assert len(deps) == 1 and deps[0]["metadata"]["ownerReferences"][0]["kind"] == "FlinkDeployment", deps
pods = pods_of()
tms = sorted(n for n, v in pods.items() if v[2] == "taskmanager")
assert tms == ["%s-taskmanager-1-%d" % (NAME, i) for i in range(1, len(tms) + 1)] and len(tms) >= 2, pods
assert len([n for n, v in pods.items() if v[2] == "jobmanager"]) == 1, pods
# its Flink REST API through the API server service proxy, like any other cluster
P = "/api/v1/namespaces/%s/services/%s-rest:8081/proxy" % (NS, NAME)
ov = ok(P + "/overview")
assert ov["flink-version"].startswith("1.18.") and ov["jobs-running"] == 1 and ov["taskmanagers"] == len(tms), ov
jobs = ok(P + "/jobs/overview")["jobs"]
assert [(j["jid"], j["name"], j["state"]) for j in jobs] == [(jid, "StateMachineExample", "RUNNING")], jobs
detail = ok(P + "/jobs/" + jid)
assert detail["vertices"] and all(v["parallelism"] == 3 for v in detail["vertices"]), detail["vertices"]
assert all(v["status"] == "RUNNING" for v in detail["vertices"]), detail["vertices"]
ok(P + "/jobs/%s/checkpoints" % jid)
ok(P + "/jobs/%s/metrics" % jid)
# delete: pods, service, JobManager Deployment and the REST API go with it
s, b = req("DELETE", fd_path())
assert s == 200, (s, b)
assert req("GET", fd_path())[0] == 404
assert pods_of() == {}, pods_of()
assert not [x for x in ok("/api/v1/namespaces/%s/services" % NS)["items"] if x["metadata"]["name"] == NAME + "-rest"]
assert not [d for d in ok("/apis/apps/v1/namespaces/%s/deployments" % NS)["items"] if d["metadata"]["name"] == NAME]
assert req("GET", P + "/overview")[0] == 404
assert req("GET", "/clusters/%s/overview" % NAME)[0] == 404
# created again under the same name: a new cluster, a new job
s, b = req("POST", FD + "/namespaces/%s/flinkdeployments" % NS, body, "application/json")
assert s == 201, (s, b)
TRACE.clear()
l = run_until(lambda l, seen: l[0] == "STABLE", 20)
assert len(l[3]) == 32 and l[3] != jid and l[4] == "RUNNING", show_trace()
assert [j["jid"] for j in ok(P + "/jobs/overview")["jobs"]] == [l[3]]
'
}

@test "a created session FlinkDeployment comes up READY with no jobs (its name another namespace's too); a FlinkSessionJob on it runs there" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
# "staging" is flink-staging's FlinkDeployment too: each one's proxy reaches its own cluster
NS, NAME = "flink-dev", "staging"
other = ok("/api/v1/namespaces/flink-staging/services/staging-rest:rest/proxy/jobs/overview")["jobs"]
assert len(other) == 1, other
body = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": NAME, "namespace": NS},
        "spec": {"image": "flink:2.1", "flinkVersion": "v2_1", "serviceAccount": "flink",
                 "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
                 "taskManager": {"resource": {"memory": "2048m", "cpu": 1}}}}
s, b = req("POST", FD + "/namespaces/%s/flinkdeployments" % NS, body, "application/json")
assert s == 201, (s, b)
l = run_until(lambda l, seen: l[0] == "STABLE", 20)
assert seq_of(1) == "MISSING DEPLOYING DEPLOYED_NOT_READY READY", show_trace()
P = "/api/v1/namespaces/%s/services/%s-rest:rest/proxy" % (NS, NAME)
ov = ok(P + "/overview")
assert ov["flink-version"].startswith("2.1.") and ov["jobs-running"] == 0, ov
assert ok(P + "/jobs/overview")["jobs"] == []
sj = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
      "metadata": {"name": "top-products", "namespace": NS},
      "spec": {"deploymentName": NAME,
               "job": {"jarURI": "https://artifacts.example.com/flink/top-products.jar",
                       "parallelism": 2, "upgradeMode": "stateless"}}}
s, b = req("POST", FD + "/namespaces/%s/flinksessionjobs" % NS, sj, "application/json")
assert s == 201, (s, b)
advance(10 * STEP_MS)
jid = ok(FD + "/namespaces/%s/flinksessionjobs/top-products" % NS)["status"]["jobStatus"]["jobId"]
j = ok(P + "/jobs/" + jid)
assert j["name"] == "top-products" and j["state"] == "RUNNING", j
assert ok(P + "/overview")["taskmanagers"] >= 1
assert ok("/api/v1/namespaces/flink-staging/services/staging-rest:rest/proxy/jobs/overview")["jobs"] == other
'
}

@test "a FlinkDeployment created suspended deploys nothing until job.state running; one in a namespace that does not exist is 404" {
    sim_start --frozen --clock manual --action-steps-ms "$STEP_MS" --clusters 3 --jobs 1
    lpy '
NS, NAME = "flink-dev", "later"
body = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
        "metadata": {"name": NAME},
        "spec": {"image": "flink:1.20", "flinkVersion": "v1_20",
                 "job": {"jarURI": "local:///opt/flink/usrlib/later.jar", "parallelism": 2,
                         "upgradeMode": "savepoint", "state": "suspended"}}}
s, b = req("POST", FD + "/namespaces/no-such-ns/flinkdeployments", body, "application/json")
assert s == 404 and b["reason"] == "NotFound" and "no-such-ns" in b["message"], (s, b)
s, b = req("POST", FD + "/namespaces/%s/flinkdeployments" % NS, body, "application/json")
assert s == 201, (s, b)
for _ in range(6):
    observe()
    advance(STEP_MS)
assert seq_of(0) == "SUSPENDED" and seq_of(1) == "MISSING", show_trace()
assert seq_of(5) == "0" and seq_of(6) == "no" and seq_of(7) == "503", show_trace()
patch_fd({"spec": {"job": {"state": "running"}}})
TRACE.clear()
l = run_until(lambda l, seen: l[0] == "STABLE", 20)
assert seq_of(1) == "MISSING DEPLOYING DEPLOYED_NOT_READY READY", show_trace()
assert l[4] == "RUNNING" and l[7] == "200", show_trace()
in_order(events_of(), ["SpecChanged|Operator|UPGRADE change(s) detected",
                       "Submit|JobManagerDeployment|Starting deployment"])
'
}
