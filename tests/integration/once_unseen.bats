#!/usr/bin/env bats
# What `flinktop --once` says about what it could not see: its first line (what an SRE
# reads first) never calls a fleet healthy when part of it did not answer, and a job it
# could not ask about says why.

load ../bats_speed

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
}

teardown() {
    sim_stop
}

@test "a context that does not answer: the headline says nothing is known, not all healthy" {
    kc="$BATS_TEST_TMPDIR/kc"
    cat >"$kc" <<'KC'
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: prod
  context:
    cluster: c
    user: u
current-context: prod
users:
- name: u
  user:
    token: not-shown
KC
    chmod 600 "$kc"
    run "$FLINKTOP" --once --kubeconfig "$kc"
    [ "$status" -ne 0 ]
    [[ "${lines[0]}" == *"context prod, all namespaces, 0 clusters: nothing known, 1 source failed (below)" ]]
    [[ "$output" != *"healthy"*"healthy"* ]] # only the closing count, no "all 0 jobs healthy"
    [[ "$output" == *"context prod: https://127.0.0.1:1: connection refused"* ]]
    [[ "$output" != *not-shown* ]]
}

@test "one cluster down beside healthy ones: the headline counts what was seen and says a source failed" {
    sim_start --clusters 1 --jobs 1 --frozen # its one job is healthy
    run "$FLINKTOP" --once --flink "prod=$SIM_URL/clusters/production" --flink "gone=http://127.0.0.1:1"
    [[ "${lines[0]}" == *"2 clusters: no job of the 1 seen needs a look, but 1 source failed (below)" ]]
    [[ "$output" == *"cluster gone: connection refused"* ]]
    # and with nothing down, the usual line
    run "$FLINKTOP" --once --flink "prod=$SIM_URL/clusters/production"
    [[ "${lines[0]}" == *"1 cluster: all 1 job healthy" ]]
}

@test "a job whose id the server mangled: once json says why it has no details" {
    sim_start --clusters 1 --jobs 2 --frozen
    curl -sf -X POST "$SIM_URL/_sim/faults" \
        -d '{"pattern":"/clusters/production/jobs/overview","mode":"types"}' >/dev/null
    run "$FLINKTOP" --once --output json --flink "p=$SIM_URL/clusters/production"
    # (jq: python3 is a pyenv shim here, half a second of CPU a start)
    printf '%s' "$output" | jq -e '.clusters[0].jobs | length == 2 and all(.[];
        .id == null and .errors == [{"endpoint": "job", "stale": false,
            "error": "no valid job id from the server (32 hex digits): details not asked"}])' >/dev/null ||
        { echo "$output" >&2; false; }
}
