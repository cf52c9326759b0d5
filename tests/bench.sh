#!/bin/bash
# make bench: figures, not pass/fail. Against the simulator with 3 clusters x 20 jobs:
#  - start to first full frame (every cluster answered), median of 5, in a real terminal (tmux)
#  - one --once poll of the fleet: wall time and peak RSS (/usr/bin/time -v)
#  - the console over BENCH_SECONDS (default 60) at 2 s refresh: RSS, CPU % of a core,
#    bytes written to the terminal (tmux pipe-pane)
cd "$(dirname "$0")/.." || exit 1
. tests/sim-start.sh
SECONDS_RUN=${BENCH_SECONDS:-60}
SOCK="flinktop-bench-$$"
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null; sim_stop; }
trap cleanup EXIT INT TERM
sim_start --jobs 20 || exit 1
ARGS=$(sim_flink_args)
export LANG=C.UTF-8 LC_ALL=C.UTF-8

echo "flinktop bench: 3 clusters x 20 jobs, simulator at $SIM_URL"

# 1. first full frame
samples=""
for i in 1 2 3 4 5; do
    err="$(mktemp)"
    T new-session -d -x 120 -y 40 "FLINKTOP_BENCH=first-frame ./flinktop $ARGS 2>$err"
    # wait (with a deadline) for the session to end on its own
    for _ in $(seq 1 200); do T has-session 2>/dev/null || break; sleep 0.05; done
    T kill-server 2>/dev/null
    ms=$(sed -n 's/^first full frame: \([0-9]*\) ms$/\1/p' "$err")
    rm -f "$err"
    samples="$samples $ms"
done
median=$(echo $samples | tr ' ' '\n' | sort -n | sed -n 3p)
echo "start to first full frame: median ${median} ms (samples:$samples) [target <= 100 ms]"

# 2. one headless poll
/usr/bin/time -v ./flinktop --once --output json $ARGS >/dev/null 2>/tmp/flinktop-bench-time.$$
wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' /tmp/flinktop-bench-time.$$)
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/flinktop-bench-time.$$)
rm -f /tmp/flinktop-bench-time.$$
echo "poll time (--once, whole fleet incl. 60 job details): ${wall} wall, peak RSS ${rss} KiB"

# 3. the console over time
bytes_file=$(mktemp)
T new-session -d -x 120 -y 40 "./flinktop --refresh 2 $ARGS"
T pipe-pane -o "cat >> $bytes_file"
pid=""
for _ in $(seq 1 100); do
    pid=$(pgrep -n -f "^./flinktop --refresh 2") && break
    sleep 0.05
done
if [ -z "$pid" ]; then echo "console did not start"; exit 1; fi
hz=$(getconf CLK_TCK)
cpu0=$(awk '{print $14 + $15}' /proc/$pid/stat)
b0=$(stat -c %s "$bytes_file")
sleep "$SECONDS_RUN"   # the measurement window itself, not a wait for a condition
cpu1=$(awk '{print $14 + $15}' /proc/$pid/stat)
b1=$(stat -c %s "$bytes_file")
rss_now=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
rss_hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
# RSS counts the shared libraries' pages too (libcurl pulls in OpenSSL, GSSAPI, LDAP...):
# private memory is what flinktop itself costs
priv=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/$pid/smaps_rollup)
cpu_pct=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v s="$SECONDS_RUN" \
    'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')
T send-keys q
echo "console over ${SECONDS_RUN} s at 2 s refresh: CPU ${cpu_pct} % of a core [target <= 1 %]"
echo "RSS ${rss_now} KiB (peak ${rss_hwm} KiB), private ${priv} KiB [target <= 8192 KiB]"
base=$(/usr/bin/time -v ./flinktop --version 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
echo "  for scale: flinktop --version alone (libraries loaded, nothing polled) peaks at ${base} KiB"
echo "bytes written to the terminal: $((b1 - b0)) in ${SECONDS_RUN} s ($(((b1 - b0) / SECONDS_RUN)) B/s)"
rm -f "$bytes_file"

# 4. frame time of the backpressure tab at parallelism 512 (the heatmap bins subtasks)
T kill-server 2>/dev/null
sim_stop
sim_start --jobs 2 --parallelism 512 || exit 1
ARGS=$(sim_flink_args)
err=$(mktemp)
T new-session -d -x 200 -y 50 "FLINKTOP_BENCH=frames ./flinktop --refresh 1 $ARGS 2>$err"
wait_pane() { for _ in $(seq 1 200); do T capture-pane -p | grep -qF -- "$1" && return 0; sleep 0.05; done; return 1; }
wait_pane "1.20.1" && T send-keys Enter && wait_pane "Jobs: production" && T send-keys Enter &&
    wait_pane "1 Overview" && T send-keys 3 && wait_pane "ratio per subtask"
sleep "${BENCH_FRAME_SECONDS:-15}"   # frames accumulate over this window
T send-keys q q q
for _ in $(seq 1 100); do T has-session 2>/dev/null || break; sleep 0.05; done
T kill-server 2>/dev/null
vertices=$(curl -sf "$SIM_URL/clusters/production/jobs/overview" >/dev/null && echo "3-5")
echo "backpressure tab, parallelism 512 ($vertices vertices), 200x50: $(sed -n 's/^frames: //p' "$err") [target <= 5 ms]"
rm -f "$err"

# 5. RSS with 3 x 20 jobs once every history ring is full (450 entries, as 15 min at 2 s)
sim_stop
sim_start --jobs 20 || exit 1
ARGS=$(sim_flink_args)
cfg=$(mktemp --suffix=.yaml)
printf 'refresh: 0.25\nhistory: 113s\ndetail_interval: 5s\n' >"$cfg"
T new-session -d -x 120 -y 40 "./flinktop -c $cfg $ARGS"
pid=""
for _ in $(seq 1 100); do pid=$(pgrep -n -f "^./flinktop -c $cfg") && break; sleep 0.05; done
sleep "${BENCH_FILL_SECONDS:-120}"   # long enough to fill every ring at 0.25 s
rss_full=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
priv_full=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/$pid/smaps_rollup)
T send-keys q
rm -f "$cfg"
echo "RSS with 3 x 20 jobs and full history rings: ${rss_full} KiB, private ${priv_full} KiB [target <= 10240 KiB]"
