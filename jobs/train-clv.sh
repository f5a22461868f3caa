#!/usr/bin/env bash
# Runs `retention-loop train-clv`: see jobs/train-clv.sh --help for every option and its default.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop train-clv $(masked_args "$@")"
run_cli train-clv "$@"
