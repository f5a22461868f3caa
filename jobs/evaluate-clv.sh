#!/usr/bin/env bash
# Runs `retention-loop evaluate-clv`: see jobs/evaluate-clv.sh --help for every option and its default.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop evaluate-clv $(masked_args "$@")"
run_cli evaluate-clv "$@"
