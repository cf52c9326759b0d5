#!/bin/sh
# make demo: the console on the built-in simulator. The simulator stops when flinktop
# exits, Ctrl-C included.
cd "$(dirname "$0")/.." || exit 1
. tests/sim-start.sh
trap 'sim_stop' EXIT INT TERM HUP
sim_start --jobs 6 || exit 1
# shellcheck disable=SC2046
./flinktop $(sim_flink_args)
