package io.retentionloop.ops;

import io.retentionloop.job.JobConfig;
import io.retentionloop.job.KafkaIO;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
            "Records are kept forever (retention.ms=-1): simulated and replayed events carry old"
                    + " timestamps. The policy topic is compacted."
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
     * with new capabilities are included), keyed by name, records kept forever.
     */
    public static Map<String, NewTopic> topics(
            JobConfig.Topics topics, int partitions, short replicationFactor) {
        Map<String, NewTopic> out = new LinkedHashMap<>();
        for (RecordComponent c : JobConfig.Topics.class.getRecordComponents()) {
            String name;
            try {
                name = (String) c.getAccessor().invoke(topics);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String role = c.getName();
            Map<String, String> configs =
                    COMPACTED.contains(role)
                            ? Map.of("cleanup.policy", "compact", "retention.ms", "-1")
                            : Map.of("retention.ms", "-1");
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
        Map<String, NewTopic> wanted = topics(c.topics(), partitions, replicationFactor);
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> create =
                    wanted.values().stream().filter(t -> !existing.contains(t.name())).toList();
            admin.createTopics(create).all().get();
            for (String name : wanted.keySet()) {
                System.out.println(
                        "[topics] "
                                + name
                                + (existing.contains(name) ? " exists" : " created")
                                + " at "
                                + client.getProperty("bootstrap.servers"));
            }
        }
        return 0;
    }
}
