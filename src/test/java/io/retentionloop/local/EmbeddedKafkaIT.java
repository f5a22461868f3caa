package io.retentionloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
    private static final String TOPIC = "t";

    @Test
    void brokerAndControllerListenOnLoopbackOnly(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            int broker = Integer.parseInt(kafka.bootstrapServers().split(":")[1]);
            List<Integer> ports = List.of(broker, kafka.controllerPort());
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (int port : ports) {
                connect(loopback, port);
            }
            Optional<InetAddress> external = nonLoopbackAddress();
            Assumptions.assumeTrue(
                    external.isPresent(), "this machine has no non-loopback address");
            for (int port : ports) {
                assertThatThrownBy(() -> connect(external.get(), port))
                        .as("%s:%d", external.get().getHostAddress(), port)
                        .isInstanceOf(ConnectException.class);
            }
        }
    }

    @Test
    void aPortTakenBeforeTheServerBindsItIsRetriedWithoutEndingTheJvm(@TempDir Path dir)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket taken = new ServerSocket(0, 50, loopback)) {
            int held = taken.getLocalPort();
            // the controller's port taken (Kafka's fault handler would halt the JVM), then the
            // broker's, then two free ones
            Deque<int[]> ports = new ArrayDeque<>();
            ports.add(new int[] {freePort(), held});
            ports.add(new int[] {held, freePort()});
            ports.add(new int[] {freePort(), freePort()});
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, ports::remove)) {
                assertThat(ports).isEmpty();
                kafka.createTopics(Map.of(TOPIC, 1), List.of());
                try (Admin admin = Admin.create(kafka.clientProperties())) {
                    assertThat(admin.listTopics().names().get()).contains(TOPIC);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void transactionsAndRecordsSurviveARestart(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            kafka.createTopics(Map.of(TOPIC, 2), List.of());
            try (KafkaProducer<String, String> producer = transactional(kafka);
                    KafkaConsumer<String, String> consumer = readCommitted(kafka)) {
                producer.initTransactions();
                send(producer, "a1", "a2");
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "aborted", "x"));
                producer.flush();
                producer.abortTransaction();
                consumer.subscribe(List.of(TOPIC));
                assertThat(poll(consumer, 2)).containsExactlyInAnyOrder("a1", "a2");
                consumer.commitSync();

                kafka.restart();

                // the same clients go on: the producer's transactions and the consumer's group
                send(producer, "b1");
                assertThat(poll(consumer, 1)).containsExactly("b1");
                consumer.commitSync();
            }
            // a new producer with the same transactional.id takes over its transactions
            try (KafkaProducer<String, String> producer = transactional(kafka)) {
                producer.initTransactions();
                send(producer, "c1");
            }

            kafka.restart();

            // the group's offsets were kept: it resumes after b1
            try (KafkaConsumer<String, String> consumer = readCommitted(kafka)) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(poll(consumer, 1)).containsExactly("c1");
            }
            // every committed record, none of the aborted one
            Properties fresh = new Properties();
            fresh.put("group.id", "fresh");
            try (KafkaConsumer<String, String> consumer = readCommitted(kafka, fresh)) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(poll(consumer, 4)).containsExactlyInAnyOrder("a1", "a2", "b1", "c1");
                assertThat(consumer.poll(Duration.ofSeconds(1))).isEmpty();
            }
        }
    }

    @Test
    void aTemporaryDirectoryIsDeletedOnClose() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
            dir = kafka.directory();
            assertThat(dir.resolve("data").resolve("meta.properties")).isRegularFile();
        }
        assertThat(dir).doesNotExist();
    }

    private static void send(KafkaProducer<String, String> producer, String... values) {
        producer.beginTransaction();
        for (String v : values) {
            producer.send(new ProducerRecord<>(TOPIC, v, v));
        }
        producer.commitTransaction();
    }

    private static KafkaProducer<String, String> transactional(EmbeddedKafka kafka) {
        Properties p = kafka.clientProperties();
        p.put("transactional.id", "embedded-kafka-test");
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> readCommitted(EmbeddedKafka kafka) {
        Properties group = new Properties();
        group.put("group.id", "readers");
        return readCommitted(kafka, group);
    }

    private static KafkaConsumer<String, String> readCommitted(
            EmbeddedKafka kafka, Properties extra) {
        Properties p = kafka.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.putAll(extra);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Exactly {@code n} record values, within a minute (the group rebalances after a restart). */
    private static List<String> poll(KafkaConsumer<String, String> consumer, int n) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (values.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5_000);
        }
    }

    /** An address of this machine other than loopback and link-local, IPv4 first. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    found.add(a);
                }
            }
        }
        return found.stream().min(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1));
    }
}
