#!/usr/bin/env bash
# Cancels a job without a savepoint (its last retained checkpoint stays restorable with
# jobs/restore.sh). To keep state for an upgrade, use jobs/savepoint.sh instead.
#   jobs/cancel.sh              the only running job
#   jobs/cancel.sh JOB_ID
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

case "${1:-}" in -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  echo "Environment: FLINK_REST_URL (default http://localhost:8081)"; exit 0 ;; esac
JOB="$(running_job "${1:-}")"
log "cancelling job $JOB"
rest PATCH "/jobs/$JOB?mode=cancel" >/dev/null
for ((i = 0; i < 60; i++)); do
  STATE="$(rest GET "/jobs/$JOB" | json_get state)"
  [[ "$STATE" == CANCELED || "$STATE" == FAILED || "$STATE" == FINISHED ]] && break
  sleep 1
done
log "job $JOB is $STATE"
echo "$JOB"
