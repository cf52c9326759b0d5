#!/bin/sh
# make soak SOAK_SECONDS=N: the console (a real terminal, tmux) at 0.5 s refresh against a
# simulator whose jobs fail, restart and drift (its default, not --frozen), on a job's
# screen so that details are polled too; every SOAK_INTERVAL seconds (default 60) prints
# flinktop's private memory (Private_Dirty of /proc/PID/smaps_rollup) and its open fds.
# Memory should stop growing once the history window has filled; fds should stay flat.
set -u
cd "$(dirname "$0")/.."
SOAK_SECONDS=${SOAK_SECONDS:-600}
INTERVAL=${SOAK_INTERVAL:-60}
FLINKTOP=${FLINKTOP:-./flinktop}
. tests/sim-start.sh
sock="flinktop-soak-$$"
pid=""

cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock" # tmux 3.3 leaves its socket
    sim_stop
}
trap cleanup EXIT INT TERM

sim_start --jobs 8 --seed 7 || exit 1
tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 50 \
    "exec env LANG=C.UTF-8 $FLINKTOP --refresh 0.5 $(sim_flink_args) 2>/dev/null"
i=0
while [ -z "$pid" ] && [ $i -lt 100 ]; do # the pane's process is flinktop itself (exec)
    pid=$(tmux -L "$sock" display -p '#{pane_pid}' 2>/dev/null)
    [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = flinktop ] || pid=""
    i=$((i + 1))
    sleep 0.1
done
[ -n "$pid" ] || { echo "soak: flinktop did not start" >&2; exit 1; }
sleep 2
tmux -L "$sock" send-keys Enter # the first cluster's jobs
sleep 1
tmux -L "$sock" send-keys Enter # its first job: details at the refresh rate

sample() { # ELAPSED
    kb=$(sed -n 's/^Private_Dirty: *\([0-9]*\) kB/\1/p' /proc/"$pid"/smaps_rollup 2>/dev/null)
    fds=$(ls /proc/"$pid"/fd 2>/dev/null | wc -l)
    printf '%6ss  private %8s kB  fds %4s\n' "$1" "${kb:-?}" "$fds"
    last_kb=${kb:-0}
}

echo "soak: flinktop pid $pid, ${SOAK_SECONDS}s at 0.5 s refresh, a sample every ${INTERVAL}s"
start=$(date +%s)
sample 0
first_kb=$last_kb
elapsed=0
while [ "$elapsed" -lt "$SOAK_SECONDS" ]; do
    step=$INTERVAL
    [ $((elapsed + step)) -gt "$SOAK_SECONDS" ] && step=$((SOAK_SECONDS - elapsed))
    sleep "$step"
    elapsed=$(($(date +%s) - start))
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "soak: flinktop exited" >&2
        exit 1
    fi
    sample "$elapsed"
done
echo "soak: private memory ${first_kb} kB -> ${last_kb} kB ($((last_kb - first_kb)) kB)"
