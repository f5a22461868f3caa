package io.retentionloop.simulate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Keeps everything the simulator produces, for assertions. */
final class CollectingSink implements SimSink {

    /** One produced record. */
    record Produced(String key, byte[] value, long time, RecordKind kind, String reason) {
        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        boolean isPurchase() {
            return kind == RecordKind.VALID && text().contains("\"type\":\"purchase\"");
        }
    }

    final List<Produced> records = new ArrayList<>();
    final List<long[]> daysEnded = new ArrayList<>();
    private final Predicate<Produced> keep;

    CollectingSink() {
        this(r -> true);
    }

    /** Keeps only the records {@code keep} accepts, to spare memory in large runs. */
    CollectingSink(Predicate<Produced> keep) {
        this.keep = keep;
    }

    @Override
    public void record(
            String key, byte[] value, long eventTimeMillis, RecordKind kind, String badReason) {
        Produced produced = new Produced(key, value, eventTimeMillis, kind, badReason);
        if (keep.test(produced)) {
            records.add(produced);
        }
    }

    @Override
    public void endOfDay(int day, long dayEndMillis) {
        daysEnded.add(new long[] {day, dayEndMillis});
    }

    List<Produced> ofKind(RecordKind kind) {
        return records.stream().filter(r -> r.kind() == kind).toList();
    }

    /** Valid purchases by these users at or after {@code from}. */
    long purchasesSince(long from, Set<String> users) {
        return records.stream()
                .filter(r -> r.time() >= from && r.isPurchase() && users.contains(r.key()))
                .count();
    }
}
