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
