#!/bin/sh
# The whole suite: unit tests (cmocka), integration (simulator + --once), end to end
# (tmux). Every runner speaks TAP; this counts the results and ends with one line:
# "N passed, M failed". Exit status 1 when anything failed.
BUILD=${BUILD:-build}
export FLINKTOP=${FLINKTOP:-./flinktop}
export FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}
export FIXTURES=${FIXTURES:-tests/fixtures}
out=${TEST_OUT:-tests/out}
mkdir -p "$out"
: >"$out/tap.txt"

run() { # name, command...
    name=$1
    shift
    t0=$(date +%s)
    "$@" >"$out/$name.tap" 2>"$out/$name.err"
    rc=$?
    echo "== $name ($(($(date +%s) - t0)) s)"
    cat "$out/$name.tap" >>"$out/tap.txt"
    grep -E '^(not )?ok ' "$out/$name.tap" | sed 's/^/   /'
    if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
        # crashed or failed without a TAP line: count it and show why
        echo "not ok - $name exited $rc" >>"$out/tap.txt"
        echo "   not ok - $name exited $rc"
        tail -n 20 "$out/$name.err" | sed 's/^/   | /'
    elif grep -q '^not ok' "$out/$name.tap"; then
        tail -n 30 "$out/$name.err" | sed 's/^/   | /'
    fi
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run "$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
done
for dir in tests/integration tests/e2e; do
    for f in "$dir"/*.bats; do
        [ -f "$f" ] || continue
        run "$(basename "$dir")-$(basename "$f" .bats)" bats --tap "$f"
    done
done

passed=$(grep -cE '^ok ' "$out/tap.txt")
skipped=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$out/tap.txt")
failed=$(grep -cE '^not ok ' "$out/tap.txt")
passed=$((passed - skipped))
echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
