#!/usr/bin/env bash
# Prints what a savepoint (or retained checkpoint) of the job holds, read locally with Flink's
# State Processor API (the job need not run): operators with state, users per lifecycle stage,
# pending decisions, the policy version the agent serves and the learner published, the value
# model; --user ID adds that user's profile, next window and pending decisions.
#   jobs/inspect-savepoint.sh savepoints/savepoint-3f2a1c-0a1b2c3d4e5f
#   jobs/inspect-savepoint.sh savepoints/release-0.1.0/savepoint --user u000042
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -ge 1 ]] && exit 0 || exit 2
fi
SAVEPOINT="$1"; shift
# relative paths are the caller's, not the repository root's
[[ "$SAVEPOINT" != *://* && "$SAVEPOINT" != /* ]] && SAVEPOINT="$PWD/$SAVEPOINT"
log "reading $SAVEPOINT"
ensure_built
cd "$ROOT"
exec java ${JAVA_OPTS:--Xmx2g} "${JVM_OPENS[@]}" \
  -Dlog4j.configurationFile="$ROOT/conf/log4j-cli.properties" \
  -cp "$ROOT/target/classes:$(cat "$CP_FILE")" io.retentionloop.ops.SavepointInspector "$SAVEPOINT" "$@"
