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

# either A B: the screen shows A or B now
either() { grab; [[ $SCREEN == *"$1"* || $SCREEN == *"$2"* ]]; }

# wait_either A B [SECONDS=10]: until the screen shows A or B
wait_either() { poll "${3:-10}" either "$1" "$2"; }

# visit_screens: clusters, development's jobs (one has a CJK name), each tab of a job,
# help and alerts, each captured with shot once its data is on screen (what one screen
# shows is waited for in one poll)
visit_screens() {
    poll 10 shows "1.20.1" "2.1.0" "3 clusters"
    shot clusters
    keys j j Enter
    # the ASCII names (the CJK one may be drawn differently with --ascii)
    local names
    mapfile -t names < <(sim_job_names development | LC_ALL=C grep -v '[^ -~]')
    [ "${#names[@]}" -gt 0 ]
    poll 10 shows "Jobs: development" "${names[@]}"
    shot jobs
    keys Enter
    poll 10 shows "1 Overview" "VERTEX" "records per second"
    shot tab1-overview
    keys 2
    poll 10 shows "checkpoints  completed" "replay if restarted now"
    shot tab2-checkpoints
    keys 3
    wait_for "ratio per subtask"
    wait_either "HIGH" "OK" 15
    shot tab3-backpressure
    keys 4
    poll 10 shows "task managers of development" "development-taskmanager-"
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
# 100-107, 38;5;N, 48;5;N, 38;2;R;G;B), one a line; attributes (bold, reverse) are not.
# awk, not python3: a python3 costs a tenth of a second of CPU here, and the tests ask
# this for every shot.
colour_codes() {
    LC_ALL=C awk '{
        s = $0
        while (match(s, /\033\[[0-9;:]*m/)) {
            n = split(substr(s, RSTART + 2, RLENGTH - 3), ps, /[;:]/)
            s = substr(s, RSTART + RLENGTH)
            i = 1
            while (i <= n) {
                p = ps[i] ~ /^[0-9]+$/ ? ps[i] + 0 : 0
                if (p == 38 || p == 48) {
                    k = (i + 1 <= n && ps[i + 1] == "5") ? 3 : 5
                    out = ps[i]
                    for (j = i + 1; j < i + k && j <= n; j++) out = out ";" ps[j]
                    print out
                    i += k
                    continue
                }
                if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))
                    print p
                i++
            }
        }
    }' "$1"
}

# reversed FILE: the pane draws something in reverse video (an SGR with the parameter 7)
reversed() {
    LC_ALL=C grep -qE $'\e\\[([0-9;:]*[;:])?7([;:][0-9;:]*)?m' "$1"
}

# The binary loads --theme (main.c wiring): a theme that does not exist is a usage error.
theme_wired() {
    "$FLINKTOP" --help | grep -q -- "--theme" || return 1
    local rc=0
    timeout 10 "$FLINKTOP" --theme nosuch --once --timeout 1 --flink http://127.0.0.1:9 \
        >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ]
}
