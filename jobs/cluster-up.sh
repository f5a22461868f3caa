#!/usr/bin/env bash
# Starts a real Flink standalone session cluster on this machine from Maven Central jars (no Flink
# distribution needed): a JobManager JVM and TaskManager JVM(s) configured by conf/config.yaml,
# plus a Kafka broker (KRaft, localhost:9092) and the simulator feeding the events topic.
# Logs go to target/cluster/log, pids to target/cluster/*.pid; jobs/cluster-down.sh stops it all.
#   jobs/cluster-up.sh                      cluster, Kafka and the simulator (1 simulated day/s)
#   jobs/cluster-up.sh --no-simulator       cluster and Kafka only
#   jobs/cluster-up.sh --no-kafka --no-simulator   just Flink, for your own broker
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
usage: jobs/cluster-up.sh [options]
  --task-managers N   TaskManager JVMs (default 1; slots each: taskmanager.numberOfTaskSlots)
  --no-kafka          do not start the Kafka broker
  --kafka-port P      Kafka listener port (default 9092; the controller uses P+1)
  --no-simulator      do not start the simulator
  --users N --days N --seed N --speed S   simulator: world size, seed, simulated days per second
                      (defaults 2000, 365, 7, 1)
  --partitions N      partitions of the events and output topics (default 4)
  -h, --help          this text
Environment: FLINK_REST_URL (default http://localhost:8081; its port becomes rest.port).
USAGE
}

TASK_MANAGERS=1 KAFKA=1 SIMULATOR=1 KAFKA_PORT=9092 PARTITIONS=4
SIM_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --task-managers) TASK_MANAGERS="$2"; shift 2 ;;
    --no-kafka) KAFKA=0; shift ;;
    --kafka-port) KAFKA_PORT="$2"; shift 2 ;;
    --no-simulator) SIMULATOR=0; shift ;;
    --users|--days|--seed|--speed) SIM_ARGS+=("$1" "$2"); shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) log "unknown option $1"; usage >&2; exit 2 ;;
  esac
done

alive() { [[ -f "$CLUSTER_DIR/$1.pid" ]] && kill -0 "$(cat "$CLUSTER_DIR/$1.pid")" 2>/dev/null; }
if alive jobmanager; then
  log "a cluster is already running (pid $(cat "$CLUSTER_DIR/jobmanager.pid")); jobs/cluster-down.sh stops it"
  exit 1
fi

ensure_built
ensure_flink_dist
ensure_metrics_plugin
# daemons run from the checkout: relative paths in the job's config (value.model-uri) resolve here
cd "$ROOT"
LOG_DIR="$CLUSTER_DIR/log" CONF_DIR="$CLUSTER_DIR/conf"
mkdir -p "$LOG_DIR" "$CONF_DIR" "$ROOT/savepoints"
cp "$ROOT/conf/config.yaml" "$CONF_DIR/config.yaml"
cp "$ROOT/conf/log4j-cluster.properties" "$CONF_DIR/log4j.properties"
FLINK_CP="$(cat "$CLUSTER_DIR/classpath.txt")"
REST_PORT="$(sed -E 's#^[a-z]+://[^:/]+:?([0-9]*).*#\1#' <<<"$FLINK_REST_URL")"
# conf/config.yaml as it is, with this machine's directories and the REST port of FLINK_REST_URL
DYNAMIC=(-D "rest.port=${REST_PORT:-8081}"
         -D "execution.checkpointing.dir=file://$CLUSTER_DIR/checkpoints"
         -D "execution.checkpointing.savepoint-dir=file://$ROOT/savepoints"
         -D "io.tmp.dirs=$CLUSTER_DIR/tmp")
mkdir -p "$CLUSTER_DIR/tmp"
export FLINK_PLUGINS_DIR="$CLUSTER_DIR/plugins" FLINK_CONF_DIR="$CONF_DIR" FLINK_LOG_DIR="$LOG_DIR"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# JVM memory flags and memory settings exactly as Flink's own bin/ scripts derive them.
resource_params() {
  java -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
      --configDir "$CONF_DIR" "${DYNAMIC[@]}" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# start NAME MAIN_CLASS JVM_FLAGS DYNAMIC_PROPS: one daemon JVM in the background.
start_flink() {
  local name="$1" main="$2" jvm="$3" props="$4"
  # shellcheck disable=SC2086
  nohup java $jvm "${JVM_OPENS[@]}" -DOMP_NUM_THREADS=1 \
      -Dlog.file="$LOG_DIR/$name.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
      -Dlog4j2.configurationFile="file:$CONF_DIR/log4j.properties" \
      -cp "$FLINK_CP" "$main" --configDir "$CONF_DIR" "${DYNAMIC[@]}" $props \
      >"$LOG_DIR/$name.out" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/$name.pid"
  log "started $name (pid $!), log $LOG_DIR/$name.log"
}

mapfile -t JM < <(resource_params GET_JM_RESOURCE_PARAMS)
start_flink jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  "${JM[0]}" "${JM[1]:-} --executionMode cluster"
mapfile -t TM < <(resource_params GET_TM_RESOURCE_PARAMS)
for ((i = 0; i < TASK_MANAGERS; i++)); do
  start_flink "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "${TM[0]}" "${TM[1]}"
done

log "waiting for the REST API at $FLINK_REST_URL and $TASK_MANAGERS TaskManager(s)"
for ((i = 0; ; i++)); do
  tms="$(curl -sf "$FLINK_REST_URL/overview" 2>/dev/null | json_get taskmanagers 2>/dev/null || true)"
  [[ -n "$tms" && "$tms" -ge "$TASK_MANAGERS" ]] && break
  alive jobmanager || { log "JobManager died: see $LOG_DIR/jobmanager.out and .log"; exit 1; }
  ((i < 120)) || { log "cluster not up after 120 s: see $LOG_DIR"; exit 1; }
  sleep 1
done
log "Flink up: web UI $FLINK_REST_URL, $tms TaskManager(s); Prometheus metrics on 127.0.0.1:9249-9259 (metrics.reporter.prom.host)"

run_java() {  # run_java NAME MAIN ARGS...: a project JVM (Kafka broker, CLI) in the background
  local name="$1"; shift
  nohup java -Xmx1g "${JVM_OPENS[@]}" -Dlog.file="$LOG_DIR/$name.log" \
      -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
      -Dlog4j2.configurationFile="file:$CONF_DIR/log4j.properties" \
      -cp "$ROOT/target/classes:$(cat "$CP_FILE")" "$@" >"$LOG_DIR/$name.out" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/$name.pid"
  log "started $name (pid $!), output $LOG_DIR/$name.out"
}
cli() { java "${JVM_OPENS[@]}" -Dlog4j.configurationFile="$ROOT/conf/log4j-cli.properties" \
          -cp "$ROOT/target/classes:$(cat "$CP_FILE")" io.retentionloop.cli.Main "$@"; }

BOOTSTRAP="localhost:$KAFKA_PORT"
if ((KAFKA)); then
  KDIR="$CLUSTER_DIR/kafka"
  mkdir -p "$KDIR"
  cat >"$KDIR/server.properties" <<PROPS
# single-node KRaft broker and controller for jobs/cluster-up.sh
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$((KAFKA_PORT + 1))
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$((KAFKA_PORT + 1))
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KDIR/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# simulated events carry old timestamps: keep records until the topic is deleted
log.retention.ms=-1
PROPS
  KCP="$ROOT/target/classes:$(cat "$CP_FILE")"
  if [[ ! -f "$KDIR/data/meta.properties" ]]; then
    log "formatting Kafka storage in $KDIR/data"
    java -cp "$KCP" -Dlog4j2.configurationFile="$ROOT/conf/log4j-cli.properties" kafka.tools.StorageTool format \
        -t "$(java -cp "$KCP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
        -c "$KDIR/server.properties" >"$LOG_DIR/kafka-format.out" 2>&1
  fi
  run_java kafka kafka.Kafka "$KDIR/server.properties"
  for ((i = 0; ; i++)); do
    (exec 3<>"/dev/tcp/localhost/$KAFKA_PORT") 2>/dev/null && break
    alive kafka || { log "Kafka died: see $LOG_DIR/kafka.out"; exit 1; }
    ((i < 60)) || { log "Kafka not up after 60 s"; exit 1; }
    sleep 1
  done
  log "Kafka up at $BOOTSTRAP"
  # this broker holds simulated or replayed history, whose old timestamps a finite
  # kafka.topic-retention would delete at once: keep every topic's records (like log.retention.ms)
  RETAIN=()
  for role in events dead-letters window-snapshots interventions outcomes decisions; do
    RETAIN+=(--set "kafka.topic-retention.$role=forever")
  done
  cli topics --bootstrap-servers "$BOOTSTRAP" --partitions "$PARTITIONS" "${RETAIN[@]}" >&2
fi

HB_KEY="$CLUSTER_DIR/heartbeat.key"
if ((SIMULATOR)); then
  # the simulator moves event time on with heartbeats; the job accepts them only signed with
  # this key (events.heartbeat-key), which stays in a file readable by this user only
  if [[ ! -s "$HB_KEY" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$HB_KEY")
  fi
  run_java simulator io.retentionloop.cli.Main simulate --bootstrap-servers "$BOOTSTRAP" \
      --heartbeat-key "\${file:$HB_KEY}" "${SIM_ARGS[@]}"
fi
SIM_SETTINGS=""
((SIMULATOR)) && SIM_SETTINGS=" --set 'events.heartbeat-key=\${file:$HB_KEY}' --set watermarks.idle-partitions=heartbeats"

cat >&2 <<NEXT
[cluster-up.sh] ready. Next:
  jobs/train-clv.sh --world conf/world.yaml --out target/models/clv.model   the value model (once)
  jobs/submit.sh -- --set kafka.bootstrap-servers=$BOOTSTRAP$SIM_SETTINGS
                                                                 submit the job
  jobs/list.sh                                                   what runs
  jobs/cluster-down.sh                                           stop everything
NEXT
