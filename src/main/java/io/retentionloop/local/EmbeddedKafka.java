package io.retentionloop.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka server (KRaft, broker and controller combined) running in this JVM, for
 * the embedded default and the tests. Both its listeners bind 127.0.0.1 only, on free ports.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;

    /** Attempts at finding two free ports, in case another process takes one before we bind it. */
    private static final int BIND_ATTEMPTS = 5;

    /** Guards Kafka's process-wide exit procedures while we replace them. */
    private static final Object EXIT_LOCK = new Object();

    private final Path dir;
    private final boolean temporary;
    private final Properties serverProps;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(
            Path dir,
            boolean temporary,
            Properties serverProps,
            int port,
            int controllerPort,
            KafkaRaftServer server) {
        this.dir = dir;
        this.temporary = temporary;
        this.serverProps = serverProps;
        this.port = port;
        this.controllerPort = controllerPort;
        this.server = server;
    }

    /**
     * Formats storage under {@code dir} (a temporary directory, deleted on close, when null) and
     * starts the server. A directory formatted by an earlier start is used as it is, with its data.
     */
    public static EmbeddedKafka start(Path dir) throws Exception {
        return start(dir, () -> freePorts(2));
    }

    /** As {@link #start(Path)}, after deleting whatever an earlier broker left in {@code dir}. */
    public static EmbeddedKafka startEmpty(Path dir) throws Exception {
        deleteRecursively(dir);
        return start(dir);
    }

    /** Where {@link #start(Path)} gets its broker and controller ports; tests replace it. */
    interface PortProbe {
        int[] next() throws IOException;
    }

    static EmbeddedKafka start(Path dir, PortProbe probe) throws Exception {
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("embedded-kafka") : dir;
        try {
            Files.createDirectories(root);
            for (int attempt = 1; ; attempt++) {
                int[] ports = probe.next();
                Properties props = serverProps(root, ports[0], ports[1]);
                // once: a retry must keep the cluster id the first attempt wrote
                if (!Files.exists(root.resolve("data").resolve("meta.properties"))) {
                    format(root, props);
                }
                try {
                    KafkaRaftServer server = startServer(props);
                    return new EmbeddedKafka(root, temporary, props, ports[0], ports[1], server);
                } catch (Exception e) {
                    if (attempt >= BIND_ATTEMPTS || !mayBeBindRace(e)) {
                        throw e;
                    }
                    // another process took a port between our probe and the server's bind
                }
            }
        } catch (Exception e) {
            if (temporary) {
                deleteRecursively(root);
            }
            throw e;
        }
    }

    /**
     * The server's configuration: like {@code jobs/cluster-up.sh}'s server.properties, on
     * 127.0.0.1, with records kept forever (simulated history carries old timestamps).
     */
    private static Properties serverProps(Path root, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + port
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", root.resolve("data").toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.retention.ms", "-1");
        p.put("message.max.bytes", String.valueOf(4 * 1024 * 1024));
        // the cleaner of compacted topics allocates this much heap (default 128 MiB): keep it
        // small beside Flink in the same JVM, as Kafka's test kit did
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    /** Formats the log directory with a new cluster id, as {@code kafka-storage.sh format} does. */
    private static void format(Path root, Properties props) throws IOException {
        Path file = root.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "single-node KRaft broker and controller of EmbeddedKafka");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()};
            int code = StorageTool.execute(args, print);
            if (code != 0) {
                throw new IOException(
                        "formatting Kafka storage failed: "
                                + output.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private static KafkaRaftServer startServer(Properties props) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        try {
            // returns once the broker has caught up with the metadata and is unfenced
            withoutExit(server::startup);
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        return server;
    }

    private static void stop(KafkaRaftServer server) {
        withoutExit(
                () -> {
                    server.shutdown();
                    server.awaitShutdown();
                });
    }

    /**
     * Runs Kafka's startup or shutdown with its process exit and halt turned into an exception: a
     * fatal fault there (the controller's port taken between our probe and its bind, say) would
     * otherwise end this whole JVM, the job and the tests with it.
     */
    private static void withoutExit(Runnable action) {
        synchronized (EXIT_LOCK) {
            Exit.Procedure fail =
                    (status, message) -> {
                        throw new KafkaExitRequested(status, message);
                    };
            Exit.setExitProcedure(fail);
            Exit.setHaltProcedure(fail);
            try {
                action.run();
            } finally {
                Exit.resetExitProcedure();
                Exit.resetHaltProcedure();
            }
        }
    }

    /** Kafka asked to end the process; the cause is in its log, just before. */
    private static final class KafkaExitRequested extends RuntimeException {
        KafkaExitRequested(int status, String message) {
            super(
                    "the embedded Kafka server failed fatally and asked to end the JVM (status "
                            + status
                            + (message == null ? "" : ", " + message)
                            + "): see its log for the cause");
        }
    }

    /** Ports free on 127.0.0.1 at this moment, all different. */
    private static int[] freePorts(int n) throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress(loopback, 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Whether a failed start may be a port taken by another process: the broker reports that as a
     * {@link BindException}, the controller only through its fault handler (which asks to exit).
     */
    private static boolean mayBeBindRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || t instanceof KafkaExitRequested) {
                return true;
            }
        }
        return false;
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The port of the controller listener (on 127.0.0.1), for the tests. */
    int controllerPort() {
        return controllerPort;
    }

    /** The directory of the server's configuration and log, for the tests. */
    Path directory() {
        return dir;
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    /**
     * Shuts the server down and starts it again on the same ports and log directory, keeping every
     * record, offset and transaction: a broker (and controller) restart for fault-injection tests.
     * Clients reconnect by themselves.
     */
    public synchronized void restart() throws Exception {
        stop(server);
        server = null;
        for (int attempt = 1; ; attempt++) {
            try {
                server = startServer(serverProps);
                return;
            } catch (Exception e) {
                if (attempt >= BIND_ATTEMPTS || !mayBeBindRace(e)) {
                    throw e;
                }
                // the old sockets may linger a moment; the ports are ours to take again
                Thread.sleep(500L * attempt);
            }
        }
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
            awaitLeaders(admin, topics.keySet());
        }
    }

    /**
     * Waits until every partition of {@code names} has a leader: a producer that writes to a topic
     * created a moment ago may otherwise meet a partition without one, and its idempotent retries
     * can then fail with out-of-order sequence numbers.
     */
    private static void awaitLeaders(Admin admin, java.util.Collection<String> names)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            boolean ready = true;
            try {
                for (var d : admin.describeTopics(names).allTopicNames().get().values()) {
                    for (var p : d.partitions()) {
                        ready &= p.leader() != null && !p.leader().isEmpty();
                    }
                }
            } catch (ExecutionException e) {
                ready = false; // not known to the broker's metadata yet
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics without a leader after 30 s: " + names);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        try {
            if (server != null) {
                stop(server);
                server = null;
            }
        } finally {
            if (temporary) {
                deleteRecursively(dir);
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
