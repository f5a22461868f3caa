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
[[ "$1" == -* ]] && { log "name the savepoint first: jobs/inspect-savepoint.sh SAVEPOINT [--user ID]"; exit 2; }
SAVEPOINT="$1"; shift
# file:/dir and file:///dir (as savepoint.sh and Flink print them) are local directories
[[ "$SAVEPOINT" == file://* ]] && SAVEPOINT="${SAVEPOINT#file://}"
[[ "$SAVEPOINT" == file:/* ]] && SAVEPOINT="${SAVEPOINT#file:}"
# relative paths are the caller's, not the repository root's
[[ "$SAVEPOINT" != *://* && "$SAVEPOINT" != /* ]] && SAVEPOINT="$PWD/$SAVEPOINT"
[[ "$SAVEPOINT" == *://* || -d "$SAVEPOINT" || -f "$SAVEPOINT" ]] || { log "no savepoint directory $SAVEPOINT"; exit 2; }
log "reading $SAVEPOINT"
run_cli inspect-savepoint "$SAVEPOINT" "$@"
