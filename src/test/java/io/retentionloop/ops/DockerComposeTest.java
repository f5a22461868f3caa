package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.retentionloop.cli.Main;
import io.retentionloop.job.JobConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * No Docker engine or Kubernetes runs where this project is built, so the files in docker/ are
 * checked here for what can be checked without one: every file they reference exists, ports agree
 * with conf/config.yaml, every Flink setting is a real Flink option, every application setting and
 * CLI command the containers run is accepted by the code, and the GPU task manager is set up.
 */
class DockerComposeTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DOCKER = ROOT.resolve("docker");
    static final YAMLMapper YAML = new YAMLMapper();

    static JsonNode compose;
    static Map<String, String> flinkConf;
    static Set<String> flinkOptions;

    @BeforeAll
    static void read() throws Exception {
        compose = YAML.readTree(DOCKER.resolve("docker-compose.yml").toFile());
        flinkConf = flatten(YAML.readTree(ROOT.resolve("conf/config.yaml").toFile()));
        flinkOptions = knownFlinkOptions();
    }

    @Test
    void everyFileTheComposeFileAndImageReferenceExists() throws Exception {
        for (Map.Entry<String, JsonNode> s : services().entrySet()) {
            JsonNode build = s.getValue().path("build");
            if (!build.isMissingNode()) {
                Path context = DOCKER.resolve(build.get("context").asText()).normalize();
                Path dockerfile = context.resolve(build.get("dockerfile").asText());
                assertThat(dockerfile).as(s.getKey()).exists();
                for (String source : copySources(dockerfile)) {
                    assertThat(context.resolve(source)).as("COPY " + source).exists();
                }
            }
            for (JsonNode v : s.getValue().path("volumes")) {
                String host = v.asText().split(":")[0];
                if (host.startsWith(".") || host.startsWith("/")) {
                    assertThat(DOCKER.resolve(host).normalize()).as(s.getKey() + " " + v).exists();
                }
            }
        }
        assertThat(DOCKER.resolve("flink-entrypoint.sh")).isExecutable();
    }

    @Test
    void publishedPortsAndScrapeTargetsAgreeWithConfig() throws Exception {
        Map<String, JsonNode> services = services();
        String restPort = flinkConf.get("rest.port");
        assertThat(services.get("jobmanager").get("ports").get(0).asText())
                .endsWith(":" + restPort + ":" + restPort);
        // in a container every process is alone: it takes the first port of the reporter range
        String promPort = flinkConf.get("metrics.reporter.prom.port").split("-")[0];
        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        prometheus
                .get("scrape_configs")
                .get(0)
                .get("static_configs")
                .get(0)
                .get("targets")
                .forEach(t -> targets.add(t.asText()));
        assertThat(targets).isNotEmpty();
        for (String t : targets) {
            assertThat(services).containsKey(t.split(":")[0]);
            assertThat(t.split(":")[1]).isEqualTo(promPort);
        }
        assertThat(targets)
                .containsExactlyInAnyOrder(
                        "jobmanager:" + promPort,
                        "taskmanager:" + promPort,
                        "taskmanager-gpu:" + promPort);
        // Grafana reads the compose Prometheus, and the dashboard uses that datasource
        JsonNode ds =
                YAML.readTree(
                                DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml")
                                        .toFile())
                        .get("datasources")
                        .get(0);
        assertThat(ds.get("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(services.get("prometheus").get("ports").get(0).asText()).endsWith(":9090");
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(
                                DOCKER.resolve("grafana/dashboards/retention-loop.json").toFile());
        StringBuilder exprs = new StringBuilder();
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.get("type").asText().equals("row")) {
                assertThat(panel.get("datasource").get("uid").asText())
                        .isEqualTo(ds.get("uid").asText());
                assertThat(panel.get("targets")).isNotEmpty();
                panel.get("targets")
                        .forEach(t -> exprs.append(t.get("expr").asText()).append('\n'));
            }
        }
        // the agent's and the learner's metrics (StandaloneClusterIT checks they are exported)
        for (String metric :
                List.of(
                        "action_decisionsByAction",
                        "decisionsExplored",
                        "budgetDenied",
                        "budgetSpentToday",
                        "budgetPrice",
                        "epsilon",
                        "rewardsMatured",
                        "tdLoss",
                        "updates",
                        "replaySize",
                        "policyVersion",
                        "estimatedPolicyValue",
                        "policiesPublished",
                        "policiesHeldBack")) {
            assertThat(exprs.toString())
                    .as("a dashboard panel on %s", metric)
                    .contains("flink_taskmanager_job_task_operator_" + metric + "{");
        }
        // Kafka clients in the containers use the broker's advertised in-network listener
        assertThat(
                        services.get("kafka")
                                .get("environment")
                                .get("KAFKA_ADVERTISED_LISTENERS")
                                .asText())
                .contains("PLAINTEXT://kafka:9092");
    }

    @Test
    void everyFlinkSettingIsARealFlinkOption() throws Exception {
        Set<String> unknown = new TreeSet<>();
        for (String key : flinkConf.keySet()) {
            if (!isFlinkOption(key)) {
                unknown.add("conf/config.yaml: " + key);
            }
        }
        for (Map.Entry<String, JsonNode> s : services().entrySet()) {
            for (String key : dynamicProperties(s.getValue()).keySet()) {
                if (!isFlinkOption(key)) {
                    unknown.add(s.getKey() + ": -D " + key);
                }
            }
        }
        flinkDeployment()
                .get("spec")
                .get("flinkConfiguration")
                .fieldNames()
                .forEachRemaining(
                        key -> {
                            if (!isFlinkOption(key)) {
                                unknown.add("k8s: " + key);
                            }
                        });
        assertThat(unknown).isEmpty();
    }

    @Test
    void containersRunCommandsAndSettingsTheCodeAccepts() throws Exception {
        Set<String> subcommands = new CommandLine(new Main()).getSubcommands().keySet();
        String jarInImage = jobJarInImage();
        for (Map.Entry<String, JsonNode> s : services().entrySet()) {
            List<String> cmd = command(s.getValue());
            if (cmd.isEmpty()) {
                continue;
            }
            if (cmd.get(0).equals("cli")) {
                assertThat(subcommands).as(s.getKey()).contains(cmd.get(1));
            } else if (cmd.get(0).equals("flink")) {
                int c = cmd.indexOf("-c");
                Class.forName(cmd.get(c + 1));
                assertThat(cmd.get(c + 2)).isEqualTo(jarInImage);
                assertThat(cmd.get(c + 3)).isEqualTo("job");
                JobConfig.load(null, overrides(cmd));
            } else {
                assertThat(cmd.get(0)).isIn("jobmanager", "taskmanager");
            }
        }
        JsonNode job = flinkDeployment().get("spec").get("job");
        assertThat(job.get("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.get("jarURI").asText()).isEqualTo("local://" + jarInImage);
        Class.forName(job.get("entryClass").asText());
        List<String> args = new ArrayList<>();
        job.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args.get(0)).isEqualTo("job");
        JobConfig.load(null, overrides(args));
        assertThat(
                        flinkDeployment()
                                .at(
                                        "/spec/flinkConfiguration/execution.checkpointing.savepoint-dir")
                                .asText())
                .isNotBlank();
    }

    @Test
    void gpuTaskManagerReservesAnNvidiaDeviceAndUsesFlinksGpuResource() {
        JsonNode gpu = services().get("taskmanager-gpu");
        assertThat(gpu.get("build").get("args").get("MAVEN_PROFILES").asText()).isEqualTo("-Pgpu");
        JsonNode device = gpu.at("/deploy/resources/reservations/devices/0");
        assertThat(device.get("driver").asText()).isEqualTo("nvidia");
        assertThat(device.get("capabilities").get(0).asText()).isEqualTo("gpu");
        assertThat(dynamicProperties(gpu))
                .containsEntry("external-resources", "gpu")
                .containsEntry("external-resource.gpu.amount", "1")
                .containsEntry(
                        "external-resource.gpu.driver-factory.class",
                        "org.apache.flink.externalresource.gpu.GPUDriverFactory")
                .containsEntry(
                        "external-resource.gpu.param.discovery-script.args",
                        "--enable-coordination-mode");
        // the CPU task manager needs no GPU and the default `up` does not start the GPU one
        assertThat(services().get("taskmanager").has("deploy")).isFalse();
        assertThat(gpu.get("profiles").get(0).asText()).isEqualTo("gpu");
    }

    private static Map<String, JsonNode> services() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        compose.get("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static JsonNode flinkDeployment() throws Exception {
        return YAML.readTree(DOCKER.resolve("k8s/flink-deployment.yaml").toFile());
    }

    private static List<String> command(JsonNode service) {
        List<String> out = new ArrayList<>();
        service.path("command").forEach(c -> out.add(c.asText()));
        return out;
    }

    private static Map<String, String> dynamicProperties(JsonNode service) {
        List<String> cmd = command(service);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < cmd.size() - 1; i++) {
            if (cmd.get(i).equals("-D")) {
                String kv = cmd.get(i + 1);
                out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return out;
    }

    private static List<String> overrides(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals("--set")) {
                out.add(args.get(i + 1));
            }
        }
        return out;
    }

    /** Source paths of the Dockerfile's COPY lines that copy from the build context. */
    private static List<String> copySources(Path dockerfile) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            String l = line.trim();
            if (l.startsWith("COPY ") && !l.contains("--from=")) {
                String[] parts = l.substring(5).trim().split("\\s+");
                for (int i = 0; i < parts.length - 1; i++) {
                    out.add(parts[i]);
                }
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** Where the Dockerfile puts the shaded job jar. */
    private static String jobJarInImage() throws Exception {
        for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
            if (line.startsWith("COPY --from=build") && line.contains("job.jar")) {
                String[] parts = line.trim().split("\\s+");
                return parts[parts.length - 1];
            }
        }
        throw new AssertionError("the Dockerfile copies no job jar");
    }

    private static boolean isFlinkOption(String key) {
        if (flinkOptions.contains(key)) {
            return true;
        }
        // reporter and external resource options are per named instance
        // (host: io.retentionloop.ops.metrics.BoundPrometheusReporterFactory's own option)
        if (key.matches("metrics\\.reporter\\.[a-z]+\\.(factory\\.class|port|interval|host)")) {
            return true;
        }
        return key.matches(
                "external-resource\\.[a-z]+\\.(amount|driver-factory\\.class"
                        + "|param\\.discovery-script\\.(path|args))");
    }

    private static Set<String> knownFlinkOptions() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (String c :
                List.of(
                        "org.apache.flink.configuration.BlobServerOptions",
                        "org.apache.flink.configuration.CheckpointingOptions",
                        "org.apache.flink.configuration.ClusterOptions",
                        "org.apache.flink.configuration.CoreOptions",
                        "org.apache.flink.configuration.DeploymentOptions",
                        "org.apache.flink.configuration.ExternalResourceOptions",
                        "org.apache.flink.configuration.HeartbeatManagerOptions",
                        "org.apache.flink.configuration.JobManagerOptions",
                        "org.apache.flink.configuration.MetricOptions",
                        "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
                        "org.apache.flink.configuration.PipelineOptions",
                        "org.apache.flink.configuration.RestOptions",
                        "org.apache.flink.configuration.RestartStrategyOptions",
                        "org.apache.flink.configuration.StateBackendOptions",
                        "org.apache.flink.configuration.StateRecoveryOptions",
                        "org.apache.flink.configuration.TaskManagerOptions",
                        "org.apache.flink.configuration.WebOptions",
                        "org.apache.flink.state.rocksdb.RocksDBOptions",
                        "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions")) {
            for (Field f : Class.forName(c).getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    keys.add(o.key());
                    for (FallbackKey k : o.fallbackKeys()) {
                        keys.add(k.getKey());
                    }
                }
            }
        }
        return keys;
    }

    /** Flink's view of a YAML config: nested keys joined with dots. */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten(node, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                flatten(e.getValue(), key, out);
            } else {
                out.put(key, e.getValue().asText());
            }
        }
    }
}
