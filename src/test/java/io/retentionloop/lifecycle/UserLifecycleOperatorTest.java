package io.retentionloop.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserLifecycleOperatorTest {
    static final long DAY = 86_400_000L;
    static final long T0 = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli(); // a window start
    static final LifecycleRules RULES =
            new LifecycleRules(
                    Duration.ofDays(7),
                    Duration.ZERO,
                    Duration.ofDays(30),
                    Duration.ofDays(90),
                    Duration.ofDays(14),
                    Duration.ofDays(1),
                    Duration.ofDays(2),
                    Duration.ofDays(60));

    private KeyedOneInputStreamOperatorTestHarness<String, Event, WindowSnapshot> harness;
    private int ids;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, WindowSnapshot>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new UserLifecycleOperator(RULES, "events", 1), e -> e.userId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private Event ev(String user, EventType type, double day, double amount) {
        return new Event("e" + ids++, user, type, T0 + (long) (day * DAY), amount);
    }

    private void send(Event e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTime));
    }

    private List<WindowSnapshot> snapshots() {
        return harness.extractOutputValues();
    }

    private List<String> usersAt(long windowEnd) {
        return snapshots().stream()
                .filter(s -> s.windowEnd == windowEnd)
                .map(s -> s.userId)
                .sorted()
                .collect(Collectors.toList());
    }

    @Test
    void everyLiveUserGetsOneSnapshotPerWindowActiveOrNot() throws Exception {
        send(ev("a", EventType.PURCHASE, 1, 10));
        send(ev("b", EventType.VIEW, 2, 0));
        harness.processWatermark(T0 + 7 * DAY - 1);
        assertThat(usersAt(T0 + 7 * DAY)).containsExactly("a", "b");
        send(ev("a", EventType.VIEW, 8, 0));
        harness.processWatermark(T0 + 14 * DAY - 1);
        assertThat(usersAt(T0 + 14 * DAY)).containsExactly("a", "b");
        assertThat(snapshots()).hasSize(4);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void withPhasesEachUserIsSnapshottedAtTheirOwnWindowEnd() throws Exception {
        LifecycleRules daily =
                new LifecycleRules(
                        RULES.window(),
                        RULES.windowOffset(),
                        RULES.atRiskAfter(),
                        RULES.lapsedAfter(),
                        RULES.expireAfter(),
                        RULES.allowedLateness(),
                        RULES.dedupRetention(),
                        RULES.stateTtl(),
                        Duration.ofDays(1));
        // users on seven different phases
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; users.size() < 7; i++) {
            String u = "user-" + i;
            if (users.stream().noneMatch(v -> daily.phase(v) == daily.phase(u))) {
                users.add(u);
            }
        }
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new UserLifecycleOperator(daily, "events", 1),
                        (Event e) -> e.userId,
                        Types.STRING)) {
            h.open();
            for (String u : users) {
                Event e = new Event("e" + ids++, u, EventType.VIEW, T0 + DAY / 2, 0);
                h.processElement(new StreamRecord<>(e, e.eventTime));
            }
            // one day at a time: exactly one user's window ends each day, at their phase
            for (int day = 1; day <= 14; day++) {
                int before = h.extractOutputValues().size();
                h.processWatermark(T0 + day * DAY - 1);
                List<WindowSnapshot> out = h.extractOutputValues();
                assertThat(out).hasSize(before + 1);
                WindowSnapshot s = out.get(out.size() - 1);
                assertThat(s.windowEnd).isEqualTo(T0 + day * DAY);
                assertThat(daily.windowEndFor(s.userId, s.windowEnd - 1)).isEqualTo(s.windowEnd);
                assertThat(s.windowEnd - s.windowStart).isEqualTo(7 * DAY);
            }
        }
    }

    @Test
    void duplicateEventIdsAreDropped() throws Exception {
        Event purchase = ev("a", EventType.PURCHASE, 1, 10);
        send(purchase);
        send(purchase);
        send(ev("a", EventType.PURCHASE, 2, 5));
        harness.processWatermark(T0 + 7 * DAY - 1);
        WindowSnapshot s = snapshots().get(0);
        assertThat(s.feature("purchases")).isEqualTo(2);
        assertThat(s.feature("net_spend")).isEqualTo(15);
    }

    @Test
    void eventsOfAFutureWindowWaitForIt() throws Exception {
        send(ev("a", EventType.PURCHASE, 6.5, 10));
        send(ev("a", EventType.PURCHASE, 7.2, 99)); // ahead of the watermark, next window
        harness.processWatermark(T0 + 7 * DAY - 1);
        harness.processWatermark(T0 + 14 * DAY - 1);
        List<WindowSnapshot> out = snapshots();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).feature("window_spend")).isEqualTo(10);
        assertThat(out.get(1).feature("window_spend")).isEqualTo(99);
        assertThat(out.get(1).feature("net_spend")).isEqualTo(109);
    }

    @Test
    void lateEventsWithinAllowedLatenessCountAndOlderOnesAreDeadLettered() throws Exception {
        send(ev("a", EventType.VIEW, 1, 0));
        harness.processWatermark(T0 + 8 * DAY);
        send(ev("a", EventType.PURCHASE, 7.5, 20)); // half a day behind: allowed
        send(ev("a", EventType.PURCHASE, 6.5, 30)); // 1.5 days behind: too late
        harness.processWatermark(T0 + 14 * DAY - 1);
        assertThat(snapshots().get(1).feature("net_spend")).isEqualTo(20);
        List<DeadLetter> late =
                harness.getSideOutput(UserLifecycleOperator.LATE).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
        assertThat(late).hasSize(1);
        assertThat(late.get(0).reason).isEqualTo(DeadLetterReason.LATE);
        assertThat(late.get(0).payload).contains("\"amount\":30.0");
    }

    @Test
    void aLateFirstEventOpensTheWindowAfterTheWatermark() throws Exception {
        harness.processWatermark(T0 + 7 * DAY + DAY / 2);
        send(ev("n", EventType.VIEW, 7.0, 0)); // before the watermark, within lateness
        harness.processWatermark(T0 + 14 * DAY - 1);
        assertThat(usersAt(T0 + 7 * DAY)).isEmpty();
        assertThat(usersAt(T0 + 14 * DAY)).containsExactly("n");
    }

    @Test
    void expiredUsersLeaveNoStateAndNoTimers() throws Exception {
        send(ev("a", EventType.PURCHASE, 1, 10));
        send(ev("b", EventType.VIEW, 1, 0));
        send(ev("b", EventType.VIEW, 10, 0));
        harness.processWatermark(T0 + 21 * DAY - 1);
        // a: silent since day 1, 20 days at day 21 > 14: expired at the day-21 window end
        assertThat(usersAt(T0 + 21 * DAY)).containsExactly("b");
        harness.processWatermark(T0 + 35 * DAY - 1);
        assertThat(usersAt(T0 + 28 * DAY)).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        // a returning user starts over
        send(ev("a", EventType.VIEW, 36, 0));
        harness.processWatermark(T0 + 42 * DAY - 1);
        WindowSnapshot back = snapshots().get(snapshots().size() - 1);
        assertThat(back.userId).isEqualTo("a");
        assertThat(back.stage).isEqualTo(LifecycleStage.NEW);
        assertThat(back.feature("purchases")).isZero();
    }

    @Test
    void stateAndTimersSurviveASnapshotAndRestore() throws Exception {
        Event first = ev("a", EventType.PURCHASE, 1, 10);
        send(first);
        send(ev("a", EventType.PURCHASE, 8.5, 7)); // held for the next window
        OperatorSubtaskState state = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(state);
        harness.open();
        send(first); // a replay after restore is still recognised as a duplicate
        harness.processWatermark(T0 + 14 * DAY - 1);
        List<WindowSnapshot> out = snapshots();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).feature("net_spend")).isEqualTo(10);
        assertThat(out.get(1).feature("net_spend")).isEqualTo(17);
    }

    @Test
    void aUserWhoExpiresWithEventsOfALaterWindowAlreadyHeldStartsOverInThatWindow()
            throws Exception {
        send(ev("a", EventType.PURCHASE, 1, 10));
        harness.processWatermark(T0 + 7 * DAY - 1);
        // arrives before the day-21 timer fires, but belongs to the window after it
        send(ev("a", EventType.VIEW, 21.5, 0));
        harness.processWatermark(T0 + 28 * DAY - 1);
        assertThat(usersAt(T0 + 14 * DAY)).containsExactly("a");
        assertThat(usersAt(T0 + 21 * DAY)).isEmpty(); // expired: 20 days of silence > 14
        WindowSnapshot back = snapshots().get(snapshots().size() - 1);
        assertThat(back.windowEnd).isEqualTo(T0 + 28 * DAY);
        assertThat(back.stage).isEqualTo(LifecycleStage.NEW);
        assertThat(back.feature("purchases")).isZero();
        assertThat(back.feature("window_views")).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void offlineReplayOfTheSameHistoryGivesTheSameSnapshots() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        java.util.Map<String, List<Event>> history = new java.util.TreeMap<>();
        EventType[] types = EventType.values();
        for (int day = 0; day < 70; day++) {
            for (int i = 0; i < 6; i++) {
                String user = "u" + rnd.nextInt(8);
                if (user.equals("u3") && day > 20 && day < 50) {
                    continue; // a gap longer than expiry: u3 expires and comes back
                }
                EventType type = types[rnd.nextInt(types.length)];
                Event e =
                        ev(
                                user,
                                type,
                                day + rnd.nextDouble(),
                                type.monetary() ? 5 + rnd.nextInt(50) : 0);
                send(e);
                history.computeIfAbsent(user, k -> new java.util.ArrayList<>()).add(e);
            }
            harness.processWatermark(T0 + (day + 1) * DAY - 1);
        }
        UserLifecycle lifecycle = new UserLifecycle(RULES);
        List<WindowSnapshot> replayed = new java.util.ArrayList<>();
        history.forEach(
                (user, events) -> {
                    events.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
                    lifecycle.replay(user, events, T0 + 70 * DAY, replayed::add);
                });
        java.util.Comparator<WindowSnapshot> order =
                java.util.Comparator.<WindowSnapshot, String>comparing(s -> s.userId)
                        .thenComparingLong(s -> s.windowEnd);
        List<WindowSnapshot> streamed = new java.util.ArrayList<>(snapshots());
        streamed.sort(order);
        replayed.sort(order);
        assertThat(streamed).hasSizeGreaterThan(50);
        assertThat(replayed).isEqualTo(streamed);
        assertThat(streamed)
                .anyMatch(
                        s ->
                                s.userId.equals("u3")
                                        && s.stage == LifecycleStage.NEW
                                        && s.windowEnd > T0 + 50 * DAY);
    }
}
