package io.retentionloop.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bundled application gives exactly what applying every event as it arrives gives. */
class UserLifecycleBundleTest {
    static final long DAY = UserLifecycleOperatorTest.DAY;
    static final long T0 = UserLifecycleOperatorTest.T0;

    /** What one run emitted, each list in a canonical order (bundles reorder across users). */
    record Emitted(List<String> snapshots, List<String> late, List<String> revenue, long timers) {}

    /**
     * Six simulated weeks of 40 users: sessions of several events, resent duplicates, events out of
     * order within the lateness and some beyond it, a watermark every 25 events and a checkpoint
     * and restore halfway.
     */
    private static Emitted run(int bundleSize) throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Event> sent = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<String, Event, WindowSnapshot> h =
                harness(bundleSize);
        h.open();
        List<WindowSnapshot> snapshots = new ArrayList<>();
        List<DeadLetter> late = new ArrayList<>();
        List<Event> revenue = new ArrayList<>();
        long now = T0;
        int id = 0;
        for (int step = 0; step < 3000; step++) {
            now += (long) (rnd.nextDouble() * 20 * 60_000);
            String user = "u" + rnd.nextInt(40);
            Event e;
            double p = rnd.nextDouble();
            if (p < 0.08 && !sent.isEmpty()) {
                e = sent.get(rnd.nextInt(sent.size())); // a resent duplicate, maybe late by now
            } else {
                long t = now - (p < 0.15 ? (long) (rnd.nextDouble() * 2.5 * DAY) : 0);
                EventType type = EventType.values()[rnd.nextInt(EventType.values().length)];
                e = new Event("e" + id++, user, type, t, type.monetary() ? 5 + rnd.nextInt(50) : 0);
                sent.add(e);
            }
            h.processElement(new StreamRecord<>(e, e.eventTime));
            if (step % 25 == 24) {
                h.processWatermark(now - 60_000);
            }
            if (step == 1500) {
                OperatorSubtaskState state = h.snapshot(1L, now);
                drain(h, snapshots, late, revenue);
                h.close();
                h = harness(bundleSize);
                h.initializeState(state);
                h.open();
            }
        }
        h.processWatermark(now + 2 * 7 * DAY);
        drain(h, snapshots, late, revenue);
        long timers = h.numEventTimeTimers();
        h.close();
        return new Emitted(
                snapshots.stream().map(String::valueOf).sorted().toList(),
                late.stream().map(d -> d.reason + " " + d.payload).sorted().toList(),
                revenue.stream()
                        .sorted(Comparator.comparing((Event x) -> x.userId))
                        .map(String::valueOf)
                        .toList(),
                timers);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, WindowSnapshot> harness(
            int bundleSize) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new UserLifecycleOperator(UserLifecycleOperatorTest.RULES, "events", bundleSize),
                e -> e.userId,
                Types.STRING);
    }

    private static void drain(
            KeyedOneInputStreamOperatorTestHarness<String, Event, WindowSnapshot> h,
            List<WindowSnapshot> snapshots,
            List<DeadLetter> late,
            List<Event> revenue) {
        snapshots.addAll(h.extractOutputValues());
        var l = h.getSideOutput(UserLifecycleOperator.LATE);
        if (l != null) {
            l.forEach(r -> late.add(r.getValue()));
        }
        var r = h.getSideOutput(UserLifecycleOperator.REVENUE);
        if (r != null) {
            r.forEach(x -> revenue.add(x.getValue()));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 10_000})
    void bundlesEmitWhatEventByEventEmits(int bundleSize) throws Exception {
        Emitted one = run(1);
        Emitted bundled = run(bundleSize);

        assertThat(one.snapshots()).hasSizeGreaterThan(150);
        assertThat(one.late()).isNotEmpty();
        assertThat(one.revenue()).hasSizeGreaterThan(300);
        assertThat(bundled.snapshots()).isEqualTo(one.snapshots());
        assertThat(bundled.late()).isEqualTo(one.late());
        // per user in arrival order, as the agent needs them
        assertThat(bundled.revenue()).isEqualTo(one.revenue());
        assertThat(bundled.timers()).isEqualTo(one.timers());
    }
}
