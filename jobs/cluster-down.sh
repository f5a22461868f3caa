#!/usr/bin/env bash
# Stops what jobs/cluster-up.sh started (simulator, TaskManagers, JobManager, Kafka), by the pids
# in target/cluster/*.pid: SIGTERM, then SIGKILL after 20 s. Data, logs and savepoints stay.
#   jobs/cluster-down.sh            stop everything
#   jobs/cluster-down.sh --clean    also delete target/cluster (Kafka data, checkpoints, logs)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

CLEAN=0
case "${1:-}" in
  --clean) CLEAN=1 ;;
  -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) log "unknown option $1"; exit 2 ;;
esac

stop() {
  local file="$1" name pid i
  name="$(basename "$file" .pid)"
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop, killing it"; kill -9 "$pid" || true; fi
  else
    log "$name (pid $pid) was not running"
  fi
  rm -f "$file"
}

shopt -s nullglob
for f in "$CLUSTER_DIR"/simulator.pid "$CLUSTER_DIR"/taskmanager-*.pid "$CLUSTER_DIR"/jobmanager.pid \
         "$CLUSTER_DIR"/kafka.pid; do
  [[ -f "$f" ]] && stop "$f"
done
if ((CLEAN)); then
  log "deleting $CLUSTER_DIR/{kafka,checkpoints,log,tmp,conf}"
  rm -rf "$CLUSTER_DIR"/{kafka,checkpoints,log,tmp,conf}
fi
log "stopped"
