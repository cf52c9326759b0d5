#!/usr/bin/env bats
# Strings from clusters are untrusted: names with escape sequences and control characters
# must not move the cursor, clear the screen or recolour it.

load lib

setup() {
    e2e_setup
    sim_start --jobs 4 --hostile-names || return 1
}

teardown() {
    e2e_teardown
}

@test "hostile job names cannot clear or repaint the screen" {
    console 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    for n in 1 2 3; do
        keys Enter
        wait_for "Jobs: "
        # the header, the column titles and the status bar all survive the names
        wait_for "flinktop"
        wait_for "NAME"
        wait_for "? help"
        # no raw escape byte reached the pane as text
        ! t capture-pane -p | LC_ALL=C grep -q $'\x1b' || false
        keys q
        wait_for "Clusters (3)"
        keys j
    done
}
