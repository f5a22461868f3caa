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

# Runs the CLI with the given arguments from the repository root.
run_cli() {
  ensure_built
  cd "$ROOT"
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  exec java ${JAVA_OPTS:--Xmx4g} "${JVM_OPENS[@]}" \
    -Dlog4j.configurationFile="$ROOT/conf/log4j-cli.properties" \
    -cp "$ROOT/target/classes:$(cat "$CP_FILE")" io.retentionloop.cli.Main "$@"
}
