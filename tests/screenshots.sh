#!/bin/bash
# make screenshots: run flinktop in tmux against the simulator, capture each screen with
# its colours (capture-pane -e) and render it cell by cell into a PNG (tests/ansi2png.py:
# pyte + Pillow, which keeps braille, blocks and CJK intact). Also writes a .txt dump of
# each screen. Output: screenshots/NAME.{png,txt}
#
# FLINKTOP and FLINKTOP_SIM name the binaries (default ./flinktop, ./flinktop-sim), e.g.
#   FLINKTOP=build/x/flinktop FLINKTOP_SIM=build/x/flinktop-sim bash tests/screenshots.sh
# Every wait polls the screen for a text with a deadline; a missing text stops the run
# with the screen it saw, so a broken screen never becomes a picture silently.
cd "$(dirname "$0")/.." || exit 1
FLINKTOP=${FLINKTOP:-./flinktop}
. tests/sim-start.sh # reads FLINKTOP_SIM
SOCK="flinktop-shots-$$-0" # one tmux server per console: a new one starts clean
T() { tmux -L "$SOCK" "$@"; }
# the server goes, and its socket file with it (tmux leaves it behind)
T_stop() { T kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; }
work=$(mktemp -d)
cleanup() { T_stop; sim_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
COLS=${COLS:-120}
ROWS=${ROWS:-32}

/usr/bin/python3 -c 'import pyte, PIL' 2>/dev/null ||
    { echo "screenshots: needs python3-pyte and python3-pil (make deps)"; exit 1; }
[ -x "$FLINKTOP" ] || { echo "screenshots: no $FLINKTOP (make, or set FLINKTOP)"; exit 1; }

# The user's own config, themes and audit log stay out of it: a fresh XDG home each run.
mkdir -p "$work/config" "$work/state"

# console [flinktop args...]: flinktop alone in a fresh COLSxROWS terminal; its stderr
# goes to a file so nothing stray lands on the screen.
console() {
    T_stop
    SOCK="${SOCK%-*}-$((${SOCK##*-} + 1))"
    T -f /dev/null new-session -d -x "$COLS" -y "$ROWS" \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color XDG_CONFIG_HOME=$work/config \
XDG_STATE_HOME=$work/state $FLINKTOP $* 2>$work/stderr; echo \"flinktop exited \$?\"; sleep 60"
    T set-option -g status off
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# poll SECONDS WHAT COMMAND...: until COMMAND succeeds, or stop the run after SECONDS
poll() {
    local end=$(($(now_ms) + $1 * 1000)) what=$2
    shift 2
    until "$@"; do
        if ! T has-session 2>/dev/null; then
            echo "screenshots: flinktop's terminal is gone, waiting for $what" >&2
            cat "$work/stderr" >&2 2>/dev/null
            exit 1
        fi
        if [ "$(now_ms)" -ge "$end" ]; then
            echo "screenshots: $what never appeared; the screen was:" >&2
            T capture-pane -p >&2
            cat "$work/stderr" >&2 2>/dev/null
            exit 1
        fi
        sleep 0.05
    done
}

shows() { T capture-pane -p | grep -q "$@"; } # grep options, then the pattern
wait_for() { poll "${2:-10}" "'$1'" shows -F -- "$1"; } # TEXT [SECONDS]

# The throughput chart's time axis ("-12s ... now") spans at least $1 seconds of history.
chart_spans() {
    local s
    s=$(T capture-pane -p | sed -n 's/^ *-\([0-9]*\)s .* now *$/\1/p' | head -1)
    [ -n "$s" ] && [ "$s" -ge "$1" ]
}

shot() { # NAME [ansi2png options]
    local name=$1
    shift
    T capture-pane -p >"screenshots/$name.txt"
    T capture-pane -e -p >"$work/$name.ansi"
    /usr/bin/python3 tests/ansi2png.py "$@" "$COLS" "$ROWS" "$work/$name.ansi" \
        "screenshots/$name.png" || exit 1
    echo "screenshots/$name.png"
}

mkdir -p screenshots

# ---- the default fleet, found through the Kubernetes API: every read-only screen ----
sim_start --seed 7 --kubeconfig-out "$work/fleet-kubeconfig" || exit 1
console --kubeconfig "$work/fleet-kubeconfig" --start clusters
wait_for "2.3.0"
wait_for "11 clusters"
shot clusters
# the : command line: the command name completes, then Tab again offers the clusters
T send-keys :
wait_for "Tab complete"
T send-keys -l clu
T send-keys Tab
wait_for ":cluster"
T send-keys Tab
wait_for "real-time-analytics  inventory-sync"
shot command
T send-keys Escape
wait_for "q quit"
# the session cluster: its jobs are FlinkSessionJobs
T send-keys :
wait_for "Tab complete"
T send-keys -l "cluster analytics-session"
T send-keys Enter
wait_for "Jobs: analytics-session"
wait_for "clickstream-sessionizer"
shot jobs
T send-keys '?'
wait_for "Help:"
shot help
T send-keys '?'
wait_for "Jobs: analytics-session"
T send-keys Enter
wait_for "1 Overview"
wait_for "records per second"
poll 20 "a chart of 8 s" chart_spans 8 # a few points on the chart
shot job-overview
T send-keys 2
wait_for "replay if restarted now"
shot job-checkpoints
T send-keys 3
wait_for "ratio per subtask"
shot job-backpressure
T send-keys 4
wait_for "task managers of analytics-session"
shot job-taskmanagers
T send-keys 6
wait_for "Deployments ("
wait_for "Pods ("
shot job-kubernetes
T send-keys 7
wait_for "edges, top down"
shot job-graph
# the log pager: the selected task manager's pod log, followed
T send-keys 4 l
wait_for "following:"
wait_for "INFO"
shot logs
T send-keys Escape
# memory and GC of the selected task manager (Enter on tab 4), then the configuration
T send-keys 4 Enter
wait_for "JVM of task manager"
wait_for "Metaspace"
wait_for "memory used"
shot job-jvm
T send-keys Escape
T send-keys c
wait_for "Configuration of"
wait_for "execution"
shot job-config
T send-keys Escape
# one vertex's subtasks, from the heatmap (Enter on its row)
T send-keys 3 j Enter
wait_for "Subtasks of"
wait_for "busy max"
shot job-subtasks
T send-keys Escape
# exceptions: of the job that failed on staging's inventory-sync, found by the jobs
# screen's filter on its state
T send-keys :
wait_for "Tab complete"
T send-keys -l "cluster inventory-sync"
T send-keys Enter
wait_for "Jobs: inventory-sync"
T send-keys /
T send-keys -l FAILED
T send-keys Enter
wait_for "filter: FAILED"
T send-keys Enter
wait_for "(FAILED)"
T send-keys 5
wait_for "root cause"
shot job-exceptions
# the fleet board: every job sickest first, once the jobs' details have come round
T send-keys :
wait_for "Tab complete"
T send-keys -l fleet
T send-keys Enter
wait_for "Fleet ("
wait_for "FAILED for"
wait_for "backpressured " 60
no_row_waits() { ! shows -F -- "no details yet"; }
poll 90 "every row's details" no_row_waits # the rows on screen fill first, at the budget's rate
shot fleet
T send-keys '!'
wait_for "Alerts: "
shot alerts

# ---- the light theme, drawn as a light-background terminal shows it ----
console --theme light --kubeconfig "$work/fleet-kubeconfig" --start clusters
wait_for "2.3.0"
wait_for "11 clusters"
shot theme-light --light
sim_stop

# ---- actions through the operator: the simulator as a Kubernetes API server (TLS and a
# token, as tests/e2e/actions.bats), frozen, with short action steps ----
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -days 1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 ||
    { echo "screenshots: openssl could not make a certificate"; exit 1; }
sim_start --frozen --action-steps-ms 300 --token screenshots-token \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --kubeconfig-out "$work/kubeconfig" ||
    exit 1
console --kubeconfig "$work/kubeconfig" --start clusters
wait_for "STABLE" 15
wait_for "11 clusters"
T send-keys Home s
wait_for "Confirm: savepoint"
wait_for "[N] no (Enter)"
shot confirm
T send-keys y
wait_for "savepoint at s3://" 20
T send-keys o
wait_for "Operations (1)"
wait_for "succeeded"
shot operations
