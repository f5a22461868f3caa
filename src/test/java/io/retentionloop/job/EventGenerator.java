package io.retentionloop.job;

import io.retentionloop.local.SnapshotExpectation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Deterministic events: views and purchases, 1% malformed, 1% negative, 2% duplicates. */
final class EventGenerator {
    static final long DAY = 86_400_000L;

    /** Where the records go: a Kafka topic, or a list for a bounded source. */
    interface Out {
        /** One record of {@code user} with timestamp {@code t}. */
        void send(String user, long t, byte[] value);

        /** A heartbeat at {@code t} on every partition. */
        void heartbeat(long t);
    }

    final SplittableRandom rnd;
    final SnapshotExpectation expectation;
    final Map<String, Integer> purchases = new TreeMap<>();
    final Map<String, List<Long>> purchaseTimes = new HashMap<>();

    /** Every valid event per user, in the order produced (event time). */
    final Map<String, List<io.retentionloop.events.Event>> history = new TreeMap<>();

    int bad;
    final TestEventWriter json = new TestEventWriter("events", 1);

    private final long start;
    private final int users;

    EventGenerator(SplittableRandom rnd, long start, int users) {
        this.rnd = rnd;
        this.start = start;
        this.users = users;
        this.expectation = new SnapshotExpectation(start);
    }

    void produceDays(Out out, int fromDay, int toDay) {
        for (int day = fromDay; day < toDay; day++) {
            // users arrive over the first weeks and some go quiet, so expiry is exercised
            int active = Math.min(users, 60 + day * 20);
            for (int i = 0; i < 120; i++) {
                int u = rnd.nextInt(active);
                if (u % 7 == 3 && day > 10) {
                    continue; // these users fall silent after day 10 and expire
                }
                String user = String.format("u%04d", u);
                long t = start + day * DAY + (long) i * (DAY / 120) + rnd.nextInt(1000);
                boolean purchase = rnd.nextInt(5) == 0;
                double roll = rnd.nextDouble();
                byte[] value;
                if (roll < 0.01) {
                    value = "{\"event_id\":\"broken".getBytes(StandardCharsets.UTF_8);
                    bad++;
                } else if (roll < 0.02) {
                    value = json.json(user, "purchase", t, -3.0);
                    bad++;
                } else {
                    value = json.json(user, purchase ? "purchase" : "view", t, 12.5);
                    expectation.validEvent(user, t);
                    history.computeIfAbsent(user, k -> new ArrayList<>())
                            .add(
                                    new io.retentionloop.events.Event(
                                            json.lastEventId(),
                                            user,
                                            purchase
                                                    ? io.retentionloop.events.EventType.PURCHASE
                                                    : io.retentionloop.events.EventType.VIEW,
                                            t,
                                            purchase ? 12.5 : 0));
                    if (purchase) {
                        purchases.merge(user, 1, Integer::sum);
                        purchaseTimes.computeIfAbsent(user, k -> new ArrayList<>()).add(t);
                    }
                }
                out.send(user, t, value);
                if (roll > 0.98) {
                    out.send(user, t + 1000, value); // a duplicate
                }
            }
            out.heartbeat(start + (day + 1) * DAY - 1);
        }
    }
}
