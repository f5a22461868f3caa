package io.retentionloop.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.retentionloop.events.EventRules;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.security.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/**
 * The application configuration, read once at start. Defaults come from {@code
 * conf/retention-loop.yaml} (packaged into the jar); a user file and {@code --set key=value}
 * overrides are merged over them. Every key is documented in that file.
 */
public record JobConfig(
        Kafka kafka,
        Topics topics,
        Events events,
        Watermarks watermarks,
        Lifecycle lifecycle,
        Value value,
        Agent agent,
        Learner learner,
        Runtime job,
        Security security)
        implements Serializable {

    /**
     * Kafka connection; {@code properties} (over the entries of {@code propertiesFile}) pass
     * through to every client (security etc.), see {@link KafkaIO#clientProperties}.
     */
    public record Kafka(
            String bootstrapServers,
            Map<String, String> properties,
            String propertiesFile,
            Map<String, String> topicRetention,
            Duration transactionTimeout,
            String groupId,
            String transactionalIdPrefix)
            implements Serializable {

        /** The value of {@code topic-retention} that keeps records until the topic is deleted. */
        public static final String FOREVER = "forever";

        /**
         * {@code retention.ms} of the topic with this role (a {@link Topics} component in kebab
         * case: {@code dead-letters}); -1 (forever) for roles without an entry (compacted topics).
         */
        public long retentionMs(String role) {
            String v = topicRetention.get(role);
            if (v == null || v.strip().equalsIgnoreCase(FOREVER)) {
                return -1;
            }
            Duration d;
            try {
                d = TimeUtils.parseDuration(v.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "kafka.topic-retention."
                                + role
                                + " must be a duration (e.g. 14d) or forever, was "
                                + v);
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(
                        "kafka.topic-retention." + role + " must be positive or forever");
            }
            return d.toMillis();
        }

        /** Never prints property values: they may be secrets. */
        @Override
        public String toString() {
            return "Kafka[bootstrapServers="
                    + bootstrapServers
                    + ", properties="
                    + properties.keySet()
                    + ", propertiesFile="
                    + propertiesFile
                    + ", topicRetention="
                    + topicRetention
                    + "]";
        }
    }

    /** Topic names. */
    public record Topics(
            String events,
            String deadLetters,
            String windowSnapshots,
            String interventions,
            String outcomes,
            String policy,
            String models,
            String decisions)
            implements Serializable {}

    /** Input validation; see {@link EventRules}. */
    public record Events(
            int maxRecordBytes,
            double maxAmount,
            Duration maxFutureSkew,
            Instant minEventTime,
            String baseCurrency,
            Map<String, Double> fxRates,
            int dlqMaxPayloadBytes,
            int maxIdLength,
            String heartbeatKey)
            implements Serializable {
        @Override
        public String toString() {
            return "Events[max-record-bytes=" + maxRecordBytes + ", heartbeat-key=(masked)]";
        }
    }

    /** Event-time progress of the source. */
    public record Watermarks(
            Duration maxOutOfOrderness,
            Duration idleTimeout,
            String idlePartitions,
            Duration maxLead)
            implements Serializable {
        public io.retentionloop.events.IdlePartitions idle() {
            return io.retentionloop.events.IdlePartitions.parse(idlePartitions);
        }
    }

    /** Keys that authenticate the control topics; see {@link io.retentionloop.security.Signer}. */
    public record Security(String signingKey) implements Serializable {
        @Override
        public String toString() {
            return "Security[signing-key=(masked)]";
        }
    }

    /** Lifecycle rules; see {@link LifecycleRules}. */
    public record Lifecycle(
            Duration window,
            Duration windowOffset,
            Duration atRiskAfter,
            Duration lapsedAfter,
            Duration expireAfter,
            Duration allowedLateness,
            Duration dedupRetention,
            Duration stateTtl,
            int bundleSize,
            Duration windowPhaseStep)
            implements Serializable {}

    /** The value model the scorer serves; later versions are announced on the models topic. */
    public record Value(
            String modelUri,
            String modelSha256,
            int batchSize,
            List<String> modelLocations,
            long maxModelBytes)
            implements Serializable {}

    /** The retention agent; see {@link io.retentionloop.agent.AgentSettings}. */
    public record Agent(
            String actions,
            String policy,
            double controlShare,
            String controlSalt,
            double epsilon,
            double coldStartEpsilon,
            double explorationFloor,
            double dailyBudget,
            Duration horizon,
            long epsilonDecayUpdates,
            double budgetPacing,
            int batchSize)
            implements Serializable {}

    /** The policy learner; see {@link io.retentionloop.learner.DqnSettings}. */
    public record Learner(
            double gamma,
            double learningRate,
            int hiddenLayers,
            int hiddenUnits,
            int batchSize,
            int replayCapacity,
            int targetUpdatePeriod,
            double updatesPerTransition,
            long seed,
            boolean baseline,
            double averaging,
            double inputL1,
            int ensemble,
            double noiseWeighting,
            double computeShare,
            double maxBacklog,
            int publishEvery,
            int gateWindow,
            double gateLevel,
            double gateTolerance)
            implements Serializable {}

    public io.retentionloop.agent.AgentSettings agentSettings() {
        return new io.retentionloop.agent.AgentSettings(
                agent.controlShare,
                agent.controlSalt,
                agent.epsilon,
                agent.coldStartEpsilon,
                agent.explorationFloor,
                agent.dailyBudget,
                agent.horizon,
                agent.epsilonDecayUpdates,
                agent.budgetPacing);
    }

    /** The action catalogue: {@code agent.actions} if set, else the packaged default. */
    public io.retentionloop.agent.ActionCatalogue catalogue() {
        return agent.actions == null || agent.actions.isBlank()
                ? io.retentionloop.agent.ActionCatalogue.defaults()
                : io.retentionloop.agent.ActionCatalogue.load(Path.of(agent.actions));
    }

    public io.retentionloop.learner.DqnSettings dqnSettings() {
        return new io.retentionloop.learner.DqnSettings(
                learner.gamma,
                learner.learningRate,
                learner.hiddenLayers,
                learner.hiddenUnits,
                learner.batchSize,
                learner.replayCapacity,
                learner.targetUpdatePeriod,
                learner.updatesPerTransition,
                learner.seed,
                learner.baseline,
                learner.averaging,
                learner.inputL1,
                learner.ensemble,
                learner.noiseWeighting);
    }

    /** Job-level settings that belong to the application rather than to the cluster. */
    public record Runtime(
            String name,
            int parallelism,
            int maxParallelism,
            Duration checkpointInterval,
            @JsonProperty("start-from") String startFrom)
            implements Serializable {}

    public static final String DEFAULTS_RESOURCE = "/retention-loop.yaml";

    /** Topic roles (kebab case) whose topics are compacted: the latest record per key is kept. */
    public static final Set<String> COMPACTED_TOPICS = Set.of("policy", "models");

    /**
     * Overrides that keep every non-compacted topic's records forever: what a replay or a
     * simulation needs, whose old timestamps a finite retention would delete at once.
     */
    public static List<String> retentionForever() {
        List<String> out = new java.util.ArrayList<>();
        for (String role : topicRoles()) {
            if (!COMPACTED_TOPICS.contains(role)) {
                out.add("kafka.topic-retention." + role + "=" + Kafka.FOREVER);
            }
        }
        return out;
    }

    /**
     * The role of every topic: each {@link Topics} component in kebab case ({@code dead-letters}).
     */
    public static List<String> topicRoles() {
        return java.util.Arrays.stream(Topics.class.getRecordComponents())
                .map(
                        c ->
                                c.getName()
                                        .replaceAll("([a-z])([A-Z])", "$1-$2")
                                        .toLowerCase(java.util.Locale.ROOT))
                .toList();
    }

    public EventRules eventRules() {
        return new EventRules(
                events.maxRecordBytes,
                events.maxAmount,
                events.maxFutureSkew,
                events.minEventTime,
                events.baseCurrency,
                events.fxRates,
                events.dlqMaxPayloadBytes,
                events.maxIdLength,
                heartbeatKey());
    }

    /** {@code security.signing-key}, resolved; none when it is empty. */
    public io.retentionloop.security.Secret signingKey() {
        return io.retentionloop.security.Secret.resolve(
                security.signingKey, "security.signing-key");
    }

    /** {@code events.heartbeat-key}, resolved; none: heartbeats are dead-lettered. */
    public io.retentionloop.security.Secret heartbeatKey() {
        return io.retentionloop.security.Secret.resolve(
                events.heartbeatKey, "events.heartbeat-key");
    }

    public LifecycleRules lifecycleRules() {
        return new LifecycleRules(
                lifecycle.window,
                lifecycle.windowOffset,
                lifecycle.atRiskAfter,
                lifecycle.lapsedAfter,
                lifecycle.expireAfter,
                lifecycle.allowedLateness,
                lifecycle.dedupRetention,
                lifecycle.stateTtl,
                lifecycle.windowPhaseStep);
    }

    /** The packaged defaults only. */
    public static JobConfig defaults() {
        return load(null, List.of());
    }

    /**
     * Defaults, then {@code file} (may be null), then {@code key=value} overrides with dotted keys
     * ({@code lifecycle.window=3d}; below a map such as {@code kafka.properties} the rest of the
     * key is the entry's name: {@code kafka.properties.ssl.key.password=...}). Fails with a message
     * naming the key on any bad value; the value of a secret key ({@link Secrets#isSecretKey})
     * never appears in it.
     */
    public static JobConfig load(Path file, List<String> overrides) {
        Set<String> secrets = new HashSet<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq > 0 && Secrets.isSecretKey(o.substring(0, eq))) {
                secrets.add(o.substring(eq + 1).trim());
            }
        }
        try {
            return loadTree(file, overrides, secrets);
        } catch (IllegalArgumentException e) {
            String message = scrub(e.getMessage(), secrets);
            if (message.equals(e.getMessage())) {
                throw e;
            }
            // the cause's message may carry the value too
            throw new IllegalArgumentException(message);
        }
    }

    private static JobConfig loadTree(Path file, List<String> overrides, Set<String> secrets) {
        YAMLMapper yaml = mapper();
        try {
            ObjectNode tree;
            try (InputStream in = JobConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DEFAULTS_RESOURCE + " missing from the jar");
                }
                tree = (ObjectNode) yaml.readTree(in);
            }
            if (file != null) {
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("config file not readable: " + file);
                }
                JsonNode user;
                try {
                    user = yaml.readTree(file.toFile());
                } catch (JsonProcessingException e) {
                    // the parser's message quotes the offending line, which may hold a secret
                    JsonLocation at = e.getLocation();
                    throw new IllegalArgumentException(
                            "invalid configuration: "
                                    + file
                                    + " is not valid YAML"
                                    + (at == null
                                            ? ""
                                            : " (line "
                                                    + at.getLineNr()
                                                    + ", column "
                                                    + at.getColumnNr()
                                                    + ")"));
                }
                if (user != null && !user.isMissingNode() && !user.isNull()) {
                    if (!user.isObject()) {
                        throw new IllegalArgumentException(file + " is not a YAML mapping");
                    }
                    merge(tree, (ObjectNode) user, "");
                }
            }
            for (String o : overrides) {
                set(tree, o);
            }
            collectSecrets(tree, "", secrets);
            JobConfig config = yaml.treeToValue(tree, JobConfig.class);
            config.validate();
            return config;
        } catch (JsonMappingException e) {
            String path =
                    e.getPath().stream()
                            .map(
                                    r ->
                                            r.getFieldName() != null
                                                    ? r.getFieldName()
                                                    : "" + r.getIndex())
                            .collect(Collectors.joining("."));
            String what = e.getOriginalMessage();
            throw new IllegalArgumentException(
                    "invalid configuration: "
                            + path
                            + ": "
                            + (Secrets.isSecretKey(path) ? "invalid value" : what));
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage());
        }
    }

    /** The values of every secret key in {@code node}, to keep them out of error messages. */
    private static void collectSecrets(JsonNode node, String path, Set<String> into) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> collectSecrets(e.getValue(), path + e.getKey() + ".", into));
        } else if (node.isValueNode() && Secrets.isSecretKey(path)) {
            into.add(node.asText().trim());
        }
    }

    /** {@code message} with every (non-trivial) secret value replaced by the mask. */
    private static String scrub(String message, Set<String> secrets) {
        String out = message == null ? "" : message;
        for (String s : secrets) {
            // one- or two-character values would mask unrelated text; no secret is that short
            if (s.length() >= 3) {
                out = out.replace(s, Secrets.MASK);
            }
        }
        return out;
    }

    private void validate() {
        eventRules();
        require(
                watermarks.idle() != io.retentionloop.events.IdlePartitions.HEARTBEATS
                        || !heartbeatKey().isEmpty(),
                "watermarks.idle-partitions=heartbeats needs events.heartbeat-key: unsigned"
                        + " heartbeats are rejected, so nothing would move the watermark");
        require(!watermarks.maxLead.isNegative(), "watermarks.max-lead must not be negative");
        require(value.maxModelBytes > 0, "value.max-model-bytes must be > 0");
        signingKey();
        lifecycleRules();
        require(!kafka.bootstrapServers.isBlank(), "kafka.bootstrap-servers must be set");
        require(value.batchSize > 0, "value.batch-size must be > 0");
        require(agent.batchSize > 0, "agent.batch-size must be > 0");
        require(lifecycle.bundleSize > 0, "lifecycle.bundle-size must be > 0");
        // ids are keys and parts of state, written with writeUTF (at most 65,535 bytes)
        require(
                events.maxIdLength > 0 && events.maxIdLength <= 10_000,
                "events.max-id-length must be between 1 and 10000");
        require(
                learner.computeShare > 0 && learner.computeShare <= 1,
                "learner.compute-share must be > 0 and <= 1");
        require(learner.maxBacklog >= 1, "learner.max-backlog must be >= 1");
        require(learner.publishEvery > 0, "learner.publish-every must be > 0");
        require(learner.gateWindow > 0, "learner.gate-window must be > 0");
        io.retentionloop.agent.ActionCatalogue c = catalogue();
        agentSettings().validateFor(c);
        io.retentionloop.agent.PolicyMode.parse(agent.policy, c);
        dqnSettings();
        require(
                learner.gamma == 0 || agent.horizon.compareTo(lifecycle.window) <= 0,
                "learner.gamma > 0 needs agent.horizon <= lifecycle.window ("
                        + lifecycle.window
                        + "), was "
                        + agent.horizon
                        + ": a longer horizon overlaps the next decision's, whose value the"
                        + " learner adds on top, so that revenue would count twice");
        require(
                !value.modelUri.isBlank(),
                "value.model-uri must be set (train one with train-clv)");
        require(job.parallelism > 0, "job.parallelism must be > 0");
        require(
                job.maxParallelism >= job.parallelism,
                "job.max-parallelism must be >= job.parallelism");
        require(
                kafka.transactionTimeout.compareTo(Duration.ofMinutes(15)) <= 0,
                "kafka.transaction-timeout must not exceed the broker's"
                        + " transaction.max.timeout.ms (15 min by default)");
        for (String role : kafka.topicRetention.keySet()) {
            require(
                    topicRoles().contains(role) && !COMPACTED_TOPICS.contains(role),
                    "kafka.topic-retention."
                            + role
                            + ": not a topic role with time-based retention; roles: "
                            + topicRoles().stream()
                                    .filter(r -> !COMPACTED_TOPICS.contains(r))
                                    .toList());
            kafka.retentionMs(role);
        }
        require(
                List.of("committed", "earliest", "latest").contains(job.startFrom),
                "job.start-from must be committed, earliest or latest");
    }

    /** Keys earlier releases had, with what replaced them. */
    private static final Map<String, String> REMOVED_KEYS =
            Map.of(
                    "learner.max-updates-per-record",
                    "removed in 0.2.0: the learner trains in its own task within"
                            + " learner.compute-share and learner.max-backlog");

    private static IllegalArgumentException unknownKey(String key) {
        String removed = REMOVED_KEYS.get(key);
        return new IllegalArgumentException(
                removed == null ? "unknown config key " + key : key + " was " + removed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Config nodes that are maps (their entries are any names, dotted ones included) rather than
     * fixed keys. A file's map is merged entry by entry, except {@code events.fx-rates}, which a
     * file replaces whole (its rates go with its base currency).
     */
    static final Set<String> MAPS =
            Set.of("kafka.properties", "kafka.topic-retention", "events.fx-rates");

    private static void merge(ObjectNode base, ObjectNode over, String path) {
        over.fields()
                .forEachRemaining(
                        e -> {
                            String key = path + e.getKey();
                            JsonNode existing = base.get(e.getKey());
                            if (existing == null) {
                                throw unknownKey(key);
                            }
                            if (existing.isObject() && e.getValue().isObject()) {
                                if (!MAPS.contains(key)) {
                                    merge(
                                            (ObjectNode) existing,
                                            (ObjectNode) e.getValue(),
                                            key + ".");
                                } else if (!key.equals("events.fx-rates")) {
                                    ((ObjectNode) existing).setAll((ObjectNode) e.getValue());
                                } else {
                                    base.set(e.getKey(), e.getValue());
                                }
                            } else {
                                base.set(e.getKey(), e.getValue());
                            }
                        });
    }

    private static void set(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "override must be key=value: "
                            + (Secrets.isSecretKey(assignment) ? Secrets.MASK : assignment));
        }
        String key = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        String path = "";
        for (int i = 0; i < parts.length; i++) {
            path = i == 0 ? parts[0] : path + "." + parts[i];
            boolean last = i == parts.length - 1;
            if (MAPS.contains(path)) {
                if (last) {
                    throw new IllegalArgumentException(
                            key + " is a map: set one entry, e.g. " + key + ".NAME=VALUE");
                }
                if (!(node.get(parts[i]) instanceof ObjectNode)) {
                    node.putObject(parts[i]);
                }
                String entry = key.substring(path.length() + 1);
                ((ObjectNode) node.get(parts[i])).put(entry, value);
                return;
            }
            if (last) {
                if (!node.has(parts[i])) {
                    throw unknownKey(key);
                }
                node.put(parts[i], value);
                return;
            }
            if (!(node.get(parts[i]) instanceof ObjectNode child)) {
                throw unknownKey(key);
            }
            node = child;
        }
    }

    private static YAMLMapper mapper() {
        SimpleModule durations = new SimpleModule();
        durations.addDeserializer(Duration.class, new DurationDeserializer());
        durations.addDeserializer(Instant.class, new InstantDeserializer());
        YAMLMapper m = new YAMLMapper();
        m.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
        m.registerModule(durations);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
        return m;
    }

    /** Durations as Flink writes them: {@code 7d}, {@code 1 h}, {@code 30s}, {@code 500ms}. */
    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            try {
                return TimeUtils.parseDuration(text);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ctx.weirdStringException(text, Duration.class, "expected e.g. 7d, 1h, 30s");
            }
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            try {
                return Instant.parse(text);
            } catch (RuntimeException e) {
                throw ctx.weirdStringException(text, Instant.class, "expected ISO-8601 instant");
            }
        }
    }
}
