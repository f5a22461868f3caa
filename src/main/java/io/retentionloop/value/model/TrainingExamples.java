package io.retentionloop.value.model;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.lifecycle.WindowSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Builds examples by replaying each user's history through the streaming lifecycle code ({@link
 * UserLifecycle#replay}) and labelling what followed each cut-off, so that the model is trained on
 * exactly the features it will be served.
 */
public final class TrainingExamples {
    static final long DAY = 86_400_000L;
    static final double WEEK = 7.0 * DAY;

    private TrainingExamples() {}

    /**
     * Examples for every user alive at each cut-off (each must be a window end of {@code
     * lifecycle}'s grid). The label window of cut-off {@code c} is {@code [c, labelEnd(c))}.
     *
     * @param history each user's events in event-time order
     */
    public static List<Example> build(
            Map<String, List<Event>> history,
            UserLifecycle lifecycle,
            List<Long> cutoffs,
            LongUnaryOperator labelEnd) {
        if (!lifecycle.rules().windowPhaseStep().isZero()) {
            throw new IllegalArgumentException(
                    "training cut-offs are window ends of the common grid: replay with"
                            + " LifecycleRules.aligned()");
        }
        long last = cutoffs.stream().mapToLong(Long::longValue).max().orElseThrow();
        for (long c : cutoffs) {
            if (lifecycle.rules().windowEndFor(c - 1) != c) {
                throw new IllegalArgumentException(
                        "cut-off " + java.time.Instant.ofEpochMilli(c) + " is not a window end");
            }
        }
        List<Example> out = new ArrayList<>();
        history.forEach(
                (user, events) -> {
                    Map<Long, WindowSnapshot> byEnd = new HashMap<>();
                    lifecycle.replay(user, events, last, s -> byEnd.put(s.windowEnd, s));
                    for (long c : cutoffs) {
                        WindowSnapshot s = byEnd.get(c);
                        if (s != null) {
                            out.add(label(user, s.features, c, labelEnd.applyAsLong(c), events));
                        }
                    }
                });
        return out;
    }

    /** Labels the window {@code [from, to)} from a user's purchases. */
    public static Example label(
            String user, double[] features, long from, long to, List<Event> events) {
        Map<Long, Double> spendByDay = new HashMap<>();
        double spend = 0;
        for (Event e : events) {
            if (e.type == EventType.PURCHASE && e.eventTime >= from && e.eventTime < to) {
                spendByDay.merge(Math.floorDiv(e.eventTime, DAY), e.amount, Double::sum);
                spend += e.amount;
            }
        }
        double logValue = 0;
        for (double v : spendByDay.values()) {
            logValue += Math.log(Math.max(v, 0.01));
        }
        int days = spendByDay.size();
        return new Example(
                user,
                from,
                features,
                days,
                spend,
                (to - from) / WEEK,
                days > 0 ? logValue / days : 0);
    }

    /**
     * Window ends of {@code lifecycle}'s grid usable as training cut-offs over a history spanning
     * {@code [from, to)}: at least four weeks of history before, a full horizon after, every {@code
     * stepDays} days counted back from the last one.
     */
    public static List<Long> cutoffs(
            UserLifecycle lifecycle, long from, long to, double horizonDays, int stepDays) {
        long horizon = (long) (horizonDays * DAY);
        long last = lifecycle.rules().windowEndFor(to - horizon) - lifecycle.rules().windowMillis();
        List<Long> out = new ArrayList<>();
        for (long c = last; c >= from + 28 * DAY; c -= stepDays * DAY) {
            out.add(c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    "history too short: need four weeks plus a horizon of "
                            + horizonDays
                            + " days");
        }
        return out;
    }
}
