package io.retentionloop.ops;

import io.retentionloop.job.Home;
import io.retentionloop.job.KafkaIO;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Feeds the simulated world into a Kafka events topic in accelerated real time, for a cluster
 * started with {@code jobs/cluster-up.sh} or any other broker.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Produce the simulated world's events into a Kafka topic, paced at --speed simulated"
                    + " days per wall-clock second, with a heartbeat to every partition at each"
                    + " day end (README: event schema). Record timestamps are simulated time.",
            "Deterministic under --seed; the topic must exist (see the topics command)."
        })
public final class SimulateCommand implements Callable<Integer> {
    static final long DAY = 86_400_000L;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "localhost:9092",
            description = "Kafka brokers (default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            defaultValue = "events",
            description = "Events topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--users",
            defaultValue = "2000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "365",
            description = "Simulated days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "World seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First simulated day, UTC (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition (default ${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--speed",
            defaultValue = "1",
            description =
                    "Simulated days per wall-clock second; 0 produces as fast as possible"
                            + " (default ${DEFAULT-VALUE}).")
    double speed;

    @Option(
            names = "--final-heartbeat-after",
            defaultValue = "1h",
            description =
                    "After the last day, one heartbeat this far past its end closes the last"
                            + " window; keep it above watermarks.max-out-of-orderness (default"
                            + " ${DEFAULT-VALUE}).")
    String finalHeartbeatAfter;

    @Option(
            names = "--heartbeat-key",
            paramLabel = "SPEC",
            defaultValue = "",
            description =
                    "Key that signs the heartbeats: $${env:NAME} or $${file:/path}, the job's"
                            + " events.heartbeat-key. Empty: no heartbeats are sent (a job rejects"
                            + " unsigned ones); its event time then moves with the events, and"
                            + " with its clock while a partition is silent.")
    String heartbeatKey;

    private io.retentionloop.security.Secret key;

    @Option(
            names = "--producer-property",
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer property (security etc.). Repeatable.")
    java.util.Map<String, String> producerProperties = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (users <= 0 || days <= 0 || speed < 0) {
            throw new IllegalArgumentException("--users and --days must be > 0, --speed >= 0");
        }
        Duration tail = org.apache.flink.util.TimeUtils.parseDuration(finalHeartbeatAfter);
        key = io.retentionloop.security.Secret.resolve(heartbeatKey, "--heartbeat-key");
        if (key.isEmpty()) {
            say("no --heartbeat-key: sending no heartbeats");
        }
        Instant begin = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        Simulator sim = new Simulator(WorldConfig.load(world), users, seed, begin);
        Properties p = new Properties();
        p.putAll(producerProperties);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("acks", "all");
        p.put("linger.ms", "20");
        p.put("compression.type", "lz4");
        p.put("max.request.size", String.valueOf(4 * 1024 * 1024));
        say(
                String.format(
                        "%d users, %d days from %s, seed %d, %s into %s at %s",
                        users,
                        days,
                        start,
                        seed,
                        speed == 0 ? "as fast as possible" : speed + " days/s",
                        topic,
                        bootstrapServers));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            Pacer pacer = new Pacer(begin.toEpochMilli(), speed, System.nanoTime());
            AtomicLong produced = new AtomicLong();
            SimSink sink =
                    new SimSink() {
                        @Override
                        public void record(
                                String key,
                                byte[] value,
                                long time,
                                RecordKind kind,
                                String badReason) {
                            pacer.await(time);
                            byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
                            producer.send(new ProducerRecord<>(topic, null, time, k, value));
                            produced.incrementAndGet();
                        }

                        @Override
                        public void endOfDay(int day, long dayEnd) {
                            pacer.await(dayEnd);
                            heartbeat(producer, partitions, dayEnd - 1);
                        }
                    };
            long lastReport = System.nanoTime();
            for (int day = 0; day < days; day++) {
                sim.simulateDay(day, sink);
                if (System.nanoTime() - lastReport > 5_000_000_000L || day == days - 1) {
                    lastReport = System.nanoTime();
                    say(
                            String.format(
                                    "day %d/%d (%s) produced %,d",
                                    day + 1, days, start.plusDays(day), produced.get()));
                }
            }
            heartbeat(producer, partitions, begin.toEpochMilli() + days * DAY + tail.toMillis());
            producer.flush();
            say("done: " + produced.get() + " records");
        }
        return 0;
    }

    private void heartbeat(KafkaProducer<byte[], byte[]> producer, int partitions, long time) {
        if (key.isEmpty()) {
            return;
        }
        KafkaIO.sendHeartbeats(producer, topic, partitions, time, key);
    }

    private static void say(String message) {
        System.out.println("[simulate] " + message);
    }

    /** Holds each record back until its simulated time, scaled by the speed, has come. */
    static final class Pacer {
        private final long simStart;
        private final double wallNanosPerSimMilli;
        private final long wallStart;

        Pacer(long simStart, double daysPerSecond, long wallStartNanos) {
            this.simStart = simStart;
            this.wallNanosPerSimMilli = daysPerSecond == 0 ? 0 : 1e9 / (daysPerSecond * DAY);
            this.wallStart = wallStartNanos;
        }

        /** Wall-clock nanos (on the {@link System#nanoTime} scale) when {@code simTime} is due. */
        long dueNanos(long simTime) {
            return wallStart + (long) ((simTime - simStart) * wallNanosPerSimMilli);
        }

        void await(long simTime) {
            long wait = dueNanos(simTime) - System.nanoTime();
            // sleeping below a millisecond only costs CPU; records are sent in small bursts
            if (wait > 1_000_000L) {
                try {
                    Thread.sleep(wait / 1_000_000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }
}
