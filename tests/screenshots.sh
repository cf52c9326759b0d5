#!/bin/bash
# make screenshots: run flinktop in tmux against the simulator, capture each screen with
# its colours (capture-pane -e) and render it cell by cell into a PNG (tests/ansi2png.py:
# pyte + Pillow, which keeps braille, blocks and CJK intact). Also writes a .txt dump of
# each screen. Output: screenshots/NAME.{png,txt}
cd "$(dirname "$0")/.." || exit 1
. tests/sim-start.sh
SOCK="flinktop-shots-$$"
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null; sim_stop; rm -rf "$work"; }
trap cleanup EXIT INT TERM
work=$(mktemp -d)
COLS=${COLS:-120}
ROWS=${ROWS:-32}

/usr/bin/python3 -c 'import pyte, PIL' 2>/dev/null ||
    { echo "screenshots: needs python3-pyte and python3-pil (make deps)"; exit 1; }

sim_start --jobs 6 --seed 7 --parallelism 24 || exit 1
T -f /dev/null new-session -d -x "$COLS" -y "$ROWS" \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color ./flinktop $(sim_flink_args)"
T set-option -g status off

wait_for() { # TEXT: poll the pane with a 10 s deadline
    for _ in $(seq 1 200); do
        T capture-pane -p | grep -qF -- "$1" && return 0
        sleep 0.05
    done
    echo "screenshots: '$1' never appeared" >&2
    return 1
}

shot() { # NAME
    local name=$1
    T capture-pane -p >"screenshots/$name.txt"
    T capture-pane -e -p >"$work/$name.ansi"
    /usr/bin/python3 tests/ansi2png.py "$COLS" "$ROWS" "$work/$name.ansi" "screenshots/$name.png" &&
        echo "screenshots/$name.png"
}

mkdir -p screenshots
wait_for "2.1.0" && wait_for "refreshed" && shot clusters
T send-keys Enter
wait_for "Jobs: production" && shot jobs
T send-keys '?'
wait_for "Help:" && shot help
T send-keys '?'
wait_for "Jobs: production"
T send-keys Enter
wait_for "1 Overview" && wait_for "records per second" && sleep 4 && shot job-overview # let the chart gather a few points
T send-keys 2
wait_for "replay if restarted now" && shot job-checkpoints
T send-keys 3
wait_for "ratio per subtask" && shot job-backpressure
T send-keys 4
wait_for "task managers of production" && shot job-taskmanagers
T send-keys 5
{ wait_for "root cause" || wait_for "no exceptions"; } && shot job-exceptions
T send-keys q q q
