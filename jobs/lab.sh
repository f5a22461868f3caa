#!/usr/bin/env bash
# Research and diagnostic tools beside the product (src/lab/java; not in the job jar):
#   jobs/lab.sh policy-ceiling --users 4000 --weeks 30 --seed 7   what the state allows, what the DQN gets
#   jobs/lab.sh learner-probe --behaviour                         the learner alone on known effects
#   jobs/lab.sh hillstrom --reward spend --email-cost 0.10        the estimators on a randomized experiment
#   jobs/lab.sh learner-benchmark --set learner.batch-size=512    CPU per learner update
#   jobs/lab.sh simulator-benchmark --users 100000 --days 365     the simulator's speed
#   jobs/lab.sh make-compat-savepoint ...                         (use jobs/make-compat-savepoint.sh)
#   jobs/lab.sh --help, jobs/lab.sh <command> --help              every flag, with defaults
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
log "running: retention-loop-lab $(masked_args "$@")"
run_lab "$@"
