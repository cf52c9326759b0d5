#!/bin/bash
# make demo: the console on the built-in simulator posing as a Kubernetes API server, as
# a user on a bastion would meet it: HTTPS with a throwaway certificate for 127.0.0.1, a
# random bearer token, and a kubeconfig the simulator writes; flinktop reads that
# kubeconfig alone. The simulator and the temporary directory (key, certificate,
# kubeconfig) go when flinktop exits, Ctrl-C included.
cd "$(dirname "$0")/.." || exit 1
FLINKTOP=${FLINKTOP:-./flinktop}
. tests/sim-start.sh
. tests/prom-start.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/flinktop-demo.XXXXXX") || exit 1
cleanup() {
    prom_stop
    sim_stop
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -days 1 \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1; then
    echo "demo: openssl could not make a certificate:" >&2
    cat "$dir/openssl.log" >&2
    exit 1
fi
token=$(openssl rand -hex 24) || exit 1
# the default fleet: three environments' namespaces, application clusters with one job
# each, a session cluster with FlinkSessionJobs, a standalone cluster, Flink 1.18 to 2.3
sim_start --token "$token" --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" \
    --kubeconfig-out "$dir/kubeconfig" || exit 1
unset token # the kubeconfig has it; nothing else needs it
# A real Prometheus scraping the simulator every 5 s, as the guide deploys one; without
# the package the demo goes on with Flink REST alone.
set --
if PROM_CA_FILE="$dir/cert.pem" prom_start "$SIM_URL" 5s; then
    set -- --prometheus "$PROM_URL"
else
    echo "demo: without Prometheus (flinktop works from Flink REST alone)" >&2
fi
# read-only as an installed flinktop starts: `:unlock 10m "trying it"` allows actions
printf 'readonly: true\nstart: fleet\n' >"$dir/config.yaml"
# actions on the simulator are audited in the demo's own directory, not in the user's log
XDG_STATE_HOME="$dir/state" "$FLINKTOP" -c "$dir/config.yaml" --kubeconfig "$dir/kubeconfig" "$@"
