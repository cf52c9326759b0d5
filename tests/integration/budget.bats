#!/usr/bin/env bats
# The request budget, counted by the simulator (/_sim/stats): a console watching 100
# clusters sends their server no more than the default budget (5 requests a second,
# burst 10: client-go's), while the job on screen still refreshes every round.

load ../bats_speed
load ../e2e/lib

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

# fleet_args: --flink NAME=URL for each of the simulator's $1 clusters
fleet_args() {
    local i name
    for i in $(seq 1 "$1"); do
        case $i in
            1) name=production ;;
            2) name=staging ;;
            3) name=development ;;
            *) name=cluster-$i ;;
        esac
        printf -- '--flink %s=%s/clusters/%s ' "$name" "$SIM_URL" "$name"
    done
}

# stats: STATS is /_sim/stats now (one curl)
stats() { STATS=$(curl -sf "$SIM_URL/_sim/stats"); }

# stat FIELD: a number from STATS (a top-level field, or a by_path template; none is 0),
# read by bash: a poll turn is one curl, not a curl and a jq. The simulator writes it
# unformatted (cJSON), each key once: a top-level field's name has no '/', a template's
# starts with one.
stat() {
    local rest=${STATS#*"\"$1\":"}
    if [ "$rest" = "$STATS" ]; then echo 0; else echo "${rest%%[!0-9]*}"; fi
}

BP='/clusters/{cluster}/jobs/{jid}/vertices/{vid}/backpressure'

@test "100 clusters: requests stay within the budget while the job on screen refreshes" {
    sim_start --frozen --clusters 100 --jobs 1 || return 1
    # a refresh of 4 s: the job on screen's heatmap (11 requests a refresh, never held
    # for the budget) fits in it with room for the rest
    console 120 40 --refresh 4 $(fleet_args 100)
    wait_for "Clusters (100)"
    wait_for "1.20.1"
    keys Enter
    wait_for "Jobs: production ("
    keys Enter
    wait_for "1 Overview"
    keys 3 # the heatmap: per-subtask backpressure, asked for the job on screen only
    wait_for "ratio per subtask"
    sim_http DELETE "/_sim/stats"
    local start=$(now_ms) end=$(($(now_ms) + 90000 * SCALE))
    # the job on screen refreshes: three rounds of its vertices' backpressure
    # (a turn: one curl, the numbers read by bash; a look every 0.5 s for the first two
    # rounds, 4 s apart, and every 0.2 s as before for the last, which ends the count)
    local n=0
    until stats && n=$(stat "$BP") && [ "$n" -ge 12 ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "the job on screen stopped refreshing: $STATS" >&2; return 1; }
        if [ "$n" -lt 8 ]; then nap 0.5; else nap 0.2; fi
    done
    local total=$(stat flink) elapsed=$(($(now_ms) - start))
    # within the budget: 5 a second plus the burst, and what was in flight when counting
    # started (the background keeps at most 16 out)
    local allowed=$((5 * elapsed / 1000 + 10 + 16))
    echo "requests: $total in ${elapsed} ms (allowed $allowed): $(curl -s "$SIM_URL/_sim/stats")" >&3
    [ "$total" -le "$allowed" ]
    # while the other 99 clusters still get their turn, off screen
    stats
    [ "$(stat '/clusters/{cluster}/overview')" -gt 1 ]
    # the screen in view never waits for them: its data is fresh
    off_screen "stale"
}
