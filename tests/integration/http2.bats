#!/usr/bin/env bats
# HTTP/2: where a server offers it (every kube-apiserver does), flinktop multiplexes its
# requests on one connection (libcurl's CURLPIPE_MULTIPLEX) instead of opening one per
# request in flight, and everything still arrives. nghttpx (Debian nghttp2-proxy) fronts
# the simulator as an HTTP/2 TLS reverse proxy; its access log names the client port of
# every request, so the connections flinktop opened are counted, not guessed.

load ../bats_speed

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    FLINKTOP=${FLINKTOP:-./flinktop}
    . tests/sim-start.sh
    command -v nghttpx >/dev/null || skip "nghttpx not installed (tests/deps.sh: nghttp2-proxy)"
    test_cert || return 1
    PROXY_PID=""
    LOG="$BATS_TEST_TMPDIR/access.log"
}

teardown() {
    if [ -n "$PROXY_PID" ]; then
        kill "$PROXY_PID" 2>/dev/null
        wait "$PROXY_PID" 2>/dev/null
    fi
    sim_stop
}

# proxy_start: nghttpx on a free port in front of the simulator; sets PROXY_URL
proxy_start() {
    local sim_port=${SIM_URL##*:} port
    # a port nothing listens on, below the ephemeral range (bash's /dev/tcp: python3 is a
    # pyenv shim here, half a second of CPU a start)
    for _ in {1..20}; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    nghttpx --conf=/dev/null --frontend="127.0.0.1,$port" --backend="127.0.0.1,$sim_port" --workers=1 \
        --accesslog-file="$LOG" --accesslog-format='$remote_port $alpn $status $path' \
        --errorlog-file="$BATS_TEST_TMPDIR/error.log" \
        "$TEST_KEY" "$TEST_CERT" 3>&- &
    PROXY_PID=$!
    PROXY_URL="https://127.0.0.1:$port"
    local end=$((SECONDS + 20))
    until curl -sf --cacert "$TEST_CERT" "$PROXY_URL/clusters/production/overview" >/dev/null; do
        [ $SECONDS -lt $end ] || { cat "$BATS_TEST_TMPDIR/error.log" >&2; return 1; }
        kill -0 "$PROXY_PID" 2>/dev/null || { cat "$BATS_TEST_TMPDIR/error.log" >&2; return 1; }
        sleep 0.1
    done
    : >"$LOG" # only flinktop's requests from here on
}

@test "over HTTP/2 --once multiplexes its requests on few connections and prints what the server serves" {
    sim_start --frozen --clusters 1 --jobs 20 || return 1
    proxy_start || return 1
    cat >"$BATS_TEST_TMPDIR/config.yaml" <<YAML
clusters:
  - name: production
    flink: $PROXY_URL/clusters/production
    ca_file: $TEST_CERT
YAML
    run "$FLINKTOP" --once --output json -c "$BATS_TEST_TMPDIR/config.yaml"
    [ "$status" -eq 0 ]
    printf '%s' "$output" >"$BATS_TEST_TMPDIR/out.json"
    curl -sf "$SIM_URL/clusters/production/jobs/overview" >"$BATS_TEST_TMPDIR/sim.json"
    python3 - "$BATS_TEST_TMPDIR/out.json" "$BATS_TEST_TMPDIR/sim.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sim = json.load(open(sys.argv[2]))['jobs']
c = d['clusters'][0]
assert c['status'] == 'ok' and c['error'] is None, c
got = sorted((j['id'], j['name'], j['state']) for j in c['jobs'])
want = sorted((j['jid'], j['name'], j['state']) for j in sim)
assert got == want and len(got) == 20, (got, want)
running = [j for j in c['jobs'] if j['state'] == 'RUNNING']
assert running and all(j['vertices'] for j in running), running[:1]
PY
    # every request went over HTTP/2, and a few connections carried them all (HTTP/1.1
    # would open up to 8 at once, and more over the run)
    local requests conns h1
    requests=$(wc -l <"$LOG")
    conns=$(awk '{print $1}' "$LOG" | sort -u | wc -l)
    h1=$(awk '$2 != "h2"' "$LOG" | wc -l)
    echo "requests $requests over $conns connections; not h2: $h1" >&3
    [ "$requests" -ge 40 ]
    [ "$h1" -eq 0 ]
    [ "$conns" -le 2 ]
}
