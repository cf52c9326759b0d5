# End-to-end helpers: flinktop in a real terminal (tmux) against the simulator.
# Each test gets its own tmux server (-L) so tests never see each other's panes.
# Waiting is always polling for a condition with a deadline, never a fixed sleep.
# A file whose tests only read shares one simulator (e2e_setup_file, with its clock
# standing still); a test that changes the simulator's state starts its own (sim_start),
# and where it waits for the simulator's steps it moves the clock (until_advancing).

E2E_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
FLINKTOP=${FLINKTOP:-./flinktop}
. "$E2E_ROOT/tests/sim-start.sh"

e2e_setup() {
    cd "$E2E_ROOT" || return 1
    TMUX_SOCK="flinktop-e2e-$$-${BATS_TEST_NUMBER:-0}"
}

# e2e_setup_file [simulator args...]: in setup_file, the file's simulator
e2e_setup_file() {
    cd "$E2E_ROOT" || return 1
    sim_start_file "$@"
}

e2e_teardown_file() {
    sim_stop_file
}

e2e_teardown() {
    console_stop
    sim_stop
}

# console_stop: ends the test's console and its tmux server. flinktop is sent SIGTERM and
# waited for while its terminal is still there, and only then is the server killed. The
# other order (hang up first) can leave a sanitizer build spinning forever at exit: its
# leak check stops the process with ptrace, and the SIGCONT the kernel sends the orphaned
# process group when the pane's shell dies resumes it before the tracer sees it stop.
console_stop() {
    local pid
    console_pid
    pid=$CONSOLE_PID
    # (a console that already quit: its pane's child is the shell's sleep, ended alike)
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
        tick
        local end=$((NOW_MS + 10000 * SCALE))
        while running "$pid" && tick && [ "$NOW_MS" -lt "$end" ]; do nap 0.05; done
        if running "$pid"; then
            echo "flinktop $pid did not exit on SIGTERM: killed" >&2
            pkill -9 -P "$pid" 2>/dev/null
            kill -9 "$pid" 2>/dev/null
        fi
    fi
    if cap_alive && echo kill-server >&"$CAP_IN" 2>/dev/null; then
        # the client ends with its server: waited for (not killed: it may not have sent
        # the command yet), so that a console started next on this socket does not find
        # a server on its way out
        tick
        local gone=$((NOW_MS + 5000 * SCALE))
        while running "$CAP_PID" && tick && [ "$NOW_MS" -lt "$gone" ]; do nap 0.01; done
        exec {CAP_IN}>&- {CAP_OUT}<&-
        CAP_PID="" CAP_IN="" CAP_OUT=""
    else
        tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
    fi
    tmux_sock_rm "$TMUX_SOCK"
}

# tmux_sock_rm NAME: the socket file of `tmux -L NAME`, whose server is gone (tmux 3.3
# leaves it: a run of the suite left a thousand)
tmux_sock_rm() { rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$UID/$1"; }

# console_pid: CONSOLE_PID, the console's flinktop: its pane's shell's child (from /proc),
# the pane asked through the test's control client where there is one (no process); ""
# when there is no pane
console_pid() {
    local pane="" kids=""
    CONSOLE_PID=""
    if cap_alive && echo "display-message -p '#{pane_pid}'" >&"$CAP_IN" 2>/dev/null && cap_read; then
        pane=$CAP_TEXT
    else
        pane=$(tmux -L "$TMUX_SOCK" display -p '#{pane_pid}' 2>/dev/null)
    fi
    if [ -n "$pane" ]; then
        read -r kids 2>/dev/null <"/proc/$pane/task/$pane/children" || true
        CONSOLE_PID=${kids%% *}
    fi
}

t() { tmux -L "$TMUX_SOCK" "$@"; }

# console COLS ROWS [flinktop args...]: start flinktop in a COLSxROWS terminal, on the
# clusters screen (--start clusters), which most tests are about. START=fleet starts on
# the board; START=default passes no --start: flinktop's default (the board) or the
# config's start: decides. (--start goes last: tests find flinktop by its first arguments.)
console() {
    local cols=$1 rows=$2 start="--start ${START:-clusters}"
    shift 2
    [ "${START:-}" = default ] && start=""
    # (one tmux process: the status line turned off in the same command sequence)
    t -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $FLINKTOP $* $start 2>$BATS_TEST_TMPDIR/stderr; echo \"exited \$?\" >$BATS_TEST_TMPDIR/exit; sleep 30" \
        \; set-option -g status off >/dev/null
    cap_start
}

# The pane is read through one tmux control-mode client a test (a coprocess, started
# after the session by cap_start): a capture is then a line written and a few read,
# instead of a fork of the test's bash and a tmux process. The fork was the costly part:
# the copy-on-write faults it leaves on a bats-sized heap cost ~17 ms of CPU a capture on
# this VM. Without the client (not started, or gone), grab falls back to a tmux process.
cap_start() {
    cap_alive && return 0
    # 3>&-: bats waits for whatever holds its fd 3
    coproc CAP { exec tmux -L "$TMUX_SOCK" -C attach 2>/dev/null 3>&-; }
    CAP_PID=$CAP_PID
    # copies of its pipes: bash closes a coprocess's own in subshells (the waits run in one)
    exec {CAP_IN}>&"${CAP[1]}" {CAP_OUT}<&"${CAP[0]}"
    # attached once the answer to this comes (answers to the client's commands come in
    # order; the attach's own may come before or after)
    echo "display-message -p cap-ready" >&"$CAP_IN"
    local rc=0
    cap_read || rc=$?
    # then no %output lines for what the pane draws: only the commands' answers come back
    if [ $rc = 0 ] && [ "$CAP_TEXT" = cap-ready ] &&
        echo "refresh-client -f no-output" >&"$CAP_IN" && cap_read; then
        return 0
    fi
    cap_stop
    return 0 # grab goes on with tmux processes
}

# cap_alive: the client runs (checked before each write: writing to a pipe nobody reads
# would end the test's shell with SIGPIPE)
cap_alive() { [ -n "${CAP_PID:-}" ] && running "$CAP_PID"; }

cap_stop() {
    [ -n "${CAP_PID:-}" ] && kill "$CAP_PID" 2>/dev/null
    [ -n "${CAP_IN:-}" ] && exec {CAP_IN}>&- {CAP_OUT}<&-
    CAP_PID="" CAP_IN="" CAP_OUT=""
}

# cap_read: the next command's answer (between %begin and %end) in CAP_TEXT, without its
# trailing newlines (as $(...) gives it). Fails on %error (1), or when the client says
# nothing for 10 s or is gone (2).
cap_read() {
    local line text="" inside=0
    while IFS= read -r -t 10 line <&"$CAP_OUT"; do
        if [ $inside = 0 ]; then
            # "%begin TIME NUMBER FLAGS": flags 1 for a command this client sent (the
            # attach's own answer, flags 0, may come after them)
            [[ $line == %begin\ *\ 1 ]] && inside=1
            continue
        fi
        if [[ $line == %end\ * || $line == %error\ * ]]; then
            while [[ $text == *$'\n' ]]; do text=${text%$'\n'}; done
            CAP_TEXT=$text
            [[ $line == %end\ * ]]
            return
        fi
        text+=$line$'\n'
    done
    return 2
}

screen() { grab; printf '%s\n' "$SCREEN"; }

# Deadlines stretch under sanitizer builds (TEST_TIME_SCALE), where everything is slower.
SCALE=${TEST_TIME_SCALE:-1}

now_ms() { tick; echo "$NOW_MS"; }

# The poll loops below run for minutes across a suite, and a process costs about 15 ms of
# CPU here (fork and exec on this VM): a turn is one tmux capture and nothing else. The
# text is matched by bash, the clock read from EPOCHREALTIME (NOW_MS, by tick) and the
# pause is a read with a timeout (nap) instead of sleep(1). They look 10 times a second.
POLL_S=0.1
# A wait that has not ended in its first second (10 turns) is waiting for a refresh or a
# step: it looks 4 times a second from then on. Most of the suite's captures were made by
# such long waits; a short one still sees its screen within 0.1 s.
POLL_SLOW_S=0.25
poll_nap() { # TURN: the wait's turn so far
    if [ "$1" -lt 10 ]; then nap "$POLL_S"; else nap "$POLL_SLOW_S"; fi
}
tick() {
    local t=${EPOCHREALTIME:-}
    t=${t//[.,]/}
    if [ -n "$t" ]; then NOW_MS=$((10#$t / 1000)); else NOW_MS=$(($(date +%s%N) / 1000000)); fi
}

# (nap SECONDS, the pause: tests/sim-http.bash)

# SCREEN: the pane's text now; SCREEN_FILE the same text in a file, for loops over its
# lines. The control client is asked to save the pane to that file rather than print it:
# bash reads a pipe (and a here-string, which is a pipe) one byte a system call, ~3 us
# each here (a 200x60 screen: 12,000 reads, 36 ms of CPU a capture), and a file in blocks.
grab() {
    SCREEN_FILE=$BATS_TEST_TMPDIR/screen
    # (a command list: an answer each; the buffer deleted, or it would be the newest paste
    # buffer, the one a test of the clipboard reads)
    if cap_alive &&
        echo "capture-pane -b grab ; save-buffer -b grab \"$SCREEN_FILE\" ; delete-buffer -b grab" >&"$CAP_IN" 2>/dev/null &&
        cap_read && cap_read && cap_read; then
        SCREEN=""
        IFS= read -r -d '' SCREEN <"$SCREEN_FILE" || true
        while [[ $SCREEN == *$'\n' ]]; do SCREEN=${SCREEN%$'\n'}; done
    else
        SCREEN=$(tmux -L "$TMUX_SOCK" capture-pane -p)
        printf '%s\n' "$SCREEN" >"$SCREEN_FILE"
    fi
}

# wait_for TEXT [SECONDS=10]: until the screen shows TEXT, or fail after the deadline
_wait_for() {
    local text=$1 end turn=0
    tick
    end=$((NOW_MS + ${2:-10} * 1000 * SCALE))
    while :; do
        grab
        [[ "$SCREEN" == *"$text"* ]] && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        poll_nap $((turn++))
    done
    echo "timed out after ${2:-10}s waiting for: $text" >&2
    echo "---- screen ----" >&2
    screen >&2
    return 1
}

# wait_gone TEXT [SECONDS=10]
_wait_gone() {
    local text=$1 end turn=0
    tick
    end=$((NOW_MS + ${2:-10} * 1000 * SCALE))
    while :; do
        grab
        [[ "$SCREEN" != *"$text"* ]] && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        poll_nap $((turn++))
    done
    echo "timed out after ${2:-10}s waiting for '$text' to go" >&2
    screen >&2
    return 1
}

# wait_exit [SECONDS=5]: until flinktop has exited; prints its exit line
_wait_exit() {
    local end turn=0
    tick
    end=$((NOW_MS + ${1:-5} * 1000 * SCALE))
    while :; do
        if [ -s "$BATS_TEST_TMPDIR/exit" ]; then cat "$BATS_TEST_TMPDIR/exit"; return 0; fi
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        poll_nap $((turn++))
    done
    return 1
}

# keys KEY...: tmux send-keys, through the test's control client where there is one (no
# process: the suite presses keys about a thousand times), each key single-quoted for
# tmux's parser; a key with a quote or a newline in it goes through a tmux process
keys() {
    local k line="send-keys"
    for k; do
        case $k in *"'"* | *$'\n'*) line="" && break ;; esac
        line+=" '$k'"
    done
    if [ -n "$line" ] && cap_alive && echo "$line" >&"$CAP_IN" 2>/dev/null; then
        cap_read && return 0
        echo "keys $*: $CAP_TEXT" >&2
        return 1
    fi
    t send-keys "$@"
}

# type_text TEXT: literal characters (UTF-8 as it is), no key names
type_text() { keys -l -- "$1"; }

# on_screen TEXT / off_screen TEXT: the screen shows TEXT now / does not (no waiting)
on_screen() { grab; [[ "$SCREEN" == *"$1"* ]]; }
# shows TEXT...: the screen shows every TEXT now (one capture); poll waits for it
shows() {
    local s
    grab
    for s; do [[ $SCREEN == *"$s"* ]] || return 1; done
}
off_screen() { grab; [[ "$SCREEN" != *"$1"* ]]; }

# until_advancing STEP_MS SECONDS CMD...: for a simulator with --clock manual: runs CMD (a
# check that does not wait, like on_screen) until it succeeds; each time flinktop has had
# a refresh (ADVANCE_EVERY_MS, default 1200 ms real) to show the state without it, the
# simulator's clock moves STEP_MS. Fails after SECONDS of real time (stretched by SCALE).
_until_advancing() {
    local step=$1 secs=$2 end next turn=0
    shift 2
    tick
    end=$((NOW_MS + secs * 1000 * SCALE))
    next=$((NOW_MS + ${ADVANCE_EVERY_MS:-1200}))
    while :; do
        if "$@"; then return 0; fi
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        if [ "$NOW_MS" -ge "$next" ]; then
            sim_advance "$step" || break
            next=$((NOW_MS + ${ADVANCE_EVERY_MS:-1200}))
        fi
        poll_nap $((turn++))
    done
    echo "timed out after ${secs}s (moving the simulator's clock ${step} ms at a time): $*" >&2
    echo "---- screen ----" >&2
    screen >&2
    return 1
}

fault() { # PATTERN MODE [ARG]
    faults "$2" "${3:-}" "$1"
}

# sim_job_names CLUSTER: the job names the simulator serves, one a line
sim_job_names() {
    sim_http GET "/clusters/$1/jobs/overview" && jq -r '.jobs[].name' <<<"$HTTP_BODY"
}

# sim_count REGEX: how many requests the simulator has served on the paths (its templates,
# as /_sim/stats names them: /clusters/{c}/jobs/{jid}) that REGEX (extended) matches
sim_count() { sim_stats_count "$1"; }

# served SUFFIX: requests the simulator served whose path ends with SUFFIX
served() { sim_count "${1//./\\.}\$"; }
served_more() { [ "$(served "$1")" -gt "$2" ]; } # SUFFIX N: more than N now

# sim_count_at_least REGEX MIN: sim_count REGEX is MIN or more now (no waiting)
sim_count_at_least() {
    local n
    n=$(sim_count "$1")
    [ "${n:-0}" -ge "$2" ]
}

# wait_sim_count REGEX MIN [SECONDS=10]: until sim_count REGEX is at least MIN: "flinktop
# has refreshed N more times" without waiting a fixed time for it
_wait_sim_count() {
    local end turn=0
    tick
    end=$((NOW_MS + ${3:-10} * 1000 * SCALE))
    while :; do
        sim_count_at_least "$1" "$2" && return 0
        tick
        [ "$NOW_MS" -lt "$end" ] || break
        poll_nap $((turn++))
    done
    echo "timed out after ${3:-10}s waiting for $2 requests on $1 (have $(sim_count "$1"))" >&2
    return 1
}

# The waits run without bats's DEBUG trap (a subshell that drops it): bats calls it before
# every command of a test, and over a poll loop's turns that came to as much CPU as the
# loop itself (a 10 s wait_for: 2.5 s of CPU inside bats, 1.3 s outside).
wait_for() { (trap - DEBUG; _wait_for "$@") || _ended $? "wait_for $*"; }
wait_gone() { (trap - DEBUG; _wait_gone "$@") || _ended $? "wait_gone $*"; }
wait_exit() { (trap - DEBUG; _wait_exit "$@") || _ended $? "wait_exit $*"; }
until_advancing() { (trap - DEBUG; _until_advancing "$@") || _ended $? "until_advancing $*"; }
wait_sim_count() { (trap - DEBUG; _wait_sim_count "$@") || _ended $? "wait_sim_count $*"; }

# poll SECONDS CMD...: until CMD (a check that does not wait, such as one grab and a
# match) succeeds, or fail after SECONDS (stretched by SCALE) showing the screen. Looks
# every POLL_S, without bats's DEBUG trap.
poll() { (trap - DEBUG; _poll "$@") || _ended $? "poll $*"; }
_poll() {
    local secs=$1
    shift
    tick
    _poll_until $((NOW_MS + secs * 1000 * SCALE)) "timed out after ${secs}s" "$@"
}

# poll_before END_MS CMD...: poll with a deadline that is not stretched: CMD must succeed
# before the clock (tick's NOW_MS) reaches END_MS. For a check whose meaning is its time:
# what the console cannot have drawn by itself before then.
poll_before() {
    (trap - DEBUG; _poll_until "$1" "not before $1 ms" "${@:2}") || _ended $? "poll_before $*"
}

# _poll_until END_MS WHY CMD...: the loop of both
_poll_until() {
    local end=$1 why=$2 turn=0
    shift 2
    until "$@"; do
        tick
        if [ "$NOW_MS" -ge "$end" ]; then
            echo "$why: $*" >&2
            screen >&2
            return 1
        fi
        poll_nap $((turn++))
    done
}

# heap_trend_is N: the JobManager heap's trend on the screen now is N points long
heap_trend_is() {
    local LC_ALL=C.UTF-8 re='jobmanager heap [0-9.]+[KMG]?/[0-9.]+[KMG]? ([▁▂▃▄▅▆▇█]+)'
    grab
    [[ $SCREEN =~ $re ]] && [ "${#BASH_REMATCH[1]}" -eq "$1" ]
}

# heap_queries: the backfill's heap queries (those with task manager ids) that the file's
# Prometheus logged (PROM_QUERY_LOG, tests/prom-start.sh), one a line
heap_queries() { jq -r '.params.query // empty | select(test("tm_id=~"))' "$PROM_QUERY_LOG"; }

# screen_matches REGEX: a line of the screen now matches REGEX (bash's =~, one capture: no bash,
# tmux and grep a poll turn)
screen_matches() { grab; line_matches "$1"; }

# line_matches REGEX...: a line of SCREEN (grab) matches every REGEX (bash's =~)
line_matches() {
    local line re ok
    while IFS= read -r line; do
        ok=1
        for re; do [[ $line =~ $re ]] || { ok=0; break; }; done
        [ $ok = 1 ] && return 0
    done <"$SCREEN_FILE"
    return 1
}
