#!/usr/bin/env bash
# Makes the savepoint this release keeps for restore-compatibility tests: trains a small value
# model, runs the real job on a MiniCluster against an in-process Kafka broker fed by the
# simulator (deterministic under --seed), stops it with a savepoint and writes
# savepoints/release-<version>/ (savepoint/, clv.model, manifest.json). About a minute.
#   jobs/make-compat-savepoint.sh                      300 users, 42 days, seed 11
#   jobs/make-compat-savepoint.sh --users 200 --days 35 --out /tmp/sp
# Make it from a committed build (the manifest records the commit).
# SavepointCompatibilityIT restores every savepoints/release-*/ with the current code.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
VERSION="$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml")"
RELEASE="${VERSION%-SNAPSHOT}"
# the build's commit, for the manifest; COMMIT=... names it where there is no .git (an export)
if [[ -z "${COMMIT:-}" ]]; then
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  git -C "$ROOT" diff --quiet HEAD -- src conf pom.xml 2>/dev/null || COMMIT="$COMMIT+uncommitted"
fi
ARGS=(--release "$VERSION" --commit "$COMMIT")
[[ " $* " == *" --out "* ]] || ARGS+=(--out "$ROOT/savepoints/release-$RELEASE")
log "release $VERSION, commit $COMMIT"
run_lab make-compat-savepoint "${ARGS[@]}" "$@"
