package io.retentionloop.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UserLifecycleTest {
    static final long DAY = 86_400_000L;
    // 2025-01-02 is a Thursday, so with offset 0 weekly windows start on it (epoch was a Thursday)
    static final long T0 = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();

    private final UserLifecycle lifecycle = new UserLifecycle(LifecycleRules.DEFAULTS);
    private int ids;

    private Event ev(EventType type, double day, double amount) {
        return new Event("e" + ids++, "u", type, T0 + (long) (day * DAY), amount);
    }

    private UserProfile profileWith(Event first) {
        UserProfile p =
                lifecycle.newProfile(
                        first.eventTime, lifecycle.rules().windowEndFor(first.eventTime));
        lifecycle.apply(p, first);
        return p;
    }

    @Test
    void windowsAreAlignedToEpochPlusOffset() {
        LifecycleRules r = LifecycleRules.DEFAULTS;
        assertThat(r.windowEndFor(T0)).isEqualTo(T0 + 7 * DAY);
        assertThat(r.windowEndFor(T0 + 7 * DAY - 1)).isEqualTo(T0 + 7 * DAY);
        assertThat(r.windowEndFor(T0 + 7 * DAY)).isEqualTo(T0 + 14 * DAY);
        LifecycleRules monday =
                new LifecycleRules(
                        Duration.ofDays(7),
                        Duration.ofDays(4),
                        Duration.ofDays(30),
                        Duration.ofDays(90),
                        Duration.ofDays(365),
                        Duration.ofDays(1),
                        Duration.ofDays(3),
                        Duration.ofDays(730));
        // 2025-01-06 is a Monday
        assertThat(monday.windowEndFor(T0))
                .isEqualTo(Instant.parse("2025-01-06T00:00:00Z").toEpochMilli());
    }

    static LifecycleRules phased(Duration step) {
        LifecycleRules d = LifecycleRules.DEFAULTS;
        return new LifecycleRules(
                d.window(),
                d.windowOffset(),
                d.atRiskAfter(),
                d.lapsedAfter(),
                d.expireAfter(),
                d.allowedLateness(),
                d.dedupRetention(),
                d.stateTtl(),
                step);
    }

    @Test
    void usersWindowEndsAreSpreadEvenlyOverTheWeekByAStableHashOfTheirId() {
        LifecycleRules hourly = phased(Duration.ofHours(1));
        int[] perDay = new int[7];
        java.util.Set<Long> hours = new java.util.HashSet<>();
        for (int i = 0; i < 70_000; i++) {
            String user = "u" + i;
            long end = hourly.windowEndFor(user, T0);
            // the window that holds T0, a week long, ending on an hour of this user's phase
            assertThat(end).isGreaterThan(T0).isLessThanOrEqualTo(T0 + 7 * DAY);
            assertThat((end - T0) % 3_600_000).isZero();
            assertThat(hourly.windowEndFor(user, end)).isEqualTo(end + 7 * DAY);
            assertThat(hourly.windowEndFor(user, end - 1)).isEqualTo(end);
            assertThat(hourly.anyWindowEndsAt(end)).isTrue();
            perDay[(int) ((end - T0 - 1) / DAY)]++;
            hours.add(end);
        }
        assertThat(hours).hasSize(168);
        for (int n : perDay) {
            assertThat(n).isBetween(9_500, 10_500); // 10,000 expected a day
        }
        // stable across releases: part of what a user's state means
        assertThat(hourly.phase("user-42"))
                .isEqualTo(Math.floorMod(8_797_103_408_588_478_355L, 168) * 3_600_000L);
        assertThat(LifecycleRules.hash("user-42")).isEqualTo(8_797_103_408_588_478_355L);
        assertThat(LifecycleRules.DEFAULTS.phase("user-42")).isZero();
        assertThat(hourly.aligned().windowEndFor("user-42", T0)).isEqualTo(T0 + 7 * DAY);
        assertThatThrownBy(() -> phased(Duration.ofHours(5)))
                .hasMessageContaining("lifecycle.window-phase-step");
    }

    @Test
    void replayFollowsTheUsersPhaseAndItsAlignedRulesTheCommonGrid() {
        LifecycleRules hourly = phased(Duration.ofHours(1));
        java.util.List<Event> events =
                java.util.List.of(ev(EventType.PURCHASE, 0.5, 10), ev(EventType.VIEW, 9, 0));
        long first = hourly.windowEndFor("u", T0 + DAY / 2);
        java.util.List<Long> phasedEnds = new java.util.ArrayList<>();
        new UserLifecycle(hourly)
                .replay("u", events, first + 14 * DAY, s -> phasedEnds.add(s.windowEnd));
        assertThat(phasedEnds).containsExactly(first, first + 7 * DAY, first + 14 * DAY);
        java.util.List<Long> gridEnds = new java.util.ArrayList<>();
        new UserLifecycle(hourly.aligned())
                .replay("u", events, T0 + 21 * DAY, s -> gridEnds.add(s.windowEnd));
        assertThat(gridEnds).containsExactly(T0 + 7 * DAY, T0 + 14 * DAY, T0 + 21 * DAY);
    }

    @Test
    void featuresFollowTheHistory() {
        UserProfile p = profileWith(ev(EventType.VIEW, 0.1, 0));
        lifecycle.apply(p, ev(EventType.SESSION, 0.1, 0));
        lifecycle.apply(p, ev(EventType.CART, 1.0, 0));
        lifecycle.apply(p, ev(EventType.PURCHASE, 1.5, 30));
        lifecycle.apply(p, ev(EventType.PURCHASE, 1.6, 10)); // same day: not a new purchase day
        lifecycle.apply(p, ev(EventType.PURCHASE, 3.5, 20));
        lifecycle.apply(p, ev(EventType.REFUND, 4.0, 10));

        WindowSnapshot s = lifecycle.closeWindow(p, "u");
        assertThat(s.windowStart).isEqualTo(T0);
        assertThat(s.windowEnd).isEqualTo(T0 + 7 * DAY);
        assertThat(s.stage).isEqualTo(LifecycleStage.NEW);
        assertThat(s.feature("recency_days")).isEqualTo(3.5);
        assertThat(s.feature("tenure_days"))
                .isCloseTo(6.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.feature("repeat_purchase_days")).isEqualTo(1);
        assertThat(s.feature("purchase_span_days")).isEqualTo(2.0);
        assertThat(s.feature("customer_age_days")).isEqualTo(5.5);
        assertThat(s.feature("purchases")).isEqualTo(3);
        assertThat(s.feature("net_spend")).isEqualTo(50);
        assertThat(s.feature("avg_order_value"))
                .isCloseTo(50 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.feature("refunds")).isEqualTo(1);
        assertThat(s.feature("days_since_last_event")).isEqualTo(3.0);
        assertThat(s.feature("window_purchases")).isEqualTo(3);
        assertThat(s.feature("window_spend")).isEqualTo(50);
        assertThat(s.feature("window_views")).isEqualTo(1);
        assertThat(s.feature("window_carts")).isEqualTo(1);
        assertThat(s.feature("window_sessions")).isEqualTo(1);
        assertThat(s.feature("stage_new")).isEqualTo(1);
        assertThat(s.features).hasSize(Features.SIZE);
        assertThat(new long[] {s.sessions, s.views, s.carts})
                .as("lifetime engagement")
                .containsExactly(1, 1, 1);

        // an empty window: window aggregates reset, rolling sums keep the last windows
        WindowSnapshot next = lifecycle.closeWindow(p, "u");
        assertThat(next.windowEnd).isEqualTo(T0 + 14 * DAY);
        assertThat(next.stage).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(next.previousStage).isEqualTo(LifecycleStage.NEW);
        assertThat(next.feature("window_purchases")).isZero();
        assertThat(next.feature("recent_purchases")).isEqualTo(3);
        assertThat(next.feature("recent_spend")).isEqualTo(50);
        assertThat(next.feature("recency_days")).isEqualTo(10.5);
        assertThat(next.sessions).as("lifetime, not per window").isEqualTo(1);
        // three more empty windows push the purchase window out of the 4-window rolling sum
        for (int i = 0; i < 3; i++) {
            lifecycle.closeWindow(p, "u");
        }
        assertThat(p.openWindowEnd).isEqualTo(T0 + 42 * DAY);
        assertThat(Features.compute(p, p.openWindowEnd)[Features.NAMES.indexOf("recent_purchases")])
                .isZero();
    }

    @Test
    void stagesMoveFromActiveToAtRiskToLapsedAndBackAsReactivated() {
        UserProfile p = profileWith(ev(EventType.PURCHASE, 0.5, 10));
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.NEW); // day 7
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.ACTIVE); // 14
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.ACTIVE); // 21
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.ACTIVE); // 28
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.AT_RISK); // 35
        WindowSnapshot s = null;
        for (int i = 0; i < 9; i++) { // to day 98: 97.5 days since the purchase
            s = lifecycle.closeWindow(p, "u");
        }
        assertThat(s.windowEnd).isEqualTo(T0 + 98 * DAY);
        assertThat(s.stage).isEqualTo(LifecycleStage.LAPSED);
        assertThat(p.stageSince).isEqualTo(T0 + 91 * DAY);
        lifecycle.apply(p, ev(EventType.PURCHASE, 100, 15));
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.REACTIVATED);
        assertThat(lifecycle.closeWindow(p, "u").stage).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void browsingWithoutPurchaseAgesFromFirstSeen() {
        UserProfile p = profileWith(ev(EventType.VIEW, 0, 0));
        lifecycle.closeWindow(p, "u");
        for (int i = 0; i < 4; i++) {
            lifecycle.apply(p, ev(EventType.VIEW, 8 + 7 * i, 0));
            lifecycle.closeWindow(p, "u");
        }
        // day 35: 35 days since first seen, never purchased, so at risk despite browsing
        assertThat(p.stage).isEqualTo(LifecycleStage.AT_RISK);
        assertThat(Features.compute(p, p.openWindowEnd)[0]).isEqualTo(42.0);
    }

    @Test
    void outOfOrderPurchasesOnTheSameDayCountOnce() {
        UserProfile p = profileWith(ev(EventType.PURCHASE, 2.9, 10));
        lifecycle.apply(p, ev(EventType.PURCHASE, 1.2, 10));
        lifecycle.apply(p, ev(EventType.PURCHASE, 2.1, 10));
        lifecycle.apply(p, ev(EventType.PURCHASE, 1.9, 10));
        assertThat(p.purchaseDays).isEqualTo(2);
        assertThat(p.firstPurchaseTime).isEqualTo(T0 + (long) (1.2 * DAY));
        assertThat(p.lastPurchaseTime).isEqualTo(T0 + (long) (2.9 * DAY));
    }

    @Test
    void expiryIsDecidedByEventTimeSilence() {
        UserProfile p = profileWith(ev(EventType.VIEW, 0, 0));
        assertThat(lifecycle.expired(p, T0 + 365 * DAY)).isFalse();
        assertThat(lifecycle.expired(p, T0 + 365 * DAY + 1)).isTrue();
    }

    @Test
    void eventsAtOrAfterTheOpenWindowEndAreRefused() {
        UserProfile p = profileWith(ev(EventType.VIEW, 0, 0));
        assertThatThrownBy(() -> lifecycle.apply(p, ev(EventType.VIEW, 7, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rulesRejectInconsistentSettings() {
        assertThatThrownBy(
                        () ->
                                new LifecycleRules(
                                        Duration.ofDays(7),
                                        Duration.ZERO,
                                        Duration.ofDays(90),
                                        Duration.ofDays(30),
                                        Duration.ofDays(365),
                                        Duration.ofDays(1),
                                        Duration.ofDays(3),
                                        Duration.ofDays(730)))
                .hasMessageContaining("lapsed-after");
        assertThatThrownBy(
                        () ->
                                new LifecycleRules(
                                        Duration.ofDays(7),
                                        Duration.ZERO,
                                        Duration.ofDays(30),
                                        Duration.ofDays(90),
                                        Duration.ofDays(365),
                                        Duration.ofDays(5),
                                        Duration.ofDays(3),
                                        Duration.ofDays(730)))
                .hasMessageContaining("dedup-retention");
    }

    @Test
    void snapshotJsonRoundTrips() {
        UserProfile p = profileWith(ev(EventType.PURCHASE, 0.5, 12.5));
        lifecycle.apply(p, ev(EventType.SESSION, 0.6, 0));
        lifecycle.apply(p, ev(EventType.VIEW, 0.7, 0));
        WindowSnapshot s = lifecycle.closeWindow(p, "user-1");
        assertThat(s.sessions).isEqualTo(1);
        assertThat(s.views).isEqualTo(1);
        assertThat(WindowSnapshotJson.fromJson(WindowSnapshotJson.toJson(s))).isEqualTo(s);
    }
}
