#!/bin/sh
# The whole suite: unit tests (cmocka), integration (simulator + --once), end to end
# (tmux). Every runner speaks TAP; this counts the results and ends with one line:
# "N passed, M failed". Exit status 1 when anything failed.
# Every runner (cmocka binary, integration file, end-to-end file) is independent: each
# bats file has its own simulators, Prometheus, tmux servers and ports (port 0). They run
# side by side (run_all below: 4 to 8 at a time, as the CPU has room; TEST_JOBS=N for N),
# the longest of the last run first so the short ones fill the gaps at the end.
# Results print in the usual order: unit, integration, end to end.
# Why the CPU decides (measured with the CPU of each bats file accounted, a cpuacct cgroup
# round it): most files wait on timers and processes, but an e2e file can use half a core
# for its wall time (the console, the simulator, tmux captures, bats itself). On a slow
# 2-core machine 4 of them filled it, and 6 made the run 17 % slower; on a faster one 4
# left a third of it idle, and 6 made the run 30 % shorter.
BUILD=${BUILD:-build}
export FLINKTOP=${FLINKTOP:-./flinktop}
export FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}
export FIXTURES=${FIXTURES:-tests/fixtures}
out=${TEST_OUT:-tests/out}

# run.sh --one NAME FILE: one bats file or cmocka binary (what the parallel runners call)
if [ "${1:-}" = "--one" ]; then
    t0=$(date +%s)
    # The simulator's own tests (sim*, conformance) run FLINKTOP_SIM_UNDER_TEST where it is
    # set: make asan runs them on the sanitizer build of the simulator, and every other file
    # on the plain one, as the Flink and Kubernetes servers flinktop is tested against.
    case "$2" in
        integration-sim* | integration-conformance)
            FLINKTOP_SIM=${FLINKTOP_SIM_UNDER_TEST:-$FLINKTOP_SIM} ;;
    esac
    case "$3" in
        *.bats) bats --tap --timing "$3" >"$out/$2.tap" 2>"$out/$2.err" ;;
        *) env CMOCKA_MESSAGE_OUTPUT=TAP "$3" >"$out/$2.tap" 2>"$out/$2.err" ;;
    esac
    echo "$? $(($(date +%s) - t0))" >"$out/$2.rc"
    exit 0
fi
mkdir -p "$out"
: >"$out/tap.txt"
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
# kubectl: Google Cloud SDK's is a dispatcher that asks the server's version and then runs
# the kubectl of that minor (a second Go program, as costly as the first). The simulator
# says v1.31: its kubectl is run directly where the dispatcher's folder has one.
kc=$(command -v kubectl 2>/dev/null) && kc=$(readlink -f "$kc") &&
    case "$(kubectl version --client 2>/dev/null)" in
        *-dispatcher*) [ -x "${kc%/*}/kubectl.1.31" ] ;;
        *) false ;;
    esac && mkdir -p "$out/bin" && ln -sf "${kc%/*}/kubectl.1.31" "$out/bin/kubectl" &&
    case ":$PATH:" in
        *":$(cd "$out/bin" && pwd):"*) ;;
        *) PATH=$(cd "$out/bin" && pwd):$PATH && export PATH ;;
    esac
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

# run_list PREFIX FILE...: "SECONDS NAME FILE" a line, SECONDS from the last run (a new
# bats file: 60, a new binary: 1)
run_list() {
    prefix=$1
    shift
    for f in "$@"; do
        case "$f" in
            *.bats) [ -f "$f" ] || continue; name="$prefix$(basename "$f" .bats)" new=60 ;;
            *) [ -x "$f" ] || continue; name=$(basename "$f") new=1 ;;
        esac
        prev=$(cut -d' ' -f2 "$out/$name.rc" 2>/dev/null)
        echo "${prev:-$new} $name $f"
        rm -f "$out/$name.rc"
    done
}
unit_bins=$(run_list "" "$BUILD"/tests/test_*)
bats_files=$(run_list integration- tests/integration/*.bats)
e2e_files=$(run_list e2e- tests/e2e/*.bats)

# cpu_idle: IDLE is the per cent of the CPU time since the last call (since boot on the
# first) that was idle, from /proc/stat; 0 where there is none (the scheduler then holds
# at the minimum)
cpu_idle() {
    IDLE=0
    [ -r /proc/stat ] || return 0
    read -r _ u n s i w q sq st _ </proc/stat
    busy=$((u + n + s + q + sq + st)) idle=$((i + w))
    d_busy=$((busy - ${last_busy:-0})) d_idle=$((idle - ${last_idle:-0}))
    last_busy=$busy last_idle=$idle
    [ $((d_busy + d_idle)) -le 0 ] || IDLE=$((100 * d_idle / (d_busy + d_idle)))
}

# The runners, longest first. TEST_JOBS=N: N at a time. Unset: at least 4 at a time, and
# one more (up to 8) whenever the CPU was more than a third idle over a whole second, the
# second after the last start excluded. On a machine whose CPU the suite does not fill
# (most files wait on refreshes, timeouts and the simulator's steps) the waits overlap;
# on a slow one, or beside another suite (CI runs both flavours together), it holds at 4,
# where every file was measured. A runner is done when it has written its NAME.rc.
# RUN_TRACE=FILE: a line a start, "EPOCH RUNNING IDLE NAME", to see what it decided.
run_all() {
    min=${TEST_JOBS:-4} max=${TEST_JOBS:-8}
    running=""
    while read -r name f; do
        tick=0 # fifths of a second since the last start
        while :; do
            still=""
            for r in $running; do [ -e "$out/$r.rc" ] || still="$still $r"; done
            running=$still
            set -- $running
            [ $# -lt "$min" ] && break
            if [ $((tick % 5)) -eq 0 ] && [ $# -lt "$max" ]; then
                cpu_idle
                [ "$tick" -ge 10 ] && [ "$IDLE" -gt 33 ] && break
            fi
            sleep 0.2
            tick=$((tick + 1))
        done
        [ -z "${RUN_TRACE:-}" ] || echo "$(date +%s) $# $IDLE $name" >>"$RUN_TRACE"
        sh "$0" --one "$name" "$f" </dev/null &
        running="$running $name"
    done
    wait
}
printf '%s\n%s\n%s\n' "$unit_bins" "$bats_files" "$e2e_files" | grep -v '^$' | sort -rn |
    cut -d' ' -f2- | run_all
printf '%s\n%s\n%s\n' "$unit_bins" "$bats_files" "$e2e_files" | while read -r _ name f; do
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
