#!/bin/sh
# The whole suite: unit tests (cmocka), integration (simulator + --once), end to end
# (tmux). Every runner speaks TAP; this counts the results and ends with one line:
# "N passed, M failed". Exit status 1 when anything failed.
# The end-to-end files run TEST_JOBS at a time (default 3: they mostly wait on flinktop's
# timers, and every file has its own simulators, tmux servers and ports), the longest of
# the last run first; the integration files, busy with processes and some timing what
# they wait for, run one at a time before them. Results print in the usual order.
BUILD=${BUILD:-build}
export FLINKTOP=${FLINKTOP:-./flinktop}
export FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}
export FIXTURES=${FIXTURES:-tests/fixtures}
out=${TEST_OUT:-tests/out}

# run.sh --one NAME FILE: one bats file (what the parallel runners call)
if [ "${1:-}" = "--one" ]; then
    t0=$(date +%s)
    bats --tap --timing "$3" >"$out/$2.tap" 2>"$out/$2.err"
    echo "$? $(($(date +%s) - t0))" >"$out/$2.rc"
    exit 0
fi
mkdir -p "$out"
: >"$out/tap.txt"
jobs=${TEST_JOBS:-3}
t_start=$(date +%s)
# One throwaway TLS certificate for the whole run, shared by every Kubernetes test
# (tests/sim-start.sh test_cert makes it; a bats file run alone makes its own).
FLINKTOP_TEST_CERTS=$(cd "$out" && pwd)/certs
export FLINKTOP_TEST_CERTS
rm -rf "$FLINKTOP_TEST_CERTS"
# Tests run python3 hundreds of times: a version manager's shim (pyenv's costs half a
# second of CPU a call) is resolved once, to the interpreter it would run.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -n "$py" ] && [ -x "$py" ] && [ "$(command -v python3)" != "$py" ]; then
    mkdir -p "$out/bin" && ln -sf "$py" "$out/bin/python3" &&
        PATH=$(cd "$out/bin" && pwd):$PATH && export PATH
fi
. tests/sim-start.sh
test_cert || echo "warning: no test certificate (openssl); Kubernetes tests will fail" >&2

# report NAME RC SECONDS: a runner's TAP into tap.txt and on screen
report() {
    name=$1
    rc=$2
    echo "== $name ($3 s)"
    touch "$out/$name.tap" "$out/$name.err"
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
    name=$(basename "$t")
    t0=$(date +%s)
    env CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out/$name.tap" 2>"$out/$name.err"
    report "$name" $? $(($(date +%s) - t0))
done

# bats_list DIR: "SECONDS NAME FILE" a line, SECONDS from the last run (a new file: 60)
bats_list() {
    for f in "$1"/*.bats; do
        [ -f "$f" ] || continue
        name="$(basename "$1")-$(basename "$f" .bats)"
        prev=$(cut -d' ' -f2 "$out/$name.rc" 2>/dev/null)
        echo "${prev:-60} $name $f"
        rm -f "$out/$name.rc"
    done
}
bats_files=$(bats_list tests/integration)
e2e_files=$(bats_list tests/e2e)
printf '%s\n' "$bats_files" | cut -d' ' -f2- | xargs -r -n 2 -P 1 sh "$0" --one
printf '%s\n' "$e2e_files" | sort -rn | cut -d' ' -f2- | xargs -r -n 2 -P "$jobs" sh "$0" --one
printf '%s\n%s\n' "$bats_files" "$e2e_files" | while read -r _ name f; do
    [ -n "$name" ] || continue
    rc=1 secs=0
    [ -s "$out/$name.rc" ] && read -r rc secs <"$out/$name.rc"
    report "$name" "$rc" "$secs"
done

passed=$(grep -cE '^ok ' "$out/tap.txt")
skipped=$(grep -cE '^ok .*# [Ss][Kk][Ii][Pp]' "$out/tap.txt")
failed=$(grep -cE '^not ok ' "$out/tap.txt")
passed=$((passed - skipped))
echo
echo "($(($(date +%s) - t_start)) s in all)"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
