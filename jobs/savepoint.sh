#!/usr/bin/env bash
# Stops the job with a savepoint (stop-with-savepoint: sources stop, a final savepoint is taken
# and the Kafka transactions commit) into savepoints/ (a cluster on another host: its configured
# savepoint directory, or SAVEPOINT_DIR). Waits until every task is RUNNING first: Flink refuses
# to stop a job whose tasks are still deploying. Prints the savepoint path.
#   jobs/savepoint.sh              the only running job
#   jobs/savepoint.sh JOB_ID
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  echo "Environment: FLINK_REST_URL (default http://localhost:8081), SAVEPOINT_DIR"; exit 0 ;; esac
JOB="$(running_job "${1:-}")"
await_job_running "$JOB"
DIR="$(savepoint_dir)"
if [[ -n "$DIR" ]]; then
  log "stopping job $JOB with a savepoint into $DIR"
  BODY="{\"drain\": false, \"targetDirectory\": \"$DIR\"}"
else
  log "stopping job $JOB with a savepoint into the cluster's savepoint directory"
  BODY='{"drain": false}'
fi
TRIGGER="$(rest POST "/jobs/$JOB/stop" -H 'Content-Type: application/json' -d "$BODY" | json_get request-id)"
for ((i = 0; i < 600; i++)); do
  STATUS="$(rest GET "/jobs/$JOB/savepoints/$TRIGGER")"
  case "$(json_get status.id <<<"$STATUS")" in
    COMPLETED)
      LOCATION="$(json_get operation.location <<<"$STATUS")"
      if [[ -z "$LOCATION" ]]; then
        log "savepoint failed: $(json_get operation.failure-cause.stack-trace <<<"$STATUS" | head -5)"
        exit 1
      fi
      log "job $JOB stopped; savepoint $LOCATION"
      echo "$LOCATION"
      exit 0 ;;
  esac
  sleep 1
done
log "savepoint of $JOB not complete after 600 s (trigger $TRIGGER)"
exit 1
