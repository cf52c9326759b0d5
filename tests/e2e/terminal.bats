#!/usr/bin/env bats
# The terminal, end to end: NO_COLOR draws no colour, --ascii draws nothing but ASCII, on
# every screen a user visits; --theme changes the colours, and a theme that does not
# exist stops flinktop with a clear message.

load lib

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
        sleep 0.05
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

@test "NO_COLOR=1 draws no colour on any screen, even on a 256-colour terminal" {
    console_env "TERM=xterm-256color NO_COLOR=1" 120 40 --refresh 1 $(sim_flink_args)
    visit_screens
    local n=0 bad=0
    for f in "$SHOTS"/*.ansi; do
        n=$((n + 1))
        codes=$(colour_codes "$f" | sort -u | tr '\n' ' ')
        if [ -n "$codes" ]; then
            echo "$(basename "$f"): colour codes: $codes" >&2
            bad=$((bad + 1))
        fi
    done
    [ "$bad" -eq 0 ]
    [ "$n" -eq 10 ]
    # still legible: the selection and the status bar are drawn in reverse video
    reversed "$SHOTS/clusters.ansi"
}

@test "the same screens do draw colour without NO_COLOR (the check above can fail)" {
    console_env "TERM=xterm-256color" 120 40 --refresh 1 $(sim_flink_args)
    wait_for "1.20.1"
    shot clusters
    [ -n "$(colour_codes "$SHOTS/clusters.ansi")" ]
}

@test "--ascii: every screen's dump is pure ASCII" {
    console_env "" 120 40 --ascii --refresh 1 $(sim_flink_args)
    visit_screens
    local n=0 bad=0
    for f in "$SHOTS"/*.txt; do
        n=$((n + 1))
        if LC_ALL=C grep -n '[^ -~]' "$f" >"$BATS_TEST_TMPDIR/bad"; then
            echo "$(basename "$f") has non-ASCII bytes:" >&2
            cat "$BATS_TEST_TMPDIR/bad" >&2
            bad=$((bad + 1))
        fi
    done
    [ "$bad" -eq 0 ]
    [ "$n" -eq 10 ]
    # and the raw dump too (attributes only add ASCII escape sequences)
    ! LC_ALL=C grep -q $'[\x80-\xff]' "$SHOTS"/*.ansi
}

@test "without --ascii the UTF-8 dump has what --ascii replaces (the check above can fail)" {
    console_env "" 120 40 --refresh 1 $(sim_flink_args)
    wait_for "2.1.0"
    keys j j Enter
    wait_for "Jobs: development"
    wait_for "日本語"
    shot jobs
    LC_ALL=C grep -q $'[\x80-\xff]' "$SHOTS/jobs.txt"
}

@test "--theme light draws other colours than the default theme" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "TERM=xterm-256color" 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    wait_for "3 clusters"
    shot default
    t kill-server
    console_env "TERM=xterm-256color" 120 40 --theme light $(sim_flink_args)
    wait_for "1.20.1"
    wait_for "3 clusters"
    shot light
    colour_codes "$SHOTS/default.ansi" | sort -u >"$BATS_TEST_TMPDIR/default.codes"
    colour_codes "$SHOTS/light.ansi" | sort -u >"$BATS_TEST_TMPDIR/light.codes"
    [ -s "$BATS_TEST_TMPDIR/light.codes" ]
    ! cmp -s "$BATS_TEST_TMPDIR/default.codes" "$BATS_TEST_TMPDIR/light.codes" || false
    # light's title bar: white (231) on a dark blue (25), where the default has 37 on 44
    grep -qx "48;5;25" "$BATS_TEST_TMPDIR/light.codes"
    ! grep -qx "48;5;25" "$BATS_TEST_TMPDIR/default.codes" || false
    # the text is the same: only the look changed
    diff <(head -n 5 "$SHOTS/default.txt" | cut -c 1-60) <(head -n 5 "$SHOTS/light.txt" | cut -c 1-60)
}

@test "--theme monochrome draws no colour even where the terminal has it" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "TERM=xterm-256color" 120 40 --theme monochrome $(sim_flink_args)
    wait_for "1.20.1"
    shot mono
    [ -z "$(colour_codes "$SHOTS/mono.ansi")" ]
    reversed "$SHOTS/mono.ansi"
}

@test "--theme nosuch exits 2 and names the themes there are" {
    theme_wired || skip "main.c does not load --theme yet"
    console_env "" 100 30 --theme nosuch $(sim_flink_args)
    run wait_exit 5
    [ "$status" -eq 0 ]
    [[ "$output" == "exited 2" ]]
    grep -q 'no theme "nosuch"' "$BATS_TEST_TMPDIR/stderr"
    grep -q 'light' "$BATS_TEST_TMPDIR/stderr"
    # a name that is not a name is refused before anything is looked up
    run "$FLINKTOP" --theme ../../etc/passwd
    [ "$status" -eq 2 ]
    [[ "$output" == *"a theme name is letters, digits, - and _"* ]]
}

@test ":theme light switches the colours at run time; :theme nosuch says so and keeps them" {
    console_env "TERM=xterm-256color" 120 40 $(sim_flink_args)
    wait_for "1.20.1"
    wait_for "3 clusters"
    t send-keys -l ":theme light"
    keys Enter
    local end=$(($(now_ms) + 10000 * SCALE))
    until shot now && colour_codes "$SHOTS/now.ansi" | grep -qx "48;5;25"; do
        [ "$(now_ms)" -lt "$end" ] || { cat "$SHOTS/now.ansi" >&2; return 1; }
        sleep 0.05
    done
    t send-keys -l ":theme nosuch"
    keys Enter
    wait_for 'no theme "nosuch"'
    shot after
    colour_codes "$SHOTS/after.ansi" | grep -qx "48;5;25" # light stays
    wait_for "Clusters (3)"
}
