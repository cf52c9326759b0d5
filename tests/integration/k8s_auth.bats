#!/usr/bin/env bats
# flinktop (the real binary, --once --output json) against the simulator posing as an
# API server over HTTPS with a bearer token: the simulator's own kubeconfig works; a
# wrong CA, a missing or wrong token, a working exec credential plugin and a missing one
# each give the context the line an SRE needs, and no credential ever reaches stdout or
# stderr. One simulator for the file, on the suite's throwaway certificate.
# Run after `make`: bats tests/integration/k8s_auth.bats

load ../bats_speed
load k8s_pyd

TOKEN=k8s-auth-token-5e91c0

# Every test only reads: one simulator for the file, on the suite's certificate. The
# Python checks run in one resident interpreter (k8s_pyd.bash).
setup_file() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    test_cert || return 1
    sim_start_file --clusters 3 --jobs 4 --frozen --clock manual --token "$TOKEN" --tls-cert "$TEST_CERT" \
        --tls-key "$TEST_KEY" --kubeconfig-out "$BATS_FILE_TMPDIR/sim.kubeconfig" || return 1
    CERT=$TEST_CERT
    export CERT
    pyd_start
}

teardown_file() {
    pyd_stop
    . tests/sim-start.sh
    sim_stop_file
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.." || return 1
    . tests/sim-start.sh
    FLINKTOP=${FLINKTOP:-./flinktop}
    T="$BATS_TEST_TMPDIR"
    cp -p "$BATS_FILE_TMPDIR/sim.kubeconfig" "$T/sim.kubeconfig" || return 1
    CA_DATA=$(base64 -w0 "$CERT")
}

teardown() {
    sim_stop
}

# cert CERT KEY: another self-signed certificate for 127.0.0.1 (made once a suite run)
cert() {
    test_cert other && cp "$TEST_CERT" "$1" && cp "$TEST_KEY" "$2"
}

# kubeconfig FILE CA_DATA USER_YAML: one context "sim" on the simulator; USER_YAML is the
# body of the user entry (already indented by 4)
kubeconfig() {
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: sim
  cluster:
    server: $SIM_URL
    certificate-authority-data: $2
users:
- name: sre
  user:
$3
contexts:
- name: sim
  context: {cluster: sim, user: sre}
EOF
}

# once KUBECONFIG: flinktop --once; stdout in $T/out.json, stderr in $T/err, status in $rc
once() {
    rc=0
    timeout 60 "$FLINKTOP" --once --output json --kubeconfig "$1" >"$T/out.json" 2>"$T/err" ||
        rc=$?
}

# ctx_error: the context's error line from the last run
ctx_error() {
    pyd 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["contexts"][0]["error"] or "")' "$T/out.json"
}

# no_secret S: S appears in neither stdout nor stderr of the last run
no_secret() {
    ! grep -qF -- "$1" "$T/out.json" "$T/err" || false
}

@test "token and TLS from the simulator's kubeconfig: three clusters, and the token nowhere" {
    once "$T/sim.kubeconfig"
    [ "$rc" -eq 0 ]
    pyd 'import json, sys
d = json.load(open(sys.argv[1]))
cs = {c["name"]: c for c in d["clusters"]}
assert set(cs) == {"production", "staging", "development"}, set(cs)
assert d["contexts"][0]["status"] == "ok" and not d["contexts"][0]["error"], d["contexts"]
for c in cs.values():
    assert c["status"] == "ok" and c["jobs"], c["name"]' "$T/out.json"
    no_secret "$TOKEN"
}

@test "a wrong CA: certificate verify failed, naming the server" {
    cert "$T/other.pem" "$T/other.key"
    kubeconfig "$T/kc" "$(base64 -w0 "$T/other.pem")" "    token: $TOKEN"
    once "$T/kc"
    [ "$rc" -eq 3 ]
    err=$(ctx_error)
    [[ $err == *"certificate verify failed"* ]]
    [[ $err == *"$SIM_URL"* ]]
    pyd 'import json, sys; assert json.load(open(sys.argv[1]))["clusters"] == []' \
        "$T/out.json"
    no_secret "$TOKEN"
}

@test "no token: 401 Unauthorized on the context, naming the user" {
    kubeconfig "$T/kc" "$CA_DATA" "    {}"
    once "$T/kc"
    [ "$rc" -eq 3 ]
    err=$(ctx_error)
    [[ $err == "401 Unauthorized (user \"sre\")"* ]]
}

@test "a wrong token: 401 Unauthorized, and the wrong token is not shown either" {
    kubeconfig "$T/kc" "$CA_DATA" "    token: not-the-token-81b2"
    once "$T/kc"
    [ "$rc" -eq 3 ]
    [[ $(ctx_error) == "401 Unauthorized"* ]]
    no_secret "not-the-token-81b2"
    no_secret "$TOKEN"
}

@test "an exec credential plugin provides the token" {
    cat >"$T/get-token" <<EOF
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\n' "$TOKEN"
EOF
    chmod +x "$T/get-token"
    kubeconfig "$T/kc" "$CA_DATA" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $T/get-token
      interactiveMode: Never"
    once "$T/kc"
    [ "$rc" -eq 0 ]
    pyd 'import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(c["name"] for c in d["clusters"]) == ["development", "production", "staging"]
assert all(c["status"] == "ok" for c in d["clusters"])' "$T/out.json"
    no_secret "$TOKEN"
}

@test "a missing exec plugin: not found, with its installHint" {
    kubeconfig "$T/kc" "$CA_DATA" "    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: flinktop-test-no-such-plugin
      installHint: Install it with apt-get install flinktop-test-auth
      interactiveMode: Never"
    once "$T/kc"
    [ "$rc" -eq 3 ]
    err=$(ctx_error)
    [[ $err == *'exec plugin "flinktop-test-no-such-plugin" not found'* ]]
    [[ $err == *"Install it with apt-get install flinktop-test-auth"* ]]
}

@test "insecure-skip-tls-verify with a token: the token is still sent, and --once says tls_verify false" {
    cat >"$T/insecure.kubeconfig" <<EOF2
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: sim
  cluster:
    server: $SIM_URL
    insecure-skip-tls-verify: true
users:
- name: sre
  user:
    token: $TOKEN
contexts:
- name: sim
  context: {cluster: sim, user: sre}
EOF2
    once "$T/insecure.kubeconfig"
    [ "$rc" -eq 0 ]
    pyd 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["contexts"][0]["tls_verify"] is False, d["contexts"]
assert len(d["clusters"]) == 3, d["clusters"]
for c in d["clusters"]:
    assert c["tls_verify"] is False and c["status"] == "ok", c' "$T/out.json"
    no_secret "$TOKEN"
    timeout 60 "$FLINKTOP" --once --output text --kubeconfig "$T/insecure.kubeconfig" >"$T/out.txt"
    grep -q "^context sim: insecure (TLS not verified, a credential sent anyway)$" "$T/out.txt"
    grep -q "^cluster production: insecure (TLS not verified, a credential sent anyway)$" "$T/out.txt"
    # the verifying kubeconfig: true everywhere
    once "$T/sim.kubeconfig"
    pyd 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["contexts"][0]["tls_verify"] is True
assert all(c["tls_verify"] is True for c in d["clusters"]), d["clusters"]' "$T/out.json"
}
