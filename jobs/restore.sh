#!/usr/bin/env bash
# Starts the retention-loop job from a savepoint (or retained checkpoint), optionally at another
# parallelism (up to job.max-parallelism). The jar is the current build, so this is also how an
# upgrade is rolled out: savepoint.sh with the old build, restore.sh with the new one.
#   jobs/restore.sh savepoints/savepoint-3f2a1c-0a1b2c3d4e5f
#   jobs/restore.sh file:///path/to/savepoint --parallelism 4 -- --set kafka.bootstrap-servers=b:9092
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  echo "Environment: FLINK_REST_URL (default http://localhost:8081)"
  [[ $# -ge 1 ]] && exit 0 || exit 2
fi
[[ "$1" == -* ]] && { log "name the savepoint first: jobs/restore.sh SAVEPOINT [--parallelism N] [-- APP_ARGS]"; exit 2; }
SAVEPOINT="$1"; shift
# a local directory (or file:/dir, as savepoint.sh prints it) becomes an absolute file:// URI
[[ "$SAVEPOINT" == file:/* && "$SAVEPOINT" != file://* ]] && SAVEPOINT="${SAVEPOINT#file:}"
if [[ "$SAVEPOINT" != *://* ]]; then
  [[ -d "$SAVEPOINT" ]] || { log "no savepoint directory $SAVEPOINT"; exit 2; }
  SAVEPOINT="file://$(cd "$SAVEPOINT" && pwd)"
fi
PARALLELISM=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    --) shift; break ;;
    *) log "unknown option $1 (application arguments go after --)"; exit 2 ;;
  esac
done

JAR="$(job_jar)"
JAR_ID="$(upload_jar "$JAR")"
JOB="$(run_jar "$JAR_ID" "$PARALLELISM" "$SAVEPOINT" "$@")"
log "restored job $JOB from $SAVEPOINT${PARALLELISM:+ at parallelism $PARALLELISM}"
echo "$JOB"
