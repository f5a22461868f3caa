#!/usr/bin/env bash
# Off-policy evaluation (IPS, SNIPS, doubly robust, bootstrap intervals) of logged decisions.
# Writes OUT/report.json and OUT/report.html and prints a summary. Builds the project when needed.
#   jobs/evaluate-policy.sh log --decisions decisions.jsonl --target uniform --out target/ope
#   jobs/evaluate-policy.sh log --help   (every flag, with defaults)
# The estimators on the Hillstrom randomized experiment are a lab tool: jobs/lab.sh hillstrom --help
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop evaluate-policy $(masked_args "$@")"
run_cli evaluate-policy "$@"
