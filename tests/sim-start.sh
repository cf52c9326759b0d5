# Sourced by scripts and bats tests: start flinktop-sim on a free loopback port.
#   sim_start [simulator args...]   sets SIM_PID, SIM_URL, SIM_LOG
#   sim_stop
# Waits for the "listening on" line with a deadline instead of sleeping.
FLINKTOP_SIM=${FLINKTOP_SIM:-./flinktop-sim}

sim_start() {
    SIM_LOG=$(mktemp "${TMPDIR:-/tmp}/flinktop-sim.XXXXXX")
    "$FLINKTOP_SIM" --port 0 "$@" >"$SIM_LOG" 2>&1 &
    SIM_PID=$!
    SIM_URL=""
    i=0
    while [ $i -lt 100 ]; do
        line=$(head -n 1 "$SIM_LOG" 2>/dev/null)
        case "$line" in
            "listening on "*) SIM_URL=${line#listening on }; return 0 ;;
        esac
        if ! kill -0 "$SIM_PID" 2>/dev/null; then
            echo "flinktop-sim exited: $(cat "$SIM_LOG")" >&2
            return 1
        fi
        i=$((i + 1))
        sleep 0.05
    done
    echo "flinktop-sim did not start within 5 s" >&2
    return 1
}

sim_stop() {
    if [ -n "${SIM_PID:-}" ]; then
        kill "$SIM_PID" 2>/dev/null
        wait "$SIM_PID" 2>/dev/null
        SIM_PID=""
    fi
    if [ -n "${SIM_LOG:-}" ]; then rm -f "$SIM_LOG"; fi
    return 0
}

# The --flink arguments for the simulator's three default clusters.
sim_flink_args() {
    for c in ${SIM_CLUSTERS:-production staging development}; do
        printf -- '--flink %s=%s/clusters/%s ' "$c" "$SIM_URL" "$c"
    done
}
