package io.retentionloop.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, broker and controller combined) running in this JVM, for
 * the embedded default and the tests. Its listeners are named localhost, but the test kit binds
 * their sockets before the broker starts, on the wildcard address: keep the machine's firewall
 * closed to its ports (security.md).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * Formats storage under {@code dir} (a temporary directory when null) and starts the broker.
     */
    public static EmbeddedKafka start(Path dir) throws Exception {
        TestKitNodes.Builder nodes =
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1);
        if (dir != null) {
            nodes.setBaseDirectory(dir);
        }
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(nodes.build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .setConfigProp("log.retention.ms", "-1")
                        .setConfigProp("message.max.bytes", String.valueOf(4 * 1024 * 1024))
                        .build();
        java.io.PrintStream stdout = System.out;
        try {
            // format() prints its bootstrap metadata to stdout; keep the console for progress
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    /**
     * Creates topics (name → partitions) that keep records forever: simulated and replayed events
     * carry old timestamps that time-based retention would delete at once.
     */
    public void createTopics(Map<String, Integer> partitions, List<String> compacted)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach(
                    (name, n) -> {
                        Map<String, String> configs =
                                compacted.contains(name)
                                        ? Map.of("cleanup.policy", "compact", "retention.ms", "-1")
                                        : Map.of("retention.ms", "-1");
                        topics.add(new NewTopic(name, n, (short) 1).configs(configs));
                    });
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Creates every topic of the job's configuration (see {@code TopicsCommand.topics}), keeping
     * records forever (the tests' simulated history carries old timestamps).
     */
    public void createTopics(io.retentionloop.job.JobConfig.Topics topics, int partitions)
            throws ExecutionException, InterruptedException {
        create(io.retentionloop.ops.TopicsCommand.topics(topics, partitions, (short) 1));
    }

    /**
     * Creates every topic of {@code config} as the {@code topics} command does, with the retention
     * of {@code kafka.topic-retention}.
     */
    public void createTopics(io.retentionloop.job.JobConfig config, int partitions)
            throws ExecutionException, InterruptedException {
        create(io.retentionloop.ops.TopicsCommand.topics(config, partitions, (short) 1));
    }

    private void create(Map<String, NewTopic> topics)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(clientProperties())) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> create =
                    topics.values().stream().filter(t -> !existing.contains(t.name())).toList();
            admin.createTopics(create).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
