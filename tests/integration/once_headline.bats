#!/usr/bin/env bats
# The first line of `flinktop --once` is what an SRE reads first: it must never call a
# fleet healthy when part of it did not answer.

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
