#!/usr/bin/env bash
# Entrypoint of the retention-loop image. Flink processes (jobmanager, taskmanager, standalone-job,
# and the flink CLI) start from the repository's conf/config.yaml (logging: the image's console
# log4j), copied into
# $FLINK_HOME/conf, then the official image's entrypoint; container-specific settings (addresses,
# volumes) come as -D key=value arguments from docker-compose.yml. Other commands:
#   cli ARGS...    the project's CLI (simulate, topics, train-clv, ...) on Flink's classpath
set -euo pipefail
CONF=/opt/retention-loop/conf
case "${1:-help}" in
  cli)
    shift
    cd /opt/retention-loop
    exec java -Dlog4j.configurationFile="$CONF/log4j-cli.properties" \
      -Dlog4j2.configurationFile="$CONF/log4j-cli.properties" \
      -cp "/opt/flink/lib/*:/opt/flink/usrlib/retention-loop-job.jar" io.retentionloop.cli.Main "$@" ;;
  jobmanager|taskmanager|standalone-job|flink)
    cp "$CONF/config.yaml" "$FLINK_HOME/conf/config.yaml"
    if [[ "$1" == flink ]]; then shift; exec "$FLINK_HOME/bin/flink" "$@"; fi
    exec /docker-entrypoint.sh "$@" ;;
  *)
    exec /docker-entrypoint.sh "$@" ;;
esac
