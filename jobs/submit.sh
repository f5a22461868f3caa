#!/usr/bin/env bash
# Submits the retention-loop job to a Flink cluster over its REST API: builds the shaded job jar
# when needed, uploads it (once per build) and runs `job APP_ARGS` (entry class io.retentionloop.cli.ClusterMain).
# APP_ARGS are the job's --config FILE / --set key=value (conf/retention-loop.yaml); a --config
# path is read by the JobManager, so it must exist there.
#   jobs/submit.sh
#   jobs/submit.sh --parallelism 4 -- --set kafka.bootstrap-servers=broker:9092
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

PARALLELISM=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
               echo "Environment: FLINK_REST_URL (default http://localhost:8081)"; exit 0 ;;
    *) log "unknown option $1 (application arguments go after --)"; exit 2 ;;
  esac
done

JAR="$(job_jar)"
JAR_ID="$(upload_jar "$JAR")"
JOB="$(run_jar "$JAR_ID" "$PARALLELISM" "" "$@")"
log "submitted job $JOB; web UI $FLINK_REST_URL/#/job/running/$JOB/overview"
echo "$JOB"
