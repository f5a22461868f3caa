package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.simulate.WorldConfig.Segment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorldConfigTest {

    private static final String VALID =
            """
            refund_probability: 0.02
            arrival_days: 365
            segments:
              - name: a
                share: 0.4
                arrivals: 1.0
                purchase_rate: {shape: 2.0, rate: 40.0}
                dropout: {a: 1.0, b: 9.0}
                spend: {p: 4.0, q: 5.0, gamma: 40.0}
                browse_rate: 0.3
                dead_browse_rate: 0.02
                views_per_session: 3.0
                cart_probability: 0.2
              - name: b
                share: 0.6
                arrivals: 0.5
                purchase_rate: {shape: 2.0, rate: 40.0}
                dropout: {a: 1.0, b: 9.0}
                spend: {p: 4.0, q: 5.0, gamma: 40.0}
                browse_rate: 0.3
                dead_browse_rate: 0.02
                views_per_session: 3.0
                cart_probability: 0.2
            actions:
              - id: none
                cost: {fixed: 0.0, revenue_share: 0.0}
                effect_days: 0
              - id: email
                cost: {fixed: 0.05, revenue_share: 0.0}
                effect_days: 7
                effects:
                  a: {rate_multiplier: 1.5, reactivation_probability: 0.1, annoyance: 0.0}
                  b: {rate_multiplier: 1.1, reactivation_probability: 0.0, annoyance: 0.01}
            """;

    @Test
    void shippedWorldHasTheDocumentedSegmentsActionsAndDefaults() {
        WorldConfig world = TestWorlds.defaultWorld();

        assertThat(world.currency()).isEqualTo("USD");
        assertThat(world.segments()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(world.segments().stream().mapToDouble(Segment::share).sum())
                .isCloseTo(1.0, within(1e-9));
        assertThat(world.actions().stream().map(WorldConfig.Action::id))
                .contains("none", "email", "push", "coupon10", "free_shipping");
        assertThat(world.actions().get(world.actionIndex("coupon10")).cost().revenueShare())
                .isEqualTo(0.10);
        assertThat(world.badRecords().share()).isEqualTo(0.005);
        assertThat(world.badRecords().duplicateShare()).isEqualTo(0.005);
        for (BadKind kind : BadKind.values()) {
            assertThat(world.badRecords().weight(kind)).as(kind.id()).isPositive();
        }
    }

    @Test
    void textListsEveryMapInKeyOrderSoThatItFingerprintsTheWorld() {
        // the value model trained on a world records a hash of this text; Map.copyOf's order
        // changes from one JVM to the next, which changed the model's id between two runs
        WorldConfig world = TestWorlds.defaultWorld();
        for (WorldConfig.Action a : world.actions()) {
            assertThat(List.copyOf(a.effects().keySet())).as(a.id()).isSorted();
        }
        assertThat(List.copyOf(world.badRecords().kinds().keySet())).hasSize(7).isSorted();
        WorldConfig.Action shuffled =
                new WorldConfig.Action(
                        "x",
                        new WorldConfig.Cost(0, 0),
                        1,
                        Map.of(
                                "b", WorldConfig.Effect.NEUTRAL,
                                "a", WorldConfig.Effect.NEUTRAL,
                                "d", WorldConfig.Effect.NEUTRAL,
                                "c", WorldConfig.Effect.NEUTRAL));
        assertThat(shuffled.toString()).containsPattern("effects=\\{a=.*, b=.*, c=.*, d=");
        assertThatThrownBy(() -> shuffled.effects().put("e", WorldConfig.Effect.NEUTRAL))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void optionalKeysTakeTheirDefaults() {
        WorldConfig world = WorldConfig.parse(VALID, "test");

        assertThat(world.currency()).isEqualTo("USD");
        assertThat(world.badRecords()).isEqualTo(WorldConfig.BadRecords.DEFAULT);
        assertThat(world.actions().get(1).effectOn("a").rateMultiplier()).isEqualTo(1.5);
    }

    @Test
    void shareOutOfRangeIsReportedWithItsPath() {
        assertInvalid(
                VALID.replace("share: 0.6", "share: 1.5"),
                "world.segments[1].share must be in (0,1], was 1.5");
    }

    @Test
    void sharesMustSumToOne() {
        assertInvalid(
                VALID.replace("share: 0.6", "share: 0.5"),
                "world.segments[*].share must sum to 1, was 0.9");
    }

    @Test
    void missingNumberIsReportedWithItsPathAndLine() {
        assertInvalid(
                VALID.replaceFirst("\\{shape: 2.0, rate: 40.0}", "{shape: 2.0}"),
                "test: world.segments[0].purchase_rate.rate is missing or invalid (line 7)");
    }

    @Test
    void unknownKeyIsReported() {
        assertInvalid(
                VALID.replaceFirst("browse_rate: 0.3", "browse_rate: 0.3\n    colour: red"),
                "test: world.segments[0].colour is not a known key");
    }

    @Test
    void effectsMustCoverEverySegmentAndNoOther() {
        assertInvalid(
                VALID.replace("      b: {rate_multiplier: 1.1", "      c: {rate_multiplier: 1.1"),
                "world.actions[1].effects.c is not a segment");
        assertInvalid(
                VALID.replaceFirst("      b: \\{rate_multiplier: 1.1.*\n", ""),
                "world.actions[1].effects.b is missing");
    }

    @Test
    void catalogueMustContainAFreeNone() {
        assertInvalid(
                VALID.replaceFirst("  - id: none\n.*\n.*\n", ""),
                "world.actions must contain the action 'none'");
        assertInvalid(
                VALID.replace("fixed: 0.0, revenue_share: 0.0", "fixed: 0.5, revenue_share: 0.0"),
                "world.actions[0] ('none') must cost nothing and have no effects");
    }

    @Test
    void probabilitiesAndRatesAreRangeChecked() {
        assertInvalid(
                VALID.replace("annoyance: 0.01", "annoyance: 1.2"),
                "world.actions[1].effects.b.annoyance must be in [0,1], was 1.2");
        assertInvalid(
                VALID.replace("{shape: 2.0, rate: 40.0}", "{shape: -1.0, rate: 40.0}"),
                "world.segments[0].purchase_rate.shape must be > 0, was -1.0");
        assertInvalid(VALID.replace("q: 5.0", "q: 1.0"), "world.segments[0].spend.q must be > 1");
    }

    @Test
    void unknownBadRecordKindIsRejected() {
        assertInvalid(
                VALID
                        + "bad_records: {share: 0.01, kinds: {garbled: 1.0},"
                        + " duplicate_share: 0.0}\n",
                "world.bad_records.kinds.garbled is not a bad-record kind");
    }

    private static void assertInvalid(String yaml, String message) {
        assertThatThrownBy(() -> WorldConfig.parse(yaml, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
