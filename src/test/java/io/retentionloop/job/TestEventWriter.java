package io.retentionloop.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes hand-made events (the README's JSON schema) and heartbeats to an events topic, for the
 * integration tests' own generators. Event ids are e0, e1, … in the order of {@link #json}.
 */
public final class TestEventWriter {
    /** The heartbeat key of the tests' jobs; a test key, not a secret. */
    public static final String HEARTBEAT_KEY = "test-heartbeat-key-0123456789abcdef";

    /** Job settings under which the heartbeats this writer sends move event time on. */
    public static final java.util.List<String> SETTINGS =
            java.util.List.of(
                    "watermarks.idle-partitions=heartbeats",
                    "events.heartbeat-key=" + HEARTBEAT_KEY,
                    // the tests' worlds live day by day: windows end at midnights
                    "lifecycle.window-phase-step=1d");

    private final String topic;
    private final int partitions;
    private int seq;

    public TestEventWriter(String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
    }

    /** A view, purchase or other event of {@code user} at {@code t}; purchases carry the amount. */
    public byte[] json(String user, String type, long t, double amount) {
        String money =
                type.equals("purchase") ? ",\"amount\":" + amount + ",\"currency\":\"USD\"" : "";
        return ("{\"event_id\":\"e"
                        + (seq++)
                        + "\",\"user_id\":\""
                        + user
                        + "\",\"type\":\""
                        + type
                        + "\",\"event_time\":\""
                        + Instant.ofEpochMilli(t)
                        + "\""
                        + money
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The topic this writer writes to. */
    public String topic() {
        return topic;
    }

    /** The id {@link #json} gave its last event. */
    public String lastEventId() {
        return "e" + (seq - 1);
    }

    /** Sends one record keyed by user, with Kafka timestamp {@code t}. */
    public void send(KafkaProducer<byte[], byte[]> producer, String user, long t, byte[] value) {
        producer.send(
                new ProducerRecord<>(topic, null, t, user.getBytes(StandardCharsets.UTF_8), value));
    }

    /** A heartbeat at {@code t} on every partition. */
    public void heartbeat(KafkaProducer<byte[], byte[]> producer, long t) {
        KafkaIO.sendHeartbeats(
                producer, topic, partitions, t, io.retentionloop.security.Secret.of(HEARTBEAT_KEY));
    }
}
