#!/usr/bin/env bash
# Runs one simulated world under every policy through the embedded job and compares profit:
#   jobs/compare-policies.sh --users 20000 --days 180 --seed 7
# Writes target/policy-comparison/report.json and report.html. --help for every option.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop compare-policies $(masked_args "$@")"
run_cli compare-policies "$@"
