#!/usr/bin/env bash
# Measures the job's per-event speed against a bare Flink keyed job on the same simulated events,
# in one process at parallelism 1, interleaved, then the state per user in a savepoint and the time
# to restore from it; writes target/benchmark/report.json and report.html.
#   jobs/benchmark.sh --users 20000 --days 90 --repeat 3
#   jobs/benchmark.sh --users 2000 --days 28 --repeat 1 --scenarios bare,idle
#   jobs/benchmark.sh --help
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
export JAVA_OPTS="${JAVA_OPTS:--Xmx8g}"
run_cli benchmark "$@"
