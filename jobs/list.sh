#!/usr/bin/env bash
# Lists the cluster's jobs (id, state, start, number of tasks, name) and the savepoints in
# savepoints/, newest first.
#   jobs/list.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

case "${1:-}" in -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  echo "Environment: FLINK_REST_URL (default http://localhost:8081)"; exit 0 ;; esac
log "jobs at $FLINK_REST_URL"
rest GET /jobs/overview | json_py '
jobs = sorted(doc["jobs"], key=lambda j: -j["start-time"])
row = "{:34}{:13}{:21}{:<7}{}"
print(row.format("JOB ID", "STATE", "STARTED", "TASKS", "NAME"))
for j in jobs:
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(j["start-time"] / 1000))
    print(row.format(j["jid"], j["state"], started, j["tasks"]["total"], j["name"]))
if not jobs:
    print("(no jobs)")'
shopt -s nullglob
SAVEPOINTS=("$ROOT"/savepoints/savepoint-*)
if ((${#SAVEPOINTS[@]})); then
  log "savepoints in $ROOT/savepoints (newest first)"
  ls -dt "${SAVEPOINTS[@]}"
fi
