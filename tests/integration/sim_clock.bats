#!/usr/bin/env bats
# The simulator's manual clock (--clock manual): time stands still until POST /_sim/clock
# moves it, and then everything that depends on time has happened: an action's steps,
# periodic checkpoints, the metric fetcher, the operator's cycle. Ten minutes in one call.
# Run after `make flinktop-sim`: bats tests/integration/sim_clock.bats

# The Python checks run in one resident interpreter (k8s_pyd.bash).
load ../bats_speed
load k8s_pyd

setup_file() {
    pyd_start
}

teardown_file() {
    pyd_stop
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    T="$BATS_TEST_TMPDIR"
}

teardown() {
    sim_stop
}

# req METHOD PATH [curl args...]: the body goes to $T/body, the status to $T/code
req() {
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -o "$T/body" -w '%{http_code}' "$@" "$SIM_URL$path" >"$T/code"
}

code() { cat "$T/code"; }

# py CODE: Python with json and sys; body() is the last response body
py() {
    pyd "import json, sys
def body(): return json.load(open('$T/body'))
$1"
}

running_job() { # CLUSTER
    req GET "/clusters/$1/jobs/overview"
    py 'print([j["jid"] for j in body()["jobs"] if j["state"] == "RUNNING"][0])'
}

@test "GET /_sim/clock: real by default, its now is the wall clock's" {
    sim_start --clusters 3 --jobs 4 --frozen
    before=$(($(date +%s%N) / 1000000))
    req GET /_sim/clock
    after=$(($(date +%s%N) / 1000000))
    [ "$(code)" = 200 ]
    py "b = body(); assert b['ok'] is True and b['mode'] == 'real', b
assert $before - 1000 <= b['now_ms'] <= $after + 1000, (b, $before, $after)"
}

@test "manual: time stands still, POST advances it by exactly advance_ms and answers the new now" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    req GET /_sim/clock
    py 'assert body()["mode"] == "manual"'
    t0=$(py 'print(body()["now_ms"])')
    jid=$(running_job production)
    req GET "/clusters/production/jobs/$jid"
    d0=$(py 'print(body()["duration"])')
    # real time passes (a poll with a deadline: wait until the wall clock has moved 50 ms)
    end=$(($(date +%s%N) / 1000000 + 50))
    while [ $(($(date +%s%N) / 1000000)) -lt "$end" ]; do sleep 0.01; done
    req GET /_sim/clock
    py "assert body()['now_ms'] == $t0, body()"
    req GET "/clusters/production/jobs/$jid"
    py "assert body()['duration'] == $d0, body()['duration']"
    req POST /_sim/clock -d '{"advance_ms":1500}'
    [ "$(code)" = 200 ]
    py "b = body(); assert b['ok'] is True and b['mode'] == 'manual' and b['now_ms'] == $t0 + 1500, b"
    req GET "/clusters/production/jobs/$jid"
    py "assert body()['duration'] == $d0 + 1500, (body()['duration'], $d0)"
    req GET /_sim/clock
    py "assert body()['now_ms'] == $t0 + 1500, body()"
}

@test "manual: ten minutes at once: a savepoint completes and the checkpoint count grows" {
    sim_start --clusters 3 --jobs 4 --clock manual --seed 3
    jid=$(running_job production)
    req GET "/clusters/production/jobs/$jid/checkpoints"
    n0=$(py 'print(body()["counts"]["completed"])')
    req POST "/clusters/production/jobs/$jid/savepoints" -d '{}'
    [ "$(code)" = 202 ]
    trigger=$(py 'print(body()["request-id"])')
    # nothing moves while the clock stands still
    req GET "/clusters/production/jobs/$jid/savepoints/$trigger"
    py 'assert body()["status"]["id"] == "IN_PROGRESS", body()'
    req GET "/clusters/production/jobs/$jid/checkpoints"
    py "assert body()['counts']['completed'] == $n0"
    req POST /_sim/clock -d '{"advance_ms":600000}'
    [ "$(code)" = 200 ]
    req GET "/clusters/production/jobs/$jid/savepoints/$trigger"
    py 'b = body(); assert b["status"]["id"] == "COMPLETED" and b["operation"]["location"].startswith("s3://"), b'
    # production checkpoints every minute: ten minutes bring several more
    req GET "/clusters/production/jobs/$jid/checkpoints"
    py "n = body()['counts']['completed']; assert n >= $n0 + 5, (n, $n0)"
}

@test "manual: the operator's cycle follows the clock: nothing observed until it moves, then STABLE" {
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    FD=/apis/flink.apache.org/v1beta1/namespaces/flink-dev/flinkdeployments/development
    req PATCH "$FD" -H 'Content-Type: application/merge-patch+json' \
        -d '{"spec":{"job":{"parallelism":2}}}'
    [ "$(code)" = 200 ]
    gen=$(py 'print(body()["metadata"]["generation"])')
    req GET "$FD"
    py "assert body()['status']['observedGeneration'] == $gen - 1, body()['status']"
    req POST /_sim/clock -d '{"advance_ms":60000}'
    req GET "$FD"
    py "s = body()['status']
assert s['observedGeneration'] == $gen and s['lifecycleState'] == 'STABLE', s"
}

@test "manual: metrics move only at the fetcher's 10 s steps of the clock" {
    sim_start --clusters 3 --jobs 4 --clock manual
    req GET /_sim/jobs
    path=$(py 'j = [j for j in body()["jobs"] if j["cluster"] == "production" and j["state"] == "RUNNING"][0]
print("/jobs/%s/vertices/%s/backpressure" % (j["jid"], j["vertices"][0]["id"]))')
    req GET "$path"
    e0=$(py 'print(body()["end-timestamp"])')
    sim_advance 9000
    req GET "$path"
    py "assert body()['end-timestamp'] == $e0, body()"
    sim_advance 1000
    req GET "$path"
    py "assert body()['end-timestamp'] == $e0 + 10000, body()"
}

@test "bad clock requests: 400 for a bad body, 405 for other methods, --clock sideways exits 2" {
    run "$FLINKTOP_SIM" --clock sideways
    [ "$status" -eq 2 ]
    [[ $output == *"--clock wants real or manual"* ]]
    sim_start --clusters 3 --jobs 4 --frozen --clock manual
    for b in '' '{}' '{"advance_ms":-1}' '{"advance_ms":1.5}' '{"advance_ms":"10"}' \
        '{"advance_ms":86400001}'; do
        req POST /_sim/clock -d "$b"
        [ "$(code)" = 400 ]
        py 'assert "advance_ms" in body()["errors"][0], body()'
    done
    req DELETE /_sim/clock
    [ "$(code)" = 405 ]
}
