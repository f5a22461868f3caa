package io.retentionloop.local;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.model.ClvModel;
import io.retentionloop.value.model.ClvTraining;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated world as the per-user event histories the value model trains on: the simulator
 * plugged into what the value model reads, so that the model itself knows nothing of the simulator.
 */
public final class SimulatedHistories {
    private SimulatedHistories() {}

    /**
     * A simulated world's history, passed through the job's own parser so that training sees
     * exactly what the stream accepts (bad records rejected, duplicates dropped).
     */
    public static Map<String, List<Event>> simulate(
            WorldConfig world, int users, int days, long seed, Instant start, EventRules rules) {
        return simulate(new Simulator(world, users, seed, start), days, rules);
    }

    /** Runs {@code sim} for {@code days} days and collects what the job would accept. */
    public static Map<String, List<Event>> simulate(Simulator sim, int days, EventRules rules) {
        EventParser parser = new EventParser(rules);
        Map<String, List<Event>> history = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        SimSink sink =
                (key, value, time, kind, reason) -> {
                    if (kind == RecordKind.BAD) {
                        return;
                    }
                    Ingested in = parser.parse(value, "simulated", 0, 0, time);
                    if (in.event != null && seen.add(in.event.eventId)) {
                        history.computeIfAbsent(in.event.userId, u -> new ArrayList<>())
                                .add(in.event);
                    }
                };
        for (int d = 0; d < days; d++) {
            sim.simulateDay(d, sink);
        }
        history.values().forEach(l -> l.sort((a, b) -> Long.compare(a.eventTime, b.eventTime)));
        return history;
    }

    /** Trains on a simulated world's history, as the job would have seen it. */
    public static ClvModel train(
            WorldConfig world,
            int users,
            int days,
            long seed,
            Instant start,
            EventRules rules,
            UserLifecycle lifecycle,
            double horizonDays,
            int stepDays) {
        Map<String, List<Event>> history = simulate(world, users, days, seed, start, rules);
        String fingerprint =
                ClvModel.sha256(
                        (world + "|" + users + "|" + days + "|" + seed + "|" + start)
                                .getBytes(StandardCharsets.UTF_8));
        return ClvTraining.onHistory(history, lifecycle, horizonDays, stepDays, fingerprint);
    }
}
