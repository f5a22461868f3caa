package io.retentionloop.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster as jobs/cluster-up.sh starts it: a JobManager and TaskManagers
 * as separate JVMs whose classpath is the Flink runtime resolved from Maven Central by
 * jobs/lib/flink-dist.pom.xml, the Prometheus reporter in a plugins directory, a conf dir with
 * conf/config.yaml, and per-process settings as dynamic properties. Ports are free loopback ports.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Path ROOT = Path.of("").toAbsolutePath();

    private final Path dir;
    private final Path conf;
    private final String classpath;
    private final Path plugins;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();
    private final Map<String, Integer> prometheusPorts = new LinkedHashMap<>();
    private int restPort;

    private StandaloneCluster(Path dir, String classpath, Path plugins) throws IOException {
        this.dir = dir;
        this.conf = dir.resolve("conf");
        this.classpath = classpath;
        this.plugins = plugins;
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("log"));
        Files.copy(
                ROOT.resolve("conf/config.yaml"),
                conf.resolve("config.yaml"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                ROOT.resolve("conf/log4j-cluster.properties"),
                conf.resolve("log4j.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        pickPorts();
        settings.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        settings.put(
                "execution.checkpointing.savepoint-dir",
                dir.resolve("savepoints").toUri().toString());
        settings.put("io.tmp.dirs", dir.resolve("tmp").toString());
        // small processes for a 2-core machine; a killed TaskManager is noticed within seconds
        settings.put("jobmanager.memory.process.size", "1024m");
        settings.put("taskmanager.memory.process.size", "1600m");
        settings.put("heartbeat.interval", "1000");
        settings.put("heartbeat.timeout", "8000");
        settings.put("restart-strategy.type", "fixed-delay");
        settings.put("restart-strategy.fixed-delay.attempts", "20");
        settings.put("restart-strategy.fixed-delay.delay", "1s");
        Files.createDirectories(dir.resolve("tmp"));
    }

    private void pickPorts() throws IOException {
        restPort = freePort();
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("jobmanager.rpc.port", String.valueOf(freePort()));
    }

    /**
     * Starts the JobManager and one TaskManager and waits until the TaskManager has registered. A
     * port is picked free and bound a moment later by another JVM, so it can be taken in between; a
     * start that fails (a process exits, or the TaskManager is not registered in time) is reported
     * on stderr with the tails of the process logs and tried once more on fresh ports.
     */
    void startSession(String taskManager, Duration timeout) throws Exception {
        for (int attempt = 1; ; attempt++) {
            startJobManager();
            startTaskManager(taskManager);
            try {
                awaitTaskManagers(1, timeout);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 2) {
                    throw e;
                }
                System.err.println("cluster start, attempt 1 failed; trying fresh ports\n" + e);
                close();
                processes.clear();
                taskManagers.clear();
                prometheusPorts.clear();
                pickPorts();
            }
        }
    }

    /**
     * Waits until {@code n} TaskManagers are registered with the JobManager; fails early, with the
     * logs, if one of the cluster's processes has exited.
     */
    void awaitTaskManagers(int n, Duration timeout) throws Exception {
        ClusterRest rest = new ClusterRest(restUrl());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (rest.get("/overview").get("taskmanagers").asInt() == n) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            "a cluster process exited with " + p.exitValue() + "\n" + logTails());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        n + " TaskManager(s) not registered within " + timeout + "\n" + logTails());
            }
            Thread.sleep(250);
        }
    }

    /** The last lines of every process's log and stdout, for a failure message. */
    String logTails() throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path f :
                    files.filter(
                                    f ->
                                            f.toString().endsWith(".log")
                                                    || f.toString().endsWith(".out"))
                            .sorted()
                            .toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                out.append("--- ").append(f.getFileName()).append('\n');
                // the cause is usually far above the shutdown lines at the end
                lines.stream()
                        .filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by"))
                        .limit(10)
                        .forEach(l -> out.append(l).append('\n'));
                out.append("...\n");
                lines.subList(Math.max(0, lines.size() - 25), lines.size())
                        .forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    /** Resolves the Flink runtime (as jobs/cluster-up.sh does) and prepares {@code dir}. */
    static StandaloneCluster prepare(Path dir) throws Exception {
        Path cp = dir.resolve("classpath.txt");
        Path plugins = dir.resolve("plugins/metrics-prometheus");
        Files.createDirectories(plugins);
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        List<String> versions = new ArrayList<>();
        for (String p :
                List.of(
                        "flink.version",
                        "log4j.version",
                        "dl4j.version",
                        "javacpp.version",
                        "openblas.version")) {
            versions.add("-D" + p + "=" + pomProperty(pom, p));
        }
        List<String> resolve = new ArrayList<>(mvn("-f", "jobs/lib/flink-dist.pom.xml"));
        resolve.addAll(versions);
        resolve.addAll(
                List.of(
                        "dependency:build-classpath",
                        "-Dmdep.outputFile=" + cp,
                        "-Dmdep.includeScope=runtime"));
        run(resolve, dir.resolve("resolve.log"));
        List<String> copy = new ArrayList<>(mvn("-f", "jobs/lib/flink-dist.pom.xml"));
        copy.addAll(
                List.of(
                        "dependency:copy",
                        "-DoutputDirectory=" + plugins,
                        "-Dartifact=org.apache.flink:flink-metrics-prometheus:"
                                + pomProperty(pom, "flink.version")));
        run(copy, dir.resolve("resolve-plugin.log"));
        reporterJar(plugins.resolve("retention-loop-prometheus-reporter.jar"));
        return new StandaloneCluster(dir, Files.readString(cp).strip(), plugins.getParent());
    }

    /**
     * conf/config.yaml's reporter (io.retentionloop.ops.metrics) from target/classes as a jar, as
     * jobs/cluster-up.sh packs it for the plugin directory.
     */
    private static void reporterJar(Path jar) throws IOException {
        Path classes = ROOT.resolve("target/classes");
        String service =
                "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory";
        try (java.util.jar.JarOutputStream out =
                        new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                java.util.stream.Stream<Path> files =
                        Files.walk(classes.resolve("io/retentionloop/ops/metrics"))) {
            for (Path f :
                    java.util.stream.Stream.concat(
                                    files.filter(Files::isRegularFile),
                                    java.util.stream.Stream.of(classes.resolve(service)))
                            .toList()) {
                out.putNextEntry(
                        new java.util.jar.JarEntry(
                                classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    static String pomProperty(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        if (!m.find()) {
            throw new IllegalStateException(name + " not in pom.xml");
        }
        return m.group(1).trim();
    }

    static List<String> mvn(String... args) {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-B"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static void run(List<String> cmd, Path log) throws Exception {
        Process p =
                new ProcessBuilder(cmd)
                        .directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    String.join(" ", cmd) + " failed:\n" + Files.readString(log));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String restUrl() {
        return "http://localhost:" + restPort;
    }

    Path dir() {
        return dir;
    }

    void startJobManager() throws Exception {
        Map<String, String> props = new LinkedHashMap<>(settings);
        props.put("metrics.reporter.prom.port", String.valueOf(freePort()));
        processes.add(
                start(
                        "jobmanager",
                        "GET_JM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        props,
                        List.of("--executionMode", "cluster")));
    }

    /** Starts a TaskManager JVM; returns the port of its Prometheus endpoint. */
    int startTaskManager(String name) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(settings);
        int prom = freePort();
        props.put("metrics.reporter.prom.port", String.valueOf(prom));
        Process p =
                start(
                        name,
                        "GET_TM_RESOURCE_PARAMS",
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        props,
                        List.of());
        processes.add(p);
        taskManagers.put(name, p);
        prometheusPorts.put(name, prom);
        return prom;
    }

    int prometheusPort(String taskManager) {
        return prometheusPorts.get(taskManager);
    }

    /** kill -9: the process gets no chance to clean up, as in a machine or container crash. */
    void killTaskManager(String name) throws InterruptedException {
        Process p = taskManagers.remove(name);
        p.destroyForcibly(); // SIGKILL on Unix
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private Process start(
            String name,
            String resourceQuery,
            String mainClass,
            Map<String, String> props,
            List<String> extraArgs)
            throws Exception {
        List<String> dynamic = new ArrayList<>();
        props.forEach(
                (k, v) -> {
                    dynamic.add("-D");
                    dynamic.add(k + "=" + v);
                });
        // JVM flags and derived memory settings exactly as Flink's bin/ scripts get them
        List<String> query =
                new ArrayList<>(
                        List.of(
                                java(),
                                "-cp",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                resourceQuery,
                                "--configDir",
                                conf.toString()));
        query.addAll(dynamic);
        Path queryLog = dir.resolve("log/" + name + "-resources.out");
        run(query, queryLog);
        List<String> results =
                Files.readAllLines(queryLog).stream()
                        .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
                        .toList();
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(List.of(results.get(0).split(" ")));
        cmd.addAll(moduleOpenings());
        cmd.add("-DOMP_NUM_THREADS=1");
        cmd.add("-Dlog.file=" + dir.resolve("log/" + name + ".log"));
        cmd.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        cmd.add("-Dlog4j2.configurationFile=file:" + conf.resolve("log4j.properties"));
        cmd.addAll(List.of("-cp", classpath, mainClass, "--configDir", conf.toString()));
        cmd.addAll(dynamic);
        if (results.size() > 1 && !results.get(1).isBlank()) {
            cmd.addAll(List.of(results.get(1).split(" ")));
        }
        cmd.addAll(extraArgs);
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("log/" + name + ".out").toFile());
        pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    String log(String name) throws IOException {
        Path p = dir.resolve("log/" + name + ".log");
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The Java 17 module openings this JVM got from the build (pom.xml flink.jvm.args). */
    private static List<String> moduleOpenings() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .toList();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
