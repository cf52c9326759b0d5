# Sourced by scripts and bats tests: start flinktop-sim on a free loopback port.
#   sim_start [simulator args...]   sets SIM_PID, SIM_URL, SIM_LOG (exported), and for an
#                                   https simulator SIM_CONTROL_URL: its /_sim endpoints
#                                   over plain http (SIM_CONTROL_OF: the SIM_URL it is of)
#   sim_stop                        stops what sim_start started (never the file's one)
#   sim_start_file [args...]        in setup_file: one simulator for every test of the file
#   sim_stop_file                   in teardown_file
#   sim_advance MS                  a --clock manual simulator's time jumps MS ahead
#   test_cert [NAME]                one throwaway certificate per suite run: TEST_CERT, TEST_KEY
# Waits for the "listening on" line with a deadline instead of sleeping.
FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}

# sim_nap SECONDS: a pause in a wait loop (under bash, tests/sim-http.bash's nap: no process)
sim_nap() { sleep "$1"; }

sim_start() {
    # in bats, under its test's (or, in setup_file, its file's) directory, which bats
    # removes: a log is left behind even where a test ends before its sim_stop
    SIM_LOG=$(mktemp "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}/flinktop-sim.XXXXXX")
    # 3>&-: bats waits for whatever holds its fd 3 open; the simulator must not
    "$FLINKTOP_SIM" --port 0 "$@" >"$SIM_LOG" 2>&1 3>&- &
    SIM_PID=$!
    SIM_URL="" SIM_CONTROL_URL="" SIM_CONTROL_OF=""
    export SIM_PID SIM_URL SIM_LOG SIM_CONTROL_URL SIM_CONTROL_OF
    i=0
    while [ $i -lt 200 ]; do
        line="" control=""
        # (empty until it listens; both lines come in one write)
        { read -r line && read -r control; } <"$SIM_LOG" 2>/dev/null || true
        case "$line" in
            "listening on "*)
                SIM_URL=${line#listening on }
                case "$control" in
                    "control on "*) SIM_CONTROL_URL=${control#control on } SIM_CONTROL_OF=$SIM_URL ;;
                esac
                return 0
                ;;
        esac
        if ! kill -0 "$SIM_PID" 2>/dev/null; then
            echo "flinktop-sim exited: $(cat "$SIM_LOG")" >&2
            return 1
        fi
        i=$((i + 1))
        sim_nap 0.025
    done
    echo "flinktop-sim did not start within 5 s" >&2
    return 1
}

# running PID: the process is alive and not a zombie. One whose parent went first (the
# shell of a killed tmux pane, a teardown_file that is not the parent) waits for init to
# reap it, which takes a second or more here: kill -0 alone would wait for that too.
running() {
    local st
    kill -0 "$1" 2>/dev/null || return 1
    read -r st 2>/dev/null <"/proc/$1/stat" || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

sim_stop() {
    # the file's simulator (sim_start_file) outlives every test: teardown_file stops it
    if [ -n "${SIM_PID:-}" ] && [ "$SIM_PID" != "${SIM_FILE_PID:-}" ]; then
        kill "$SIM_PID" 2>/dev/null
        wait "$SIM_PID" 2>/dev/null
        if [ -n "${SIM_LOG:-}" ]; then rm -f "$SIM_LOG"; fi
    fi
    SIM_PID=""
    return 0
}

# sim_start_file [args...]: in setup_file, a simulator every test of the file shares (the
# variables are exported to the tests). Tests that change its state put it back (DELETE
# /_sim/faults, /_sim/requests, ...) or start their own with sim_start.
sim_start_file() {
    sim_start "$@" || return 1
    SIM_FILE_PID=$SIM_PID
    export SIM_FILE_PID
}

sim_stop_file() {
    local pid=${SIM_FILE_PID:-}
    SIM_FILE_PID=""
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null
    # teardown_file may not be the simulator's parent: poll (with a deadline) for its end
    i=0
    while running "$pid" && [ $i -lt 200 ]; do
        i=$((i + 1))
        sim_nap 0.025
    done
    if [ -n "${SIM_LOG:-}" ]; then rm -f "$SIM_LOG"; fi
    SIM_PID=""
    return 0
}

# sim_advance MS: with --clock manual the simulator's time stands still until this moves
# it; everything due meanwhile (action steps, checkpoints, metric fetches, the operator's
# cycle) has happened when it returns. Prints nothing; fails when the simulator does.
sim_advance() {
    sim_post /_sim/clock "{\"advance_ms\":$1}"
}

# sim_mid_hour: the simulator's log files roll on the hour, to a new current file a few
# lines long. A manual clock that is not between 5 and 55 minutes past an hour moves on to
# 5 past the next: a test that reads a current file then finds hundreds of lines in it,
# and what it writes in the next minutes stays in the same file.
sim_mid_hour() {
    _now=$(curl -sfk "$SIM_URL/_sim/clock" | sed -n 's/.*"now_ms":\([0-9]*\).*/\1/p')
    [ -n "$_now" ] || return 1
    _m=$((_now % 3600000))
    [ "$_m" -ge 300000 ] && [ "$_m" -le 3300000 ] && return 0
    sim_advance $(((3600000 - _m + 300000) % 3600000))
}

# sim_post PATH BODY: POST to the simulator, nothing printed (tests/sim-http.bash puts a
# process-free one in its place for bash)
sim_post() {
    curl -sfk -X POST "$SIM_URL$1" -d "$2" >/dev/null
}

# test_cert [NAME]: a self-signed certificate for 127.0.0.1 (RSA 2048, as real API servers
# have), made once per suite run and reused by every test: tests/run.sh sets
# FLINKTOP_TEST_CERTS, bats alone uses its run's temporary directory. The first user makes
# it under a lock. NAME (default "sim") gives another one (a wrong CA). Sets TEST_CERT
# and TEST_KEY.
test_cert() {
    local d=${FLINKTOP_TEST_CERTS:-${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/flinktop-certs}
    local n=${1:-sim}
    mkdir -p "$d" || return 1
    (
        flock 9 || exit 1
        if [ ! -s "$d/$n.pem" ] || [ ! -s "$d/$n.key" ]; then
            openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
                -addext subjectAltName=IP:127.0.0.1 -days 2 -keyout "$d/$n.key.tmp" \
                -out "$d/$n.pem.tmp" >/dev/null 2>&1 &&
                mv "$d/$n.key.tmp" "$d/$n.key" && mv "$d/$n.pem.tmp" "$d/$n.pem"
        fi
    ) 9>"$d/.lock" || return 1
    TEST_CERT=$d/$n.pem
    TEST_KEY=$d/$n.key
    [ -s "$TEST_CERT" ] && [ -s "$TEST_KEY" ]
}

# The --flink arguments for the simulator's three default clusters.
sim_flink_args() {
    for c in ${SIM_CLUSTERS:-production staging development}; do
        printf -- '--flink %s=%s/clusters/%s ' "$c" "$SIM_URL" "$c"
    done
}

# faults MODE ARG PATTERN...: the fault on every pattern, in one curl (--next: a process
# a fault cost more CPU than the simulator's work); fails unless each was set (201)
faults() (
    m=$1 a=$2
    shift 2
    want=$# i=0
    # POSIX sh (run.sh sources this under dash): the curl arguments are built in "$@";
    # 'for p do' walks the patterns as they were when it began
    for p do
        shift
        [ $i -eq 0 ] || set -- "$@" --next
        set -- "$@" -s -o /dev/null -w '%{http_code} ' -X POST \
            -d "{\"pattern\":\"$p\",\"mode\":\"$m\",\"arg\":\"$a\"}" "$SIM_URL/_sim/faults"
        i=$((i + 1))
    done
    codes=$(curl "$@")
    n=0
    for c in $codes; do
        [ "$c" = 201 ] || { echo "a fault was not set (HTTP $c): $codes" >&2; exit 1; }
        n=$((n + 1))
    done
    [ "$n" = "$want" ] || { echo "$want faults wanted, $n answers: $codes" >&2; exit 1; }
)

# bash callers (the bats tests) ask a plain-HTTP simulator without starting processes
if [ -n "${BASH_VERSION:-}" ]; then . "${BASH_SOURCE%/*}/sim-http.bash"; fi
