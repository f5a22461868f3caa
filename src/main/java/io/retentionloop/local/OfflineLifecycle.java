package io.retentionloop.local;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.lifecycle.UserProfile;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.Simulator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated world's events through the job's own parser and lifecycle code, without Kafka or
 * Flink, for off-line studies: every valid record of a day is parsed and applied to its user's
 * profile, and {@link #closeWindows} ends every user's window at once, as the streaming operator
 * does at a window end.
 */
public final class OfflineLifecycle {

    private final LifecycleRules rules;
    private final UserLifecycle lifecycle;
    private final EventParser parser = new EventParser(EventRules.DEFAULTS);
    private final Map<String, UserProfile> profiles = new LinkedHashMap<>();

    public OfflineLifecycle(LifecycleRules rules) {
        this.rules = rules;
        this.lifecycle = new UserLifecycle(rules);
    }

    /** Simulates {@code day} and applies its valid events to the users' profiles. */
    public void simulateDay(Simulator sim, int day) {
        List<Event> today = new ArrayList<>();
        sim.simulateDay(
                day,
                (key, value, time, kind, reason) -> {
                    if (kind == RecordKind.VALID) {
                        Ingested in = parser.parse(value, "events", 0, 0, time);
                        if (in.event != null) {
                            today.add(in.event);
                        }
                    }
                });
        for (Event e : today) {
            lifecycle.apply(
                    profiles.computeIfAbsent(
                            e.userId,
                            u ->
                                    lifecycle.newProfile(
                                            e.eventTime, rules.windowEndFor(e.eventTime))),
                    e);
        }
    }

    /** Ends every user's open window (all end together here); expired users are forgotten. */
    public List<WindowSnapshot> closeWindows() {
        List<WindowSnapshot> snapshots = new ArrayList<>();
        for (Iterator<Map.Entry<String, UserProfile>> it = profiles.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, UserProfile> e = it.next();
            UserLifecycle.WindowEnd end = lifecycle.endWindow(e.getValue(), e.getKey(), List.of());
            if (end.profile() == null) {
                it.remove();
            } else {
                e.setValue(end.profile());
                if (end.snapshot() != null) {
                    snapshots.add(end.snapshot());
                }
            }
        }
        return snapshots;
    }
}
