# Sourced by the Kubernetes simulator's bats files: their Python checks run in one resident
# interpreter a file instead of one interpreter a check (an interpreter start costs 50-100
# ms of CPU here; a file runs dozens of checks, some in polling loops).
#   pyd_start   in setup_file: the interpreter, listening on a loopback port (PYD_PORT)
#   pyd_stop    in teardown_file
#   pyd CODE [ARG...]
#               runs CODE as `python3 -c CODE ARG...` would (fresh globals each time, in
#               the caller's directory, sys.argv ["-c", ARG...]): its stdout and stderr
#               come back, its exit status is pyd's (1 for an exception, with the
#               traceback on stderr; sys.exit(N): N)
#   pyd_http CA URL TOKEN BODYFILE CODEFILE [-X METHOD] [-H 'NAME: VALUE']... [-d BODY]
#               a request made by the interpreter instead of a curl start (20-50 ms of
#               CPU here): https verified against CA (a file; "" for none), the bearer
#               TOKEN (none if empty); the body to BODYFILE and stdout, the status to
#               CODEFILE
# Without a resident interpreter (PYD_PORT unset) pyd starts python3 as before.

PYD_SERVER='
import contextlib, io, os, socket, sys, traceback
owner = int(sys.argv[1])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
srv.settimeout(1)
print(srv.getsockname()[1], flush=True)
def alive():
    try:
        os.kill(owner, 0)
        return True
    except OSError:
        return False
def run(cwd, code, args):
    out, err, status = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            os.chdir(cwd)
            sys.argv = ["-c"] + args
            exec(compile(code, "<pyd>", "exec"), {"__name__": "__main__"})
        except SystemExit as e:
            if e.code is None:
                status = 0
            elif isinstance(e.code, int):
                status = e.code
            else:
                print(e.code, file=sys.stderr)
                status = 1
        except BaseException:
            traceback.print_exc()
            status = 1
    return status, out.getvalue().encode(), err.getvalue().encode()
while alive():  # the bats file that started it went away: so does it
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        continue
    conn.settimeout(None)
    with conn, conn.makefile("rb") as f:
        head = [int(n) for n in f.readline().split()]  # cwd, code, then each argument
        if len(head) < 2:
            continue
        cwd, code, *args = [f.read(n).decode() for n in head]
        status, out, err = run(cwd, code, args)
        conn.sendall(b"%d %d %d\n" % (status, len(out), len(err)) + out + err)
'

pyd_start() {
    # PY: the interpreter itself, not a version manager's shim (tests may run it too)
    PY=${PY:-$(python3 -c 'import sys; print(sys.executable)')}
    export PY
    local py=$PY f
    f=$(mktemp "${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/pyd.XXXXXX") || return 1
    # 3>&-: bats waits for whatever holds its fd 3 open; the interpreter must not
    "$py" -c "$PYD_SERVER" "$$" >"$f" 2>&1 3>&- &
    PYD_PID=$!
    local i=0
    while [ $i -lt 400 ]; do
        read -r PYD_PORT <"$f" || true # (bats runs with set -e) not written yet
        case "$PYD_PORT" in
            [0-9]*) export PYD_PID PYD_PORT && rm -f "$f" && return 0 ;;
        esac
        kill -0 "$PYD_PID" 2>/dev/null || break
        i=$((i + 1))
        sleep 0.025
    done
    echo "pyd did not start: $(cat "$f")" >&2
    PYD_PORT=""
    return 1
}

pyd_stop() {
    [ -n "${PYD_PID:-}" ] || return 0
    kill "$PYD_PID" 2>/dev/null
    PYD_PID="" PYD_PORT=""
    return 0
}

pyd() {
    if [ -z "${PYD_PORT:-}" ]; then
        "${PY:-python3}" -c "$@"
        return
    fi
    local LC_ALL=C fd head status nout nerr out err cwd=$PWD a lens=""
    # lengths in bytes (LC_ALL=C: ${#x} and read -N count bytes, not characters)
    for a in "$cwd" "$@"; do lens="$lens ${#a}"; done
    exec {fd}<>"/dev/tcp/127.0.0.1/$PYD_PORT" || return 1
    printf '%s\n' "${lens# }" >&"$fd"
    printf '%s' "$cwd" "$@" >&"$fd"
    if ! read -r head <&"$fd"; then
        exec {fd}<&-
        echo "pyd: no answer" >&2
        return 1
    fi
    read -r status nout nerr <<<"$head"
    out="" err=""
    [ "$nout" -eq 0 ] || IFS= read -r -d '' -N "$nout" out <&"$fd" || true
    [ "$nerr" -eq 0 ] || IFS= read -r -d '' -N "$nerr" err <&"$fd" || true
    exec {fd}<&-
    printf '%s' "$out"
    printf '%s' "$err" >&2
    return "$status"
}

PYD_HTTP='
import ssl, sys, urllib.error, urllib.request
ca, url, token, bodyf, codef, method, data = sys.argv[1:8]
hdrs = dict(h.split(": ", 1) for h in sys.argv[8:])
if token:
    hdrs["Authorization"] = "Bearer " + token
data = data.encode() if data else None
req = urllib.request.Request(url, data=data, headers=hdrs, method=method or ("POST" if data else "GET"))
ctx = None
if url.startswith("https:"):
    ctx = ssl.create_default_context(cafile=ca) if ca else ssl._create_unverified_context()
try:
    with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
        status, raw = r.status, r.read()
except urllib.error.HTTPError as e:
    status, raw = e.code, e.read()
with open(bodyf, "wb") as f:
    f.write(raw)
with open(codef, "w") as f:
    f.write(str(status))
sys.stdout.write(raw.decode("utf-8", "replace"))
'

pyd_http() {
    local ca=$1 url=$2 token=$3 bodyf=$4 codef=$5 method="" data="" hdrs=()
    shift 5
    while [ $# -gt 0 ]; do
        case $1 in
            -X) method=$2 ;;
            -H) hdrs+=("$2") ;;
            -d) data=$2 ;;
            *) echo "pyd_http: $1 is not an option" >&2 && return 1 ;;
        esac
        shift 2
    done
    pyd "$PYD_HTTP" "$ca" "$url" "$token" "$bodyf" "$codef" "$method" "$data" "${hdrs[@]}"
}
