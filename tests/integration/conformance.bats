#!/usr/bin/env bats
# Flink REST conformance: every GET answer of every Flink version the simulator runs
# validates against that version's OpenAPI spec (../shared/specs beside the repo, or
# $FLINK_SPECS), with the wire quirks of specs/FLINK-API.md as the validator's named
# exceptions (tests/conformance/flink_openapi.py, QUIRKS).
# Run after `make flinktop-sim`: bats tests/integration/conformance.bats

load ../bats_speed

setup_file() {
    cd "$BATS_TEST_DIRNAME/../.."
    PY=$(python3 -c 'import sys; print(sys.executable)')
    export PY
    SPECS=${FLINK_SPECS:-../shared/specs}
    export SPECS
    # the specs parsed once for the file's four runs (YAML costs ten times what JSON does)
    SPECS_CACHE=$BATS_FILE_TMPDIR/specs
    mkdir -p "$SPECS_CACHE" || return 1
    export SPECS_CACHE
}

setup() {
    cd "$BATS_TEST_DIRNAME/../.."
    . tests/sim-start.sh
    [ -f "$SPECS/rest_v1_dispatcher-1.20-branchcut.yml" ] || {
        echo "no Flink OpenAPI specs in $SPECS (set FLINK_SPECS)" >&2
        return 1
    }
}

teardown() {
    sim_stop
}

@test "the validator catches bodies that differ from the spec (enum, type, extra field, shape, null)" {
    run "$PY" tests/conformance/flink_openapi.py --self-test --specs "$SPECS" --cache "$SPECS_CACHE"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "every GET path of every simulated Flink version answers with its spec's shape" {
    # Ten clusters: Flink 1.15 to 2.3, one version each (sim_catalog's profiles).
    sim_start --clusters 10
    run "$PY" tests/conformance/flink_openapi.py --url "$SIM_URL" --specs "$SPECS" --cache "$SPECS_CACHE" --verbose
    echo "$output"
    [ "$status" -eq 0 ]
    for v in 1.15 1.16 1.17 1.18 1.19 1.20 2.0 2.1 2.2 2.3; do
        echo "$output" | grep -q "Flink $v\.[0-9]*: [0-9]* GET paths served and valid" ||
            { echo "Flink $v was not checked"; return 1; }
    done
}

@test "the default fleet (application, session and standalone clusters) answers with its specs' shapes" {
    sim_start
    run "$PY" tests/conformance/flink_openapi.py --url "$SIM_URL" --specs "$SPECS" --cache "$SPECS_CACHE"
    echo "$output"
    [ "$status" -eq 0 ]
    for v in 1.18 1.20 2.1 2.3; do
        echo "$output" | grep -q "Flink $v\.[0-9]*: [0-9]* GET paths served and valid" ||
            { echo "Flink $v was not checked"; return 1; }
    done
}

@test "a body that breaks the spec fails the conformance run" {
    # The service's own answer, truncated: no longer JSON, so no longer the spec's shape.
    sim_start --clusters 1 --fault '/clusters/*/jobs/overview=truncate'
    run "$PY" tests/conformance/flink_openapi.py --url "$SIM_URL" --specs "$SPECS" --cache "$SPECS_CACHE"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -q 'GET /jobs/overview: 200: body is not JSON'
}
