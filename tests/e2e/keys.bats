#!/usr/bin/env bats
# Keys and the `:` command line in a real terminal against the simulator: commands with
# Tab completion, what an unknown command says, `/` inside a job, keys from the config.

load ../bats_speed
load lib

# One simulator for the file (its clock standing still); the Kubernetes test starts its own.
setup_file() {
    e2e_setup_file --jobs 3 --clock manual
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

start() {
    console 120 40 --refresh 1 "$@" $(sim_flink_args)
    wait_for "1.18.1"
}

@test "Tab completes :clu to :cluster, and :cluster staging opens staging's jobs" {
    start
    type_text ":clu"
    keys Tab
    wait_for ":cluster "
    type_text "stag"
    keys Tab
    wait_for ":cluster staging"
    keys Enter
    poll 10 shows "Jobs: staging" "payments-ledger"
    # q goes back to the clusters screen
    keys q
    wait_for "Clusters (3)"
}

@test ":job NAME opens that job's screen, CJK names too; a name on two clusters is ambiguous" {
    start
    wait_for "3 clusters"
    # wait until the jobs lists have answered: the command searches what is known
    type_text ":job 日本語の集計ジョブ"
    keys Enter
    poll 10 shows "1 Overview" "development" "日本語の集計ジョブ" "VERTEX"
    type_text ":job fraud-detection"
    keys Enter
    poll 10 shows "ambiguous: 2 jobs are named fraud-detection" ":job ID"
    # the job on screen stays
    grab
    [[ $SCREEN == *"1 Overview"* ]]
}

@test ":nosuch shows the unknown-command line; :q quits" {
    start
    type_text ":nosuch"
    keys Enter
    wait_for "unknown command: nosuch (try :ctx :ns :cluster :job :theme :alerts :q)"
    # the next key takes the message away
    keys j
    wait_gone "unknown command"
    type_text ":q"
    keys Enter
    run wait_exit 5
    [ "$status" -eq 0 ]
    [[ "$output" == "exited 0" ]]
}

@test "/ on the task managers tab filters them" {
    start
    type_text ":job orders-enrichment"
    keys Enter
    wait_for "1 Overview"
    keys 4
    poll 10 shows "production-taskmanager-1-1" "production-taskmanager-1-3"
    keys /
    type_text "1-3"
    wait_for "/1-3"
    wait_gone "production-taskmanager-1-1"
    screen | grep -q "production-taskmanager-1-3"
    keys Enter
    wait_for "1 of 4, filter: 1-3"
    # Esc clears it and everything is back
    keys Escape
    poll 10 shows "production-taskmanager-1-1" "production-taskmanager-1-4"
}

@test "a config with keys: {help: f2} makes F2 open help and ? not" {
    grep -q keymap_apply "$E2E_ROOT/src/main.c" ||
        skip "main.c does not apply the config's keys: yet (keymap_apply)"
    printf 'keys:\n  help: f2\n' >"$BATS_TEST_TMPDIR/config.yaml"
    start -c "$BATS_TEST_TMPDIR/config.yaml"
    # ? first: if it still opened help, F2 would close it again
    keys '?'
    keys F2
    wait_for "Help: Clusters"
    wait_for "F2"
    screen | grep "show or close this help" | grep -vq '?'
    keys F2
    wait_for "Clusters (3)"
}

@test "the header shows the Kubernetes scope, :ns changes it, --readonly shows READ-ONLY" {
    sim_start --jobs 2 --clock manual --kubeconfig-out "$BATS_TEST_TMPDIR/KC" || return 1
    console 160 40 --readonly --kubeconfig "$BATS_TEST_TMPDIR/KC"
    poll 15 shows "production" "ctx flinktop-sim ns all" "READ-ONLY"
    type_text ":ns flink-prod"
    keys Enter
    wait_for "ctx flinktop-sim ns flink-prod"
    type_text ":ns all"
    keys Enter
    wait_for "ctx flinktop-sim ns all"
    # an action key sends nothing, and says so
    keys s
    wait_for "read-only"
    # / on the Kubernetes tab narrows pods, events and configuration
    type_text ":job orders-enrichment"
    keys Enter
    wait_for "1 Overview"
    keys 6
    wait_for "Pods ("
    keys /
    type_text "taskmanager"
    keys Enter
    poll 10 shows "Pods (4 of 5, filter: taskmanager)" "flinkConfiguration ("
    grab
    [[ $SCREEN == *"filter: taskmanager)"* ]]
}
