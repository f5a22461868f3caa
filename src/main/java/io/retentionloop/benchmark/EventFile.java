package io.retentionloop.benchmark;

import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * A fixed set of event records, as the simulator produces them for a world (bad records and
 * duplicates included, no interventions), stored as {@code [record timestamp][length][bytes]} so
 * every job of a benchmark reads exactly the same input.
 */
public final class EventFile {
    private EventFile() {}

    /** What was written. */
    public record Stats(long records, long validEvents, long users) {}

    /** Simulates {@code days} of {@code users} users and writes every record to {@code file}. */
    public static Stats write(
            Path file,
            WorldConfig world,
            int users,
            int days,
            long seed,
            Instant start,
            EventRules rules)
            throws IOException {
        Simulator sim = new Simulator(world, users, seed, start);
        EventParser parser = new EventParser(rules);
        long[] counts = new long[2];
        Set<String> seen = new HashSet<>();
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            SimSink sink =
                    (String key, byte[] value, long time, RecordKind kind, String bad) -> {
                        try {
                            out.writeLong(time);
                            out.writeInt(value.length);
                            out.write(value);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        Ingested i = parser.parse(value, "events", 0, counts[0], time);
                        counts[0]++;
                        if (i.event != null) {
                            counts[1]++;
                            seen.add(i.event.userId);
                        }
                    };
            for (int day = 0; day < days; day++) {
                sim.simulateDay(day, sink);
            }
        }
        return new Stats(counts[0], counts[1], seen.size());
    }

    /** One record of the file: its timestamp and bytes. */
    @FunctionalInterface
    public interface RecordConsumer {
        void record(long time, byte[] value) throws IOException;
    }

    /** Every record of {@code file}, in order. */
    public static void forEach(Path file, RecordConsumer consumer) throws IOException {
        try (java.io.DataInputStream in =
                new java.io.DataInputStream(
                        new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            while (true) {
                long time;
                try {
                    time = in.readLong();
                } catch (java.io.EOFException end) {
                    return;
                }
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                consumer.record(time, value);
            }
        }
    }
}
