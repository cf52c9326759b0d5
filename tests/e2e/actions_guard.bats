#!/usr/bin/env bats
# What keeps an action from being sent by mistake: --readonly on every screen and key,
# :unlock and its expiry, an audit log that cannot be written, a reload, a small
# terminal's confirmation, q with an action in flight.
# Each test has its own simulator (tests/e2e/actions_lib.bash).

load ../bats_speed
load lib
load actions_lib

# every action key at once on the screen in view: the last one's refusal shows once all of
# them have been read (a usage message first, so the refusal seen is this screen's)
refused_here() {
    type_text ":theme"
    keys Enter
    wait_for "usage: :theme NAME"
    keys s S C r R D P
    wait_for "read-only: profile not sent (--readonly)"
}

@test "--readonly: every action key on every screen sends nothing and says read-only" {
    k8s_sim || return 1
    operator_console --readonly
    wait_for "READ-ONLY"
    refused_here
    keys Enter
    wait_for "Jobs: production ("
    refused_here
    keys Enter
    wait_for "1 Overview"
    for tab in 1 2 3 4 5 6; do
        keys "$tab"
        refused_here
    done
    no_requests
    [ ! -s "$AUDIT" ]
}

@test "reload: SIGHUP applies a new theme and keeps the screen; a broken file keeps the old config and says file:line" {
    sim_start --jobs 3 || return 1
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'theme: default\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    console 120 40 --refresh 0.5 $(sim_flink_args)
    wait_slow "1.18.1" 15
    keys Enter
    wait_for "Jobs: production"
    local before
    before=$(t capture-pane -e -p | head -1)
    printf 'theme: light\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    # flinktop is the pane's shell's child (env execs it)
    kill -HUP "$(pgrep -P "$(t display -p '#{pane_pid}')")"
    wait_for "reloaded"
    wait_for "Jobs: production" # the screen stays
    [ "$(t capture-pane -e -p | head -1)" != "$before" ]
    printf 'theme: light\nrefesh: 2s\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    keys C-r
    wait_for "reload failed, config unchanged"
    wait_for "config.yaml:2"
    wait_for "Jobs: production"
}

@test "an audit log that cannot be written blocks the action: the screen says audit, the simulator gets nothing" {
    k8s_sim || return 1
    mkdir -p "$AUDIT" # a directory where the log should be
    operator_console
    keys s
    wait_for "audit: savepoint not sent: the audit log cannot be written"
    no_requests
    # audit: optional lets it go, and the confirmation says so
    mkdir -p "$XDG_CONFIG_HOME/flinktop"
    printf 'audit: optional\n' >"$XDG_CONFIG_HOME/flinktop/config.yaml"
    keys C-r
    wait_for "reloaded"
    keys s
    wait_all "Confirm: savepoint" "sent unaudited"
    keys n
    no_requests
}

@test ":unlock allows actions for a while with a reason in the audit line, then locks again by itself" {
    k8s_sim || return 1
    readonly_config
    operator_console
    wait_for "READ-ONLY"
    keys s
    wait_for "read-only: savepoint not sent"
    type_text ':unlock 10m "T-77"'
    keys Enter
    wait_for "UNLOCKED"
    keys s
    wait_all "Confirm: savepoint" 'reason "T-77"'
    keys y
    wait_for "savepoint sent"
    wait_audit requested savepoint
    grep '"phase":"requested"' "$AUDIT" | grep -q '"reason":"T-77"'
    # the Kubernetes identity the API server gives (SelfSubjectReview), not the Unix user
    grep '"phase":"requested"' "$AUDIT" |
        grep -qF '"k8s_user":"system:serviceaccount:flink-ops:flinktop"'
    wait_audit succeeded savepoint 20
    # :lock ends one early
    type_text ":lock"
    keys Enter
    wait_for "READ-ONLY"
    keys s
    wait_for "read-only: savepoint not sent"
    # a short one locks again by itself (one that outlived the action above would make
    # the test wait for it)
    type_text ":unlock $((2 * SCALE))s \"T-78\""
    keys Enter
    wait_for "UNLOCKED 0:"
    wait_slow "READ-ONLY" 10
    keys s
    wait_for "read-only: savepoint not sent"
    expect_requests 'length' 1
}

@test "--readonly wins over :unlock" {
    k8s_sim || return 1
    operator_console --readonly
    type_text ':unlock 10m "T"'
    keys Enter
    wait_for "nothing unlocks"
    keys s
    wait_for "read-only"
    no_requests
}

@test "at 80x24 the profile list says it continues and the confirmation's body scrolls to its end" {
    k8s_sim || return 1
    console 80 24 --refresh 0.5 --kubeconfig "$BATS_TEST_TMPDIR/KC"
    wait_slow "STABLE" 15
    keys Home
    keys P
    wait_all "Which profile?" "more"
    keys G # the last profile
    keys Enter
    wait_all "Confirm: profile" "lines below"
    # Down until its end, five a turn (a turn is two tmux processes; past the end Down
    # does nothing): at most 60 as before
    for _ in $(seq 1 12); do
        on_screen " 0 more lines below" && break
        keys Down Down Down Down Down
    done
    wait_all " 0 more lines below" "}}}" # and the end of the merge-patch
    keys n
    wait_for "nothing sent"
    no_requests
}

@test "q with an action in flight asks before quitting" {
    k8s_sim --action-steps-ms 3000 || return 1
    operator_console
    keys S
    wait_for "Confirm: stop"
    keys y
    wait_for "stop sent"
    keys q
    wait_for "still being followed: quit anyway?"
    keys n
    wait_for "STABLE" # still here
    [ ! -s "$BATS_TEST_TMPDIR/exit" ]
    keys q
    wait_for "quit anyway?"
    keys y
    wait_exit 10 >/dev/null # flinktop has quit
    wait_audit abandoned stop
}
