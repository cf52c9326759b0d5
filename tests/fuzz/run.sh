#!/bin/sh
# make fuzz: run every built libFuzzer target (build/fuzz/fuzz_*) for FUZZ_SECONDS on a
# corpus seeded from the fixtures its source names ("seeds: GLOB..." under tests/fixtures),
# FUZZ_JOBS at a time, then print per target its name, its execs and its findings. A
# finding (crash-*, leak-*, timeout-*, oom-*) stays in build/fuzz/findings/NAME/: make it a
# fixture and a unit test. Exit 1 when any target found something. An input over 10 s is a
# timeout; libFuzzer's "slow unit" (over 10 s of a loaded machine's wall clock, under the
# timeout's own count) is not written below 30 s, so a busy machine is not a finding.
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-15}
JOBS=${FUZZ_JOBS:-2}
OUT=build/fuzz/run
mkdir -p "$OUT"

run_one() { # NAME
    name=$1
    bin=build/fuzz/$name
    corpus=build/fuzz/corpus/$name
    findings=build/fuzz/findings/$name
    rm -rf "$findings"
    mkdir -p "$corpus" "$findings"
    seeds=$(sed -n 's|^// seeds: *||p' "tests/fuzz/$name.c" | head -n 1)
    for g in $seeds; do
        for f in tests/fixtures/$g; do
            [ -f "$f" ] && cp "$f" "$corpus/" 2>/dev/null
        done
    done
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -report_slow_units=30 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" \
        >"$OUT/$name.log" 2>&1
    echo $? >"$OUT/$name.rc"
}

# sh tests/fuzz/run.sh --one NAME: one target (what the pool below runs)
if [ "${1:-}" = --one ]; then
    run_one "$2"
    exit 0
fi

names=""
for src in tests/fuzz/fuzz_*.c; do
    n=$(basename "$src" .c)
    [ -x "build/fuzz/$n" ] && names="$names $n"
done
# a pool of FUZZ_JOBS: the next target starts as soon as one ends (no batch waits for its
# slowest); the table below is printed in the targets' order once all are done
# shellcheck disable=SC2086
printf '%s\n' $names | xargs -P "$JOBS" -n 1 sh tests/fuzz/run.sh --one

status=0
printf '%-28s %12s %9s\n' target execs findings
for n in $names; do
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$n.log" | tail -n 1)
    found=$(find "build/fuzz/findings/$n" -type f | wc -l)
    rc=$(cat "$OUT/$n.rc")
    [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1 # died without an artifact
    printf '%-28s %12s %9s\n' "$n" "${execs:-?}" "$found"
    if [ "$found" -ne 0 ]; then
        status=1
        grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$OUT/$n.log" | sed 's/^/    /'
    fi
done
exit $status
