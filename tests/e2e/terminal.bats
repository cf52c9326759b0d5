#!/usr/bin/env bats
# The terminal, end to end: NO_COLOR draws no colour on every screen a user visits, and
# without it there is colour; --theme monochrome draws none, and a theme that does not
# exist stops flinktop with a clear message. (--ascii and the light theme:
# terminal_ascii.bats.)

load ../bats_speed
load lib
load terminal_lib

@test "NO_COLOR=1 draws no colour on any screen, even on a 256-colour terminal" {
    console_env "TERM=xterm-256color NO_COLOR=1" 120 40 --refresh 1 $(sim_flink_args)
    visit_screens
    local n=0 bad=0
    for f in "$SHOTS"/*.ansi; do
        n=$((n + 1))
        codes=$(colour_codes "$f" | sort -u | tr '\n' ' ')
        if [ -n "$codes" ]; then
            echo "$(basename "$f"): colour codes: $codes" >&2
            bad=$((bad + 1))
        fi
    done
    [ "$bad" -eq 0 ]
    [ "$n" -eq 10 ]
    # still legible: the selection and the status bar are drawn in reverse video
    reversed "$SHOTS/clusters.ansi"
}

@test "the same screens do draw colour without NO_COLOR (the check above can fail)" {
    console_env "TERM=xterm-256color" 120 40 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    shot clusters
    [ -n "$(colour_codes "$SHOTS/clusters.ansi")" ]
}

@test "--theme monochrome draws no colour even where the terminal has it" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "TERM=xterm-256color" 120 40 --theme monochrome $(sim_flink_args)
    wait_for "1.20.1"
    shot mono
    [ -z "$(colour_codes "$SHOTS/mono.ansi")" ]
    reversed "$SHOTS/mono.ansi"
}

@test "--theme nosuch exits 2 and names the themes there are" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "" 100 30 --theme nosuch $(sim_flink_args)
    run wait_exit 5
    [ "$status" -eq 0 ]
    [[ "$output" == "exited 2" ]]
    grep -q 'no theme "nosuch"' "$BATS_TEST_TMPDIR/stderr"
    grep -q 'light' "$BATS_TEST_TMPDIR/stderr"
    # a name that is not a name is refused before anything is looked up
    run "$FLINKTOP" --theme ../../etc/passwd
    [ "$status" -eq 2 ]
    [[ "$output" == *"a theme name is letters, digits, - and _"* ]]
}
