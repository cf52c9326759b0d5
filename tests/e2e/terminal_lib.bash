# Sourced by terminal*.bats (after lib.bash): the file's simulator, a console with its
# own environment, screen shots, and the visit of every screen they check.
# (terminal.bats was one file run test after test: split in two the suite runs side by
# side.)

# One simulator for the file (its clock standing still); every test only reads.
setup_file() {
    # default names (no --hostile-names): development serves a CJK job name
    e2e_setup_file --jobs 3 --clock manual
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
    SHOTS="$BATS_TEST_TMPDIR/shots"
    mkdir -p "$SHOTS"
}

teardown() {
    e2e_teardown
}

# console_env "VAR=VALUE ..." COLS ROWS [flinktop args...]: console with extra environment
console_env() {
    local envs=$1 cols=$2 rows=$3
    shift 3
    t -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $envs $FLINKTOP $* --start clusters 2>$BATS_TEST_TMPDIR/stderr; echo \"exited \$?\" >$BATS_TEST_TMPDIR/exit; sleep 30"
    t set-option -g status off >/dev/null
}

# shot NAME: the pane as text (NAME.txt) and with its attributes and colours (NAME.ansi)
shot() {
    t capture-pane -p >"$SHOTS/$1.txt"
    t capture-pane -e -p >"$SHOTS/$1.ansi"
}

# wait_either A B [SECONDS]: until the screen shows A or B
wait_either() {
    local end=$(($(now_ms) + ${3:-10} * 1000 * SCALE))
    while :; do
        if screen | grep -qF -e "$1" -e "$2"; then return 0; fi
        [ "$(now_ms)" -lt "$end" ] || break
        nap 0.05
    done
    echo "timed out waiting for '$1' or '$2'" >&2
    screen >&2
    return 1
}

# visit_screens: clusters, development's jobs (one has a CJK name), each tab of a job,
# help and alerts, each captured with shot once its data is on screen
visit_screens() {
    wait_for "1.20.1"
    wait_for "2.1.0"
    wait_for "3 clusters"
    shot clusters
    keys j j Enter
    wait_for "Jobs: development"
    # the ASCII names (the CJK one may be drawn differently with --ascii)
    while read -r name; do
        if LC_ALL=C grep -q '[^ -~]' <<<"$name"; then continue; fi
        wait_for "$name" 5
    done < <(sim_job_names development)
    shot jobs
    keys Enter
    wait_for "1 Overview"
    wait_for "VERTEX"
    wait_for "records per second"
    shot tab1-overview
    keys 2
    wait_for "checkpoints  completed"
    wait_for "replay if restarted now"
    shot tab2-checkpoints
    keys 3
    wait_for "ratio per subtask"
    wait_either "HIGH" "OK" 15
    shot tab3-backpressure
    keys 4
    wait_for "task managers of development"
    wait_for "development-taskmanager-"
    shot tab4-taskmanagers
    keys 5
    wait_either "root cause" "no exceptions: the job has not failed"
    shot tab5-exceptions
    keys 6
    wait_for "not managed by the Flink Kubernetes Operator"
    shot tab6-kubernetes
    keys '?'
    wait_for "Help: "
    shot help
    keys '?'
    wait_gone "Help: "
    keys '!'
    wait_for "Alerts: "
    shot alerts
}

# colour_codes FILE: every SGR parameter in FILE that sets a colour (30-37, 40-47, 90-97,
# 100-107, 38;5;N, 48;5;N, 38;2;R;G;B), one a line; attributes (bold, reverse) are not
colour_codes() {
    python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for m in re.finditer(r"\x1b\[([0-9;:]*)m", text):
    ps = [p for p in re.split(r"[;:]", m.group(1))]
    i = 0
    while i < len(ps):
        p = int(ps[i]) if ps[i].isdigit() else 0
        if p in (38, 48):
            n = 3 if i + 1 < len(ps) and ps[i + 1] == "5" else 5
            print(";".join(ps[i:i + n]))
            i += n
            continue
        if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
            print(p)
        i += 1
EOF
}

# reversed FILE: the pane draws something in reverse video (SGR 7)
reversed() {
    python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
sys.exit(0 if any("7" in re.split(r"[;:]", m.group(1))
                  for m in re.finditer(r"\x1b\[([0-9;:]*)m", text)) else 1)
EOF
}

# The binary loads --theme (main.c wiring): a theme that does not exist is a usage error.
theme_wired() {
    "$FLINKTOP" --help | grep -q -- "--theme" || return 1
    local rc=0
    timeout 10 "$FLINKTOP" --theme nosuch --once --timeout 1 --flink http://127.0.0.1:9 \
        >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ]
}
