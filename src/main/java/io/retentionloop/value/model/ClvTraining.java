package io.retentionloop.value.model;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.value.data.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training recipes of {@code train-clv}: from any per-user event histories (a transactions
 * file, a simulated world through {@code local.SimulatedHistories}).
 */
public final class ClvTraining {
    static final long DAY = 86_400_000L;

    private ClvTraining() {}

    /** Trains with cut-offs over the whole history and label windows of the horizon. */
    public static ClvModel onHistory(
            Map<String, List<Event>> history,
            UserLifecycle lifecycle,
            double horizonDays,
            int stepDays,
            String fingerprint) {
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (List<Event> events : history.values()) {
            if (!events.isEmpty()) {
                from = Math.min(from, events.get(0).eventTime);
                to = Math.max(to, events.get(events.size() - 1).eventTime + 1);
            }
        }
        List<Long> cutoffs = TrainingExamples.cutoffs(lifecycle, from, to, horizonDays, stepDays);
        long horizon = (long) (horizonDays * DAY);
        List<Example> examples =
                TrainingExamples.build(history, lifecycle, cutoffs, c -> c + horizon);
        return new ClvTrainer(ClvTrainer.Options.defaults())
                .train(examples, horizonDays, fingerprint);
    }

    /**
     * One purchase event per customer and day (the BTYD convention: same-day transactions are one
     * purchase), at the start of the day.
     */
    public static Map<String, List<Event>> purchaseHistory(List<Transaction> transactions) {
        Map<String, TreeMap<Long, Double>> byUserDay = new HashMap<>();
        for (Transaction t : transactions) {
            byUserDay
                    .computeIfAbsent(t.userId(), u -> new TreeMap<>())
                    .merge(t.epochDay(), t.amount(), Double::sum);
        }
        Map<String, List<Event>> out = new TreeMap<>();
        byUserDay.forEach(
                (user, days) -> {
                    List<Event> events = new ArrayList<>();
                    days.forEach(
                            (day, amount) ->
                                    events.add(
                                            new Event(
                                                    user + "-" + day,
                                                    user,
                                                    EventType.PURCHASE,
                                                    day * DAY,
                                                    amount)));
                    out.put(user, events);
                });
        return out;
    }

    /** SHA-256 of the transactions: the training-data fingerprint recorded in the model. */
    public static String fingerprint(List<Transaction> transactions) {
        StringBuilder b = new StringBuilder();
        for (Transaction t : transactions) {
            b.append(t.userId()).append(',').append(t.timestamp()).append(',').append(t.amount());
            b.append('\n');
        }
        return ClvModel.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
