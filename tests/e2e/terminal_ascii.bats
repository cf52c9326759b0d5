#!/usr/bin/env bats
# The terminal, end to end: --ascii draws nothing but ASCII on every screen a user
# visits (and without it the UTF-8 is there), --theme light and :theme change the colours.
# One simulator for the file (terminal_lib.bash); every test only reads.

load ../bats_speed
load lib
load terminal_lib

@test "--ascii: every screen's dump is pure ASCII" {
    console_env "" 120 40 --ascii --refresh 1 $(sim_flink_args)
    visit_screens
    local n=0 bad=0
    for f in "$SHOTS"/*.txt; do
        n=$((n + 1))
        if LC_ALL=C grep -n '[^ -~]' "$f" >"$BATS_TEST_TMPDIR/bad"; then
            echo "$(basename "$f") has non-ASCII bytes:" >&2
            cat "$BATS_TEST_TMPDIR/bad" >&2
            bad=$((bad + 1))
        fi
    done
    [ "$bad" -eq 0 ]
    [ "$n" -eq 10 ]
    # and the raw dump too (attributes only add ASCII escape sequences)
    ! LC_ALL=C grep -q $'[\x80-\xff]' "$SHOTS"/*.ansi || false
}

@test "without --ascii the UTF-8 dump has what --ascii replaces (the check above can fail)" {
    console_env "" 120 40 --refresh 1 $(sim_flink_args)
    wait_for "2.1.0"
    keys j j Enter
    poll 10 shows "Jobs: development" "日本語"
    shot jobs
    LC_ALL=C grep -q $'[\x80-\xff]' "$SHOTS/jobs.txt"
}

@test "--theme light draws other colours than the default theme" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "TERM=xterm-256color" 120 40 $(sim_flink_args)
    # every cluster's overview on screen
    poll 10 shows "1.20.1" "1.18.1" "2.1.0" "3 clusters"
    shot default
    console_stop
    console_env "TERM=xterm-256color" 120 40 --theme light $(sim_flink_args)
    # the text is the same: only the look changed. The title and the overview's columns
    # (to SLOTS): the job counts after them follow the jobs' answers and their health,
    # which can still be settling in either shot. Polled until the light console's rows
    # are drawn too.
    same_text() {
        shot light
        diff <(head -n 5 "$SHOTS/default.txt" | cut -c 1-38) <(head -n 5 "$SHOTS/light.txt" | cut -c 1-38)
    }
    poll 10 same_text
    colour_codes "$SHOTS/default.ansi" | sort -u >"$BATS_TEST_TMPDIR/default.codes"
    colour_codes "$SHOTS/light.ansi" | sort -u >"$BATS_TEST_TMPDIR/light.codes"
    [ -s "$BATS_TEST_TMPDIR/light.codes" ]
    ! cmp -s "$BATS_TEST_TMPDIR/default.codes" "$BATS_TEST_TMPDIR/light.codes" || false
    # light's title bar: white (231) on a dark blue (25), where the default has 37 on 44
    grep -qx "48;5;25" "$BATS_TEST_TMPDIR/light.codes"
    ! grep -qx "48;5;25" "$BATS_TEST_TMPDIR/default.codes" || false
}

@test ":theme light switches the colours at run time; :theme nosuch says so and keeps them" {
    console_env "TERM=xterm-256color" 120 40 $(sim_flink_args)
    poll 10 shows "1.20.1" "3 clusters"
    keys -l ":theme light"
    keys Enter
    light_drawn() { shot now && colour_codes "$SHOTS/now.ansi" | grep -qx "48;5;25"; }
    poll 10 light_drawn
    keys -l ":theme nosuch"
    keys Enter
    wait_for 'no theme "nosuch"'
    shot after
    colour_codes "$SHOTS/after.ansi" | grep -qx "48;5;25" # light stays
    wait_for "Clusters (3)"
}
