#!/usr/bin/env bash
# Off-line diagnosis of the learning problem on the simulated world: how much of the oracle's
# incremental profit a policy on the agent's state could reach (fitted on the world's noise-free
# truth), and how much the job's DQN reaches from realized rewards. Writes OUT/report.json.
#   jobs/policy-ceiling.sh --users 4000 --weeks 30 --seed 7
#   jobs/policy-ceiling.sh --users 16000 --out target/policy-ceiling/16k
#   jobs/policy-ceiling.sh --help   (every flag, with defaults)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop policy-ceiling $(masked_args "$@")"
run_cli policy-ceiling "$@"
