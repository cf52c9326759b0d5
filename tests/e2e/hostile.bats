#!/usr/bin/env bats
# Strings from clusters are untrusted: names with escape sequences and control characters
# must not move the cursor, clear the screen or recolour it.

load ../bats_speed
load lib

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

@test "hostile job names cannot clear or repaint the screen" {
    sim_start --jobs 4 --hostile-names || return 1
    console 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    for n in 1 2 3; do
        keys Enter
        # the header, the column titles and the status bar all survive the names
        poll 10 shows "Jobs: " "flinktop" "NAME" "? help"
        # no raw escape byte reached the pane as text
        grab
        [[ $SCREEN != *$'\x1b'* ]]
        keys q
        wait_for "Clusters (3)"
        keys j
    done
}

# untouched: nothing hostile reached the terminal. The pane shows no bidi control or
# zero-width character, no raw ESC, the header is still on the first row, and no OSC
# sequence renamed the window.
untouched() {
    local s hits
    s=$(screen)
    hits=$(printf '%s' "$s" |
        LC_ALL=C.UTF-8 grep -cP '[\x{202A}-\x{202E}\x{2066}-\x{2069}\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{1B}]' || true)
    [[ ${s%%$'\n'*} == *flinktop* ]] || hits="$hits, header gone"
    [[ "$(t display -p '#{pane_title}')" != *owned* ]] || hits="$hits, title set"
    [ "$hits" = 0 ] && return 0
    printf 'touched (%s):\n%s\n' "$hits" "$s" | cat -A | head -60 >&2
    return 1
}

@test "the default fleet's hostile job names, vertex names and exception messages reach the screen sanitised" {
    sim_start --hostile-names --clock manual || return 1
    # the fleet's clusters with the escapes, OSC sequences, zero-width characters, invalid
    # UTF-8, cursor moves and the 2 KiB name
    SIM_CLUSTERS="real-time-analytics analytics-session recommendation-features"
    # every running job of theirs fails over once: each has an exception whose message
    # carries escapes (the clock stands still: they stay RESTARTING)
    # (jq reads the names' invalid UTF-8 as U+FFFD: only ids, states and clusters matter)
    local urls=() jid
    for jid in $(curl -sf "$SIM_URL/_sim/jobs" | jq -r --args '.jobs[]
        | select(.state == "RUNNING" and (.cluster | IN($ARGS.positional[]))) | .jid' $SIM_CLUSTERS); do
        urls+=("$SIM_URL/_sim/jobs/$jid/restart")
    done
    [ "${#urls[@]}" -gt 0 ]
    curl -sf -X POST "${urls[@]}" >/dev/null
    console 160 45 $(SIM_CLUSTERS=$SIM_CLUSTERS sim_flink_args)
    wait_for "Clusters (3)"
    for n in 1 2 3; do
        keys Enter
        poll 10 shows "Jobs: " "NAME" "? help"
        untouched
        # inside the first job: its vertices, then its exceptions
        keys Enter
        poll 10 shows "1 Overview" "VERTEX"
        untouched
        keys 5
        wait_for "root cause"
        untouched
        keys q
        wait_for "Jobs: "
        keys q
        wait_for "Clusters (3)"
        untouched
        keys j
    done
}
