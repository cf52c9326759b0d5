#!/usr/bin/env bats
# The console against the simulator posing as a Kubernetes API server (TLS, bearer
# token): FlinkDeployments on the clusters screen, the job screen's Kubernetes tab.

load lib

TOKEN=secret-token-123

setup() {
    e2e_setup
    local d=$BATS_TEST_TMPDIR
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -days 1 \
        -keyout "$d/K" -out "$d/C" >/dev/null 2>&1 || return 1
    sim_start --token "$TOKEN" --tls-cert "$d/C" --tls-key "$d/K" --kubeconfig-out "$d/KC" ||
        return 1
}

teardown() {
    e2e_teardown
}

@test "FlinkDeployments show on the clusters screen and in the job's Kubernetes tab" {
    console 160 50 --kubeconfig "$BATS_TEST_TMPDIR/KC"
    wait_for "production" 15
    wait_for "staging"
    wait_for "development"
    wait_for "flink-prod"
    wait_for "STABLE"
    wait_for "NAMESPACE"
    wait_for "LIFECYCLE"
    # production's first job
    # the clusters come in the simulator's order: production is the first row
    keys Home
    screen | grep -A1 " NAME " | grep -q "production"
    keys Enter
    wait_for "Jobs: production"
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Pods ("
    wait_for "taskmanager"
    wait_for "Events ("
    wait_for "SavepointError"
    run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -E 'Normal|Warning'"
    [ "$status" -eq 0 ]
    # the bearer token never reaches the screen (nor stderr)
    run bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -cF '$TOKEN'"
    [ "$output" = "0" ]
    ! grep -qF "$TOKEN" "$BATS_TEST_TMPDIR/stderr" 2>/dev/null || false
}

@test ":ns flink-prod narrows the fleet, :ns all brings it back, :ctx of an unknown name says so" {
    console 160 40 --kubeconfig "$BATS_TEST_TMPDIR/KC"
    wait_for "development" 15
    wait_for "staging"
    wait_for "ns all"
    keys : ns Space flink-prod Enter
    wait_gone "staging"
    wait_gone "development"
    wait_for "ns flink-prod"
    screen | grep -q "production"
    # the narrowed fleet is live: production still answers
    wait_for "STABLE"
    keys : ns Space all Enter
    wait_for "staging"
    wait_for "development"
    wait_for "ns all"
    keys : ctx Space nope Enter
    wait_for 'no context "nope" in the kubeconfig'
    screen | grep -q "staging"
}
