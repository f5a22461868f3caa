package io.retentionloop.value.model;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Per-user event histories, in event-time order, from the sources the trainer learns from. */
public final class Histories {
    private Histories() {}

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

    /** Only the purchases, as a transactions file gives them. */
    public static Map<String, List<Event>> purchasesOnly(Map<String, List<Event>> history) {
        Map<String, List<Event>> out = new HashMap<>();
        history.forEach(
                (u, events) ->
                        out.put(
                                u,
                                events.stream()
                                        .filter(
                                                e ->
                                                        e.type
                                                                == io.retentionloop.events.EventType
                                                                        .PURCHASE)
                                        .toList()));
        return out;
    }
}
