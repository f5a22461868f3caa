package io.retentionloop.ops;

import io.retentionloop.job.JobConfig;
import io.retentionloop.job.KafkaIO;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates the job's Kafka topics, named as in the application config, where they are missing. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "Create the job's topics (topics.* of the application config) on a Kafka cluster where"
                    + " they do not exist yet; existing topics are left alone.",
            "Records are kept as kafka.topic-retention says per topic (the dead-letter topic 14"
                    + " days by default); simulated and replayed events carry old timestamps, which"
                    + " a finite retention deletes at once: for those, --set"
                    + " kafka.topic-retention.ROLE=forever. The policy and models topics are"
                    + " compacted."
        })
public final class TopicsCommand implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            description = "Kafka brokers (default: kafka.bootstrap-servers of the config).")
    String bootstrapServers;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description =
                    "Partitions of the events, snapshot, intervention and outcome topics"
                            + " (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "1",
            description = "Replication factor (default ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--config", paramLabel = "FILE", description = "Application config file.")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override one application config key, as the job's --set. Repeatable. Secrets"
                            + " go in as '$${env:NAME}' or '$${file:/path}', never literally.")
    List<String> overrides = new ArrayList<>();

    /** Topics that hold one record per key and are compacted: the latest version wins. */
    static final Set<String> COMPACTED = Set.of("policy", "models");

    /** Topics whose order matters across all records: one partition. */
    static final Set<String> SINGLE_PARTITION = Set.of("deadLetters", "policy", "models");

    /**
     * Every topic of {@code topics} (each component of {@link JobConfig.Topics}, so topics added
     * with new capabilities are included), keyed by name, records kept forever (for simulated and
     * replayed history).
     */
    public static Map<String, NewTopic> topics(
            JobConfig.Topics topics, int partitions, short replicationFactor) {
        return topics(topics, role -> -1L, partitions, replicationFactor);
    }

    /**
     * Every topic of {@code config}, keyed by name, with the retention of {@code
     * kafka.topic-retention}.
     */
    public static Map<String, NewTopic> topics(
            JobConfig config, int partitions, short replicationFactor) {
        return topics(config.topics(), config.kafka()::retentionMs, partitions, replicationFactor);
    }

    private static Map<String, NewTopic> topics(
            JobConfig.Topics topics,
            java.util.function.ToLongFunction<String> retentionMs,
            int partitions,
            short replicationFactor) {
        Map<String, NewTopic> out = new LinkedHashMap<>();
        for (RecordComponent c : JobConfig.Topics.class.getRecordComponents()) {
            String name;
            try {
                name = (String) c.getAccessor().invoke(topics);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String role = c.getName();
            String kebab = role.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Map<String, String> configs =
                    COMPACTED.contains(role)
                            ? Map.of("cleanup.policy", "compact", "retention.ms", "-1")
                            : Map.of(
                                    "retention.ms", String.valueOf(retentionMs.applyAsLong(kebab)));
            int n = SINGLE_PARTITION.contains(role) ? 1 : partitions;
            out.put(name, new NewTopic(name, n, replicationFactor).configs(configs));
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        JobConfig c = JobConfig.load(config, overrides);
        Properties client = KafkaIO.clientProperties(c.kafka());
        if (bootstrapServers != null) {
            client.put("bootstrap.servers", bootstrapServers);
        }
        Map<String, NewTopic> wanted = topics(c, partitions, replicationFactor);
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> create =
                    wanted.values().stream().filter(t -> !existing.contains(t.name())).toList();
            admin.createTopics(create).all().get();
            for (String name : wanted.keySet()) {
                System.out.println(
                        "[topics] "
                                + name
                                + (existing.contains(name)
                                        ? " exists (left as it is)"
                                        : " created, retention.ms="
                                                + wanted.get(name).configs().get("retention.ms"))
                                + " at "
                                + client.getProperty("bootstrap.servers"));
            }
        }
        return 0;
    }
}
