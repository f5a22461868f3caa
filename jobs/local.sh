#!/usr/bin/env bash
# Runs the whole loop on this machine: in-process Kafka (KRaft), the simulated world, and the
# retention-loop job on a local Flink MiniCluster (RocksDB, exactly-once checkpoints, web UI,
# Prometheus endpoint). Builds the project first when needed.
#   jobs/local.sh --users 2000 --days 60 --seed 7
#   jobs/local.sh --help        (every flag, with defaults)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop local $(masked_args "$@")"
run_cli local "$@"
