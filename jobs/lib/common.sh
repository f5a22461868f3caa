# Shared by the jobs/ scripts: build when needed and run the project's CLI.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CP_FILE="$ROOT/target/classpath.txt"

# Java 17 module openings Flink needs (the same list as pom.xml and conf/config.yaml).
JVM_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

log() { echo "[$(basename "$0")] $*" >&2; }

# The arguments as one line for printing, the value of every KEY=VALUE (also -DKEY=VALUE,
# --set=KEY=VALUE) whose key names a password, secret, JAAS config, token or credential or ends in
# "key" replaced by *** (the rule of io.retentionloop.security.Secrets). Put secrets in ${env:NAME} or
# ${file:/path} references anyway: Flink logs a job's arguments.
masked_args() {
  local a prefix key out=() re='^(-D|--[a-z-]+=)?([^=[:space:]]+)='
  local secret='password|passwd|secret|jaas|token|credential|private|(^|[._-])key$'
  for a in "$@"; do
    if [[ "$a" =~ $re ]]; then
      prefix="${BASH_REMATCH[0]}" key="${BASH_REMATCH[2],,}"
      [[ "$key" =~ $secret ]] && a="$prefix***"
    fi
    out+=("$a")
  done
  echo "${out[*]:-}"
}

# Compiles the project and writes its runtime classpath when sources changed since the last build.
ensure_built() {
  local stamp="$ROOT/target/classes/.built"
  if [[ -f "$stamp" && -f "$CP_FILE" ]] \
     && [[ -z "$(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/conf" -newer "$stamp" -print -quit)" ]]; then
    return
  fi
  command -v mvn >/dev/null || { log "Maven (mvn) is required: apt-get install maven"; exit 1; }
  command -v java >/dev/null || { log "Java 17 is required: apt-get install openjdk-17-jdk-headless"; exit 1; }
  log "building (first run downloads dependencies from Maven Central, a few minutes)"
  (cd "$ROOT" && mvn -q -B -DskipTests -Dspotless.check.skip=true \
      compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime)
  touch "$stamp"
}

# Runs the CLI with the given arguments in the caller's directory: paths the user gives are theirs;
# the defaults (conf/, target/) are the repository's (-Dretentionloop.home).
run_cli() {
  ensure_built
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  exec java ${JAVA_OPTS:--Xmx4g} "${JVM_OPENS[@]}" -Dretentionloop.home="$ROOT" \
    -Dlog4j.configurationFile="$ROOT/conf/log4j-cli.properties" \
    -cp "$ROOT/target/classes:$(cat "$CP_FILE")" io.retentionloop.cli.Main "$@"
}

# The lab (src/lab/java, compiled with the tests; not in the job jar): builds the test classes and
# their classpath when sources changed, then runs io.retentionloop.cli.Lab as run_cli runs the CLI.
run_lab() {
  local stamp="$ROOT/target/test-classes/.built-lab" cp="$ROOT/target/classpath-lab.txt"
  if [[ ! -f "$stamp" || ! -f "$cp" ]] \
     || [[ -n "$(find "$ROOT/src/main" "$ROOT/src/lab" "$ROOT/src/test" "$ROOT/pom.xml" "$ROOT/conf" -newer "$stamp" -print -quit)" ]]; then
    command -v mvn >/dev/null || { log "Maven (mvn) is required: apt-get install maven"; exit 1; }
    log "building the lab (mvn test-compile; the first run downloads dependencies, a few minutes)"
    (cd "$ROOT" && mvn -q -B -DskipTests -Dspotless.check.skip=true \
        test-compile dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test)
    touch "$stamp"
  fi
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  exec java ${JAVA_OPTS:--Xmx4g} "${JVM_OPENS[@]}" -Dretentionloop.home="$ROOT" \
    -Dlog4j.configurationFile="$ROOT/conf/log4j-cli.properties" \
    -cp "$ROOT/target/classes:$ROOT/target/test-classes:$(cat "$cp")" io.retentionloop.cli.Lab "$@"
}

# --- standalone cluster (jobs/cluster-*.sh, submit.sh, savepoint.sh, ...) ---------------------
CLUSTER_DIR="$ROOT/target/cluster"
FLINK_REST_URL="${FLINK_REST_URL:-http://localhost:8081}"
FLINK_REST_URL="${FLINK_REST_URL%/}"

# A property of the project's pom.xml, e.g. pom_property flink.version.
pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1
}

# Resolves what a Flink distribution would hold, from Maven Central: the lib/ classpath
# ($CLUSTER_DIR/classpath.txt, from jobs/lib/flink-dist.pom.xml) and the Prometheus reporter
# plugin ($CLUSTER_DIR/plugins/metrics-prometheus/).
ensure_flink_dist() {
  local cp="$CLUSTER_DIR/classpath.txt" plugin="$CLUSTER_DIR/plugins/metrics-prometheus"
  if [[ -f "$cp" && -n "$(ls "$plugin"/*.jar 2>/dev/null)" && "$cp" -nt "$ROOT/pom.xml" \
        && "$cp" -nt "$ROOT/jobs/lib/flink-dist.pom.xml" ]]; then
    return
  fi
  mkdir -p "$CLUSTER_DIR" "$plugin"
  local v=(-Dflink.version="$(pom_property flink.version)" -Dlog4j.version="$(pom_property log4j.version)"
           -Ddl4j.version="$(pom_property dl4j.version)" -Djavacpp.version="$(pom_property javacpp.version)"
           -Dopenblas.version="$(pom_property openblas.version)")
  log "resolving the Flink $(pom_property flink.version) runtime from Maven Central into $CLUSTER_DIR"
  mvn -q -B -f "$ROOT/jobs/lib/flink-dist.pom.xml" "${v[@]}" dependency:build-classpath \
      -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime
  mvn -q -B -f "$ROOT/jobs/lib/flink-dist.pom.xml" dependency:copy -DoutputDirectory="$plugin" \
      -Dartifact="org.apache.flink:flink-metrics-prometheus:$(pom_property flink.version)"
}

# conf/config.yaml's Prometheus reporter (io.retentionloop.ops.metrics, compiled by ensure_built)
# as a jar beside flink-metrics-prometheus in the plugin directory: reporters load at cluster
# start from plugins/, not from a job's jar.
ensure_metrics_plugin() {
  local plugin="$CLUSTER_DIR/plugins/metrics-prometheus"
  mkdir -p "$plugin"
  (cd "$ROOT/target/classes" && jar cf "$plugin/retention-loop-prometheus-reporter.jar" \
      io/retentionloop/ops/metrics \
      META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory)
}

# The shaded job jar: $JOB_JAR when set (e.g. a released build), else target/'s, built with
# `mvn package` when missing or older than the sources.
job_jar() {
  local jar
  if [[ -n "${JOB_JAR:-}" ]]; then
    [[ -f "$JOB_JAR" ]] || { log "JOB_JAR=$JOB_JAR does not exist"; return 1; }
    echo "$JOB_JAR"
    return
  fi
  jar="$ROOT/target/retention-loop-$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml")-job.jar"
  if [[ ! -f "$jar" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/conf" -newer "$jar" -print -quit)" ]]; then
    log "building the job jar (mvn package -DskipTests)"
    (cd "$ROOT" && mvn -q -B -DskipTests -Dspotless.check.skip=true package) >&2 \
      || { log "build failed"; return 1; }
  fi
  echo "$jar"
}

# curl against the Flink REST API; fails with the response body on HTTP errors.
rest() {
  local method="$1" path="$2"; shift 2
  local out code
  out="$(curl -sS -X "$method" -w '\n%{http_code}' "$@" "$FLINK_REST_URL$path")" \
    || { log "cannot reach Flink REST at $FLINK_REST_URL (set FLINK_REST_URL)"; return 1; }
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  if [[ "$code" != 2* ]]; then
    # Flink answers with Java stack traces: the innermost cause says what went wrong
    log "$method $path -> HTTP $code: $(python3 -c '
import json, sys
try:
    errors = json.loads(sys.argv[1]).get("errors", [])
except ValueError:
    errors = [sys.argv[1]]
for e in errors:
    causes = [l for l in e.splitlines() if l.startswith("Caused by: ")]
    print((causes[-1][len("Caused by: "):] if causes else e.splitlines()[0] if e else "")[:1000])
' "$out")"
    return 1
  fi
  printf '%s' "$out"
}

# Runs python3 code on the JSON document on stdin, bound to `doc`; no document (rest failed and
# said why) exits 1 quietly instead of with a traceback.
json_py() {
  local code="$1"; shift
  python3 -c "import json, sys, time
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
$code" "$@"
}

# Reads one field of a JSON document on stdin: json_get '.jobs[0].id' (python3 path syntax).
json_get() {
  python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit("json_get: no JSON on stdin")
for part in sys.argv[1].strip(".").replace("[", ".[").split("."):
    if not part:
        continue
    doc = doc[int(part[1:-1])] if part.startswith("[") else doc.get(part)
    if doc is None:
        break
print("" if doc is None else (json.dumps(doc) if isinstance(doc, (dict, list)) else doc))
' "$1"
}

# The only running job's id, or the one given; fails when it is ambiguous.
running_job() {
  if [[ -n "${1:-}" ]]; then echo "$1"; return; fi
  local ids
  ids="$(rest GET /jobs/overview | json_py '
print("\n".join(j["jid"] for j in doc["jobs"] if j["state"] in ("RUNNING", "CREATED", "RESTARTING", "INITIALIZING")))')" || return 1
  if [[ -z "$ids" ]]; then log "no running job at $FLINK_REST_URL"; return 1; fi
  if [[ "$(wc -l <<<"$ids")" -gt 1 ]]; then log "several jobs running, name one: $(tr '\n' ' ' <<<"$ids")"; return 1; fi
  echo "$ids"
}

# Waits until every task of a job is RUNNING (stop-with-savepoint fails before that).
await_job_running() {
  local job="$1" timeout="${2:-180}" i state
  for ((i = 0; i < timeout; i++)); do
    state="$(rest GET "/jobs/$job" | json_py '
j = doc
v = [x["status"] for x in j["vertices"]]
print("RUNNING" if j["state"] == "RUNNING" and v and all(s == "RUNNING" for s in v) else j["state"])')" || return 1
    case "$state" in
      RUNNING) return 0 ;;
      FAILED|CANCELED|FINISHED) log "job $job is $state"; return 1 ;;
    esac
    sleep 1
  done
  log "job $job: not all tasks RUNNING after ${timeout}s"
  return 1
}

# Uploads the job jar unless the cluster already has this build of it; prints the jar id.
upload_jar() {
  local jar="$1" name mtime id
  name="$(basename "$jar")"
  mtime="$(($(stat -c %Y "$jar") * 1000))"
  id="$(rest GET /jars | json_py '
name, mtime = sys.argv[1], int(sys.argv[2])
files = [f for f in doc.get("files", []) if f["name"] == name and f["uploaded"] >= mtime]
print(max(files, key=lambda f: f["uploaded"])["id"] if files else "")' "$name" "$mtime")" || return 1
  if [[ -n "$id" ]]; then
    log "jar $name already uploaded as $id"
  else
    log "uploading $name ($(du -h "$jar" | cut -f1)) to $FLINK_REST_URL"
    id="$(rest POST /jars/upload -F "jarfile=@$jar" | json_get filename)"
    id="$(basename "$id")"
  fi
  echo "$id"
}

# run_jar JAR_ID PARALLELISM SAVEPOINT APP_ARGS...: runs `job APP_ARGS` (ClusterMain) from the uploaded
# jar; an empty PARALLELISM or SAVEPOINT leaves the cluster's default. Prints the job id.
run_jar() {
  local jar_id="$1" parallelism="$2" savepoint="$3"; shift 3
  local args=(job "$@")
  # the job sets its own parallelism from job.parallelism, so pass it both ways
  [[ -n "$parallelism" ]] && args+=(--set "job.parallelism=$parallelism")
  local body
  body="$(python3 -c '
import json, sys
p, sp, args = sys.argv[1], sys.argv[2], sys.argv[3:]
body = {"entryClass": "io.retentionloop.cli.ClusterMain", "programArgsList": args}
if p: body["parallelism"] = int(p)
if sp: body["savepointPath"] = sp
print(json.dumps(body))' "$parallelism" "$savepoint" "${args[@]}")"
  log "running $(masked_args "${args[@]}")${savepoint:+ from $savepoint}"
  rest POST "/jars/$jar_id/run" -H 'Content-Type: application/json' -d "$body" | json_get jobid
}

# Where savepoints go: savepoints/ of this checkout for a cluster on this machine, else the
# cluster's execution.checkpointing.savepoint-dir (override with SAVEPOINT_DIR).
savepoint_dir() {
  if [[ -n "${SAVEPOINT_DIR:-}" ]]; then echo "$SAVEPOINT_DIR"
  elif [[ "$FLINK_REST_URL" =~ ://(localhost|127\.0\.0\.1)(:|/|$) ]]; then echo "file://$ROOT/savepoints"
  fi
}
