#!/usr/bin/env bats
# make demo, the README's first command: its script as the Makefile runs it (which shell
# included) shows the default fleet on the board, read-only, and leaves no simulator,
# Prometheus or temporary directory behind when the console quits.

load ../bats_speed
load lib

setup() {
    e2e_setup
    DEMO_TMP=$BATS_TEST_TMPDIR/demo
    mkdir -p "$DEMO_TMP"
}

teardown() {
    e2e_teardown
    # a demo that did not clean up must not outlive its test (its path names it alone)
    pkill -f -- "$DEMO_TMP/" 2>/dev/null || true
}

# the shell the Makefile's demo recipe runs tests/demo.sh with
demo_shell() {
    sed -n 's/^\t@\([a-z]*\) tests\/demo\.sh$/\1/p' Makefile
}

# the board shows the default fleet; a demo that ended instead fails at once, with why
demo_showing() {
    if [ -s "$BATS_TEST_TMPDIR/exit" ]; then
        cat "$BATS_TEST_TMPDIR/exit" "$BATS_TEST_TMPDIR/stderr" >&2
        exit 1
    fi
    on_screen "inventory-sync"
}

# the demo's processes still alive: every one names the demo's temporary directory
demo_procs() { pgrep -f -- "$DEMO_TMP/" || true; }

@test "make demo: the default fleet on the board, read-only, and nothing left when it quits" {
    local sh
    sh=$(demo_shell)
    [ -n "$sh" ] || { echo "Makefile: no '@SHELL tests/demo.sh' recipe line" >&2; false; }
    t -f /dev/null new-session -d -x 140 -y 40 \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR=$DEMO_TMP FLINKTOP=$FLINKTOP $sh tests/demo.sh 2>$BATS_TEST_TMPDIR/stderr; echo \"exited \$?\" >$BATS_TEST_TMPDIR/exit; sleep 30"
    t set-option -g status off >/dev/null
    # the default fleet's failed job and its neighbours, on the fleet board
    poll 60 demo_showing
    wait_for "payments-ledger" 30
    on_screen "Fleet ("
    on_screen "READ-ONLY"
    on_screen "ctx flinktop-sim"
    # running: the simulator and, where installed, Prometheus
    [ -n "$(demo_procs)" ]
    if command -v prometheus >/dev/null 2>&1; then
        # shellcheck disable=SC2046
        ps -o comm= -p $(demo_procs) | grep -qx prometheus ||
            { echo "the demo runs no Prometheus" >&2; false; }
    fi
    keys q
    poll 30 test -s "$BATS_TEST_TMPDIR/exit"
    run cat "$BATS_TEST_TMPDIR/exit"
    [ "$output" = "exited 0" ] || { cat "$BATS_TEST_TMPDIR/stderr" >&2; false; }
    # the demo's EXIT trap has stopped what it started and removed its directory
    [ -z "$(demo_procs)" ] || { ps -o pid,args -p "$(demo_procs | tr '\n' ,)0" >&2; false; }
    run find "$DEMO_TMP" -mindepth 1 -maxdepth 1
    [ -z "$output" ] || { echo "left behind: $output" >&2; false; }
}

# Debian's sh is dash: a bash-ism in a script make runs with sh, or in what it sources,
# stops make test or make demo before anything runs (it once did both)
@test "every script make runs with sh, and each file it sources, is POSIX sh" {
    local f src n=0
    for f in $(sed -n 's/.*[^a-z]sh \(tests\/[^ ]*\.sh\).*/\1/p' Makefile | sort -u); do
        n=$((n + 1))
        dash -n "$f" || { echo "$f: not POSIX sh" >&2; false; }
        for src in $(sed -n 's/^[[:space:]]*\. \(tests\/[^ ]*\.sh\).*/\1/p' "$f"); do
            dash -n "$src" || { echo "$src (sourced by $f): not POSIX sh" >&2; false; }
        done
    done
    # make test, make asan, make fuzz, make bench, make soak at least
    [ "$n" -ge 3 ] || { echo "only $n sh scripts found in the Makefile" >&2; false; }
}
