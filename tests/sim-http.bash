# Sourced by bats tests (bash) after tests/sim-start.sh: requests to the simulator without
# a process. A curl costs about 22 ms of CPU on this VM, a jq 30 ms, and the suite's poll
# loops, clock moves and fault settings made over a thousand of each a run. A plain-HTTP
# simulator is asked through bash's /dev/tcp (HTTP/1.0: the server closes, so the answer
# is everything read); an https one (the Kubernetes tests') through curl, but for its /_sim
# endpoints, which it serves on a plain-http control port as well (SIM_CONTROL_URL).

# nap SECONDS: a pause without a process of its own: a read with a timeout on a pipe
# nobody writes. The pipe is a process substitution's, opened read-write (so that it never
# reaches end of file) once per shell: one fork a shell, where sleep(1) is one a pause.
nap() {
    if [ -z "${NAP_FD:-}" ] || [ "${NAP_PID:-}" != "$BASHPID" ]; then
        exec {NAP_FD}<> <(:)
        NAP_PID=$BASHPID
    fi
    read -r -t "$1" -u "$NAP_FD" _ || true
}
sim_nap() { nap "$1"; }

# wait_until SECONDS CMD...: runs CMD (its output dropped) until it succeeds, or fails when
# SECONDS (stretched by TEST_TIME_SCALE) have passed; looks every WAIT_NAP_S (0.2 s). It
# runs without bats's DEBUG trap, which costs a test's shell about 160 us a command.
wait_until() { (trap - DEBUG; _wait_until "$@") || _ended $? "wait_until $*"; }

# _ended RC WHAT: returns RC; where a wait's subshell was ended by a signal (a SIGPIPE from
# the tmux control client it wrote to, say) it printed nothing itself: this says so, so
# that no failure is silent
_ended() {
    [ "$1" -le 128 ] || echo "$2: ended by signal $(($1 - 128))" >&2
    return "$1"
}
_wait_until() {
    local t=${EPOCHREALTIME/[.,]/} deadline
    deadline=$((${t:0:-3} + $1 * 1000 * ${TEST_TIME_SCALE:-1}))
    shift
    while ! "$@" >/dev/null 2>&1; do
        t=${EPOCHREALTIME/[.,]/}
        if [ "${t:0:-3}" -ge "$deadline" ]; then
            echo "timed out waiting for: $*" >&2
            return 1
        fi
        nap "${WAIT_NAP_S:-0.2}"
    done
}

# sim_http METHOD PATH [BODY]: HTTP_CODE (000 when the simulator could not be reached)
# and HTTP_BODY. Fails unless the code is 2xx.
sim_http() {
    local method=$1 path=$2 body=${3:-} base=$SIM_URL hostport fd answer
    HTTP_CODE=000 HTTP_BODY=""
    # an https simulator's /_sim endpoints: on its plain-http control port (where SIM_URL is
    # still the simulator that port is of: a test may point SIM_URL at another)
    case "$path" in
        /_sim/*) [ -n "${SIM_CONTROL_URL:-}" ] && [ "${SIM_CONTROL_OF:-}" = "$SIM_URL" ] &&
            base=$SIM_CONTROL_URL ;;
    esac
    case "$base" in
        http://*) ;;
        *)
            answer=$(curl -sk -X "$method" ${body:+-d "$body"} -w '\n%{http_code}' "$SIM_URL$path")
            HTTP_CODE=${answer##*$'\n'}
            HTTP_BODY=${answer%$'\n'*}
            [[ $HTTP_CODE == 2?? ]]
            return
            ;;
    esac
    hostport=${base#http://}
    hostport=${hostport%%/*}
    exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport##*:}" 2>/dev/null || return 1
    printf '%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$method" "$path" "$hostport" "${#body}" "$body" >&"$fd"
    # (-N: read in blocks, where a line or -d read takes a byte a system call; ends at EOF:
    # the server closed)
    IFS= read -r -N 67108864 -u "$fd" answer || true
    exec {fd}<&-
    # "HTTP/1.x CODE reason", headers, a blank line, the body
    HTTP_CODE=${answer#HTTP/1.? }
    HTTP_CODE=${HTTP_CODE:0:3}
    HTTP_BODY=${answer#*$'\r\n\r\n'}
    [[ $HTTP_CODE == 2?? ]]
}

# sim_post PATH BODY: POST to the simulator, nothing printed (sim_advance's; this replaces
# sim-start.sh's curl for bash callers)
sim_post() { sim_http POST "$1" "$2"; }

# faults MODE ARG PATTERN...: the fault on every pattern (replaces sim-start.sh's one curl)
faults() {
    local m=$1 a=$2 p
    shift 2
    for p in "$@"; do
        sim_http POST /_sim/faults "{\"pattern\":\"$p\",\"mode\":\"$m\",\"arg\":\"$a\"}" ||
            { echo "the fault on $p was not set (HTTP $HTTP_CODE): $HTTP_BODY" >&2; return 1; }
    done
}

# sim_stats_count REGEX: how many requests the simulator has served on the paths (its
# templates, as /_sim/stats names them: /clusters/{c}/jobs/{jid}) that REGEX (an
# extended regular expression) matches: its "by_path" object read by bash
sim_stats_count() {
    local rest key count n=0
    sim_http GET /_sim/stats || return 1
    rest=${HTTP_BODY#*\"by_path\":}
    # one "path": count pair at a time from the front, until the object's closing brace
    local re='^[[:space:]{,]*"([^"]*)"[[:space:]]*:[[:space:]]*([0-9]+)'
    while [[ $rest =~ $re ]]; do
        key=${BASH_REMATCH[1]} count=${BASH_REMATCH[2]}
        rest=${rest:${#BASH_REMATCH[0]}}
        [[ $key =~ $1 ]] && n=$((n + count)) # (this match is BASH_REMATCH's now)
    done
    echo "$n"
}
