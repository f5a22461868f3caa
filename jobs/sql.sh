#!/usr/bin/env bash
# Runs a Flink SQL report of sql/ against the job's Kafka topics and prints its tables. The
# tables of sql/00-tables.sql are defined first (like the SQL client's -i), so a report file is
# all it takes. Topics are read up to their current end (read_committed) and the run ends;
# --follow runs in streaming mode instead (continuous INSERTs, statement sets).
#   jobs/sql.sh sql/20-uplift.sql
#   jobs/sql.sh sql/30-budget-burn.sql --bootstrap-servers broker:9092 -D report.daily-budget=500
#   jobs/sql.sh sql/90-export-csv.sql --out-dir /tmp/report
#   jobs/sql.sh sql/20-uplift.sql --config prod.yaml -D kafka.properties-file=/etc/kafka/client.properties
# Options: --bootstrap-servers, --config FILE (application config: topics, brokers, budget, and
# the Kafka client properties of a secured broker, as the job uses them), -D KEY=VALUE (variables,
# Flink settings, kafka.properties.KEY), --follow, --out-dir DIR (README: For marketing).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -ge 1 ]] && exit 0 || exit 2
fi
FILES=()
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config|--out-dir)  # paths are the caller's; the runner runs from the repository root
      [[ "$2" == /* ]] && ARGS+=("$1" "$2") || ARGS+=("$1" "$PWD/$2"); shift 2 ;;
    --bootstrap-servers|-D|--define) ARGS+=("$1" "$2"); shift 2 ;;
    -*) ARGS+=("$1"); shift ;;
    *) [[ -f "$1" ]] || { log "no SQL file $1"; exit 2; }
       FILES+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
[[ ${#FILES[@]} -gt 0 ]] || { log "name a SQL file, e.g. sql/20-uplift.sql"; exit 2; }
TABLES="$ROOT/sql/00-tables.sql"
[[ "${FILES[0]}" == "$TABLES" ]] || FILES=("$TABLES" "${FILES[@]}")
# every run writes its exports into a directory of its own unless told otherwise
[[ " ${ARGS[*]:-} " == *" --out-dir "* ]] || ARGS+=(--out-dir "$ROOT/target/reports/$(date -u +%Y%m%d-%H%M%S)")
log "running ${FILES[*]#$ROOT/}"
run_cli sql "${ARGS[@]}" "${FILES[@]}"
