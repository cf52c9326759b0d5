# Loaded first by every bats file (`load ../bats_speed`), so that each test's own process
# has it: two costs of bats 1.8 itself, cut without changing what a failure reports.
# bats defines both functions before it sources a test file, so these definitions replace
# its own; with another bats version nothing is replaced, nor with BATS_SPEED=0 (for a
# failure's whole stack trace, through the helpers).
[ "${BATS_VERSION:-}" = 1.8.2 ] && [ "${BATS_SPEED:-1}" != 0 ] || return 0

# The clock: bats reads it at each test's start and end (--timing) with `date +%s%N` in a
# command substitution, two processes a reading. bash's EPOCHREALTIME gives the same
# milliseconds without one (measured: 50 empty tests, 5.1 -> 3.4 CPU-s).
get_mills_since_epoch() {
    local t=${EPOCHREALTIME/[.,]/}
    printf '%d\n' "$((10#$t / 1000))"
}

# The DEBUG trap: bats runs bats_debug_trap before every command of a test, to know the
# line that failed; it costs a test's shell about 160 us a command, and most commands run
# in the helpers (tmux capture loops, row parsers, HTTP by /dev/tcp). Here it records the
# test file's own commands only: a failure inside a helper is reported at the test's line
# that called it (the helpers say what failed). bats's own function runs as it is, one
# guard line in front (a copy, not a wrapper: its stack trace counts its own frames).
if declare -F bats_debug_trap >/dev/null && [ -n "${BATS_TEST_TMPDIR:-}" ]; then
    declare -f bats_debug_trap >"$BATS_TEST_TMPDIR/.bats_debug_trap" # (no fork: a file)
    IFS= read -r -d '' _bats_trap_src <"$BATS_TEST_TMPDIR/.bats_debug_trap" || true
    case "$_bats_trap_src" in
        'bats_debug_trap ()'*'{'*)
            eval "${_bats_trap_src/\{/\{ [[ \$1 == \"\$BATS_TEST_SOURCE\" ]] || return 0;}" ;;
    esac
    unset _bats_trap_src
fi
