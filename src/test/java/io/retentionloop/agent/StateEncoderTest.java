package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.lifecycle.Features;
import io.retentionloop.value.model.ValuePrediction;
import org.junit.jupiter.api.Test;

class StateEncoderTest {

    static final long DAY = 86_400_000L;
    static final long NOW = 1_736_000_000_000L;

    private final ActionCatalogue catalogue = ActionCatalogueTest.shipped();
    private final StateEncoder encoder = new StateEncoder(catalogue);

    @Test
    void sizeAndNamesFollowTheLayout() {
        assertThat(encoder.size()).isEqualTo(Features.SIZE + 9 + 3 * 4).isEqualTo(45);
        assertThat(encoder.names()).hasSize(encoder.size());
        assertThat(encoder.names().get(Features.SIZE)).isEqualTo("value_present");
        assertThat(encoder.names().subList(Features.SIZE + 5, Features.SIZE + 9))
                .containsExactly(
                        "sessions_per_week",
                        "views_per_session",
                        "carts_per_session",
                        "purchases_per_week");
        assertThat(encoder.names().subList(Features.SIZE + 9, Features.SIZE + 12))
                .containsExactly("since_last_email", "recent_email", "fresh_email");
        assertThat(encoder.names().get(encoder.size() - 1)).isEqualTo("fresh_free_shipping");
    }

    @Test
    void featuresAreSignedLogScaledExceptTheStageOneHot() {
        double[] f = new double[Features.SIZE];
        f[Features.NET_SPEND] = Math.E - 1;
        f[Features.PURCHASES] = -(Math.E - 1);
        f[Features.NAMES.indexOf("stage_at_risk")] = 1;
        double[] s = encoder.encode(f, 0, 0, 0, null, null, NOW);
        assertThat(s[Features.NET_SPEND]).isCloseTo(1.0, within(1e-12));
        assertThat(s[Features.PURCHASES]).isCloseTo(-1.0, within(1e-12));
        assertThat(s[Features.NAMES.indexOf("stage_at_risk")]).isEqualTo(1.0);
    }

    @Test
    void valueOutputsFollowThePresenceFlag() {
        double[] f = new double[Features.SIZE];
        double[] without = encoder.encode(f, 0, 0, 0, null, null, NOW);
        assertThat(without).hasSize(45);
        assertThat(without[Features.SIZE]).isZero();
        double[] with =
                encoder.encode(
                        f, 0, 0, 0, new ValuePrediction(1.0, 0.4, Math.E - 1, 3.0), null, NOW);
        assertThat(with[Features.SIZE]).isEqualTo(1);
        assertThat(with[Features.SIZE + 1]).isCloseTo(Math.log(2), within(1e-12));
        assertThat(with[Features.SIZE + 2]).isEqualTo(0.4);
        assertThat(with[Features.SIZE + 3]).isCloseTo(1.0, within(1e-12));
        assertThat(with[Features.SIZE + 4]).isCloseTo(Math.log(4), within(1e-12));
    }

    @Test
    void historyGivesDaysSinceLastSendAndRecentSends() {
        InterventionHistory h = InterventionHistory.create(catalogue);
        int email = catalogue.indexOf("email");
        h.recordSend(catalogue, email, NOW - 45 * DAY);
        h.recordSend(catalogue, email, NOW - 9 * DAY);
        h.recordSend(catalogue, catalogue.indexOf("coupon10"), NOW - 200 * DAY);
        double[] s = encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW);
        int at = Features.SIZE + 9;
        assertThat(s[at]).as("since email").isCloseTo(9.0 / 90, within(1e-12));
        assertThat(s[at + 1]).as("emails in 30 d").isCloseTo(Math.log(2), within(1e-12));
        assertThat(s[at + 2]).as("email freshness").isCloseTo(Math.exp(-9.0 / 7), within(1e-12));
        assertThat(s[at + 3]).as("push never").isEqualTo(1.0);
        assertThat(s[at + 4]).isZero();
        assertThat(s[at + 5]).as("push never: not fresh").isZero();
        assertThat(s[at + 6]).as("coupon long ago, capped").isEqualTo(1.0);
        assertThat(s[at + 7]).isZero();
        assertThat(s[at + 8]).as("coupon long ago").isCloseTo(Math.exp(-200.0 / 7), within(1e-12));
    }

    @Test
    void freshnessTellsOneWindowAgoFromTwo() {
        InterventionHistory h = InterventionHistory.create(catalogue);
        int coupon = catalogue.indexOf("coupon10");
        int fresh = Features.SIZE + 9 + 3 * (coupon - 1) + 2;
        assertThat(encoder.names().get(fresh)).isEqualTo("fresh_coupon10");
        h.recordSend(catalogue, coupon, NOW - 7 * DAY);
        double oneWeek = encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW)[fresh];
        double twoWeeks =
                encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW + 7 * DAY)[fresh];
        assertThat(oneWeek).isCloseTo(Math.exp(-1), within(1e-12));
        assertThat(twoWeeks).isCloseTo(Math.exp(-2), within(1e-12));
        assertThat(oneWeek - twoWeeks).as("three times days / 90's step").isGreaterThan(0.2);
        h.recordSend(catalogue, coupon, NOW);
        assertThat(encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW)[fresh])
                .as("sent at this window end")
                .isEqualTo(1.0);
    }

    @Test
    void engagementIsPerWeekOfTenureAndPerSession() {
        double[] f = new double[Features.SIZE];
        f[Features.NAMES.indexOf("tenure_days")] = 70;
        f[Features.PURCHASES] = Math.E - 1; // over 10 weeks
        double[] s = encoder.encode(f, 40, 160, 60, null, null, NOW);
        int at = Features.SIZE + 5;
        assertThat(s[at]).as("sessions per week").isCloseTo(Math.log(5), within(1e-12));
        assertThat(s[at + 1]).as("views per session").isCloseTo(Math.log(5), within(1e-12));
        assertThat(s[at + 2]).as("carts per session, capped").isEqualTo(1.0);
        assertThat(s[at + 3])
                .as("purchases per week")
                .isCloseTo(Math.log1p((Math.E - 1) / 10), within(1e-12));

        f[Features.NAMES.indexOf("tenure_days")] = 2; // less than a week counts as one
        double[] fresh = encoder.encode(f, 3, 6, 1, null, null, NOW);
        assertThat(fresh[at]).isCloseTo(Math.log(4), within(1e-12));
        assertThat(fresh[at + 2]).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(encoder.encode(f, 0, 0, 0, null, null, NOW)[at + 1])
                .as("no sessions yet")
                .isZero();
    }

    @Test
    void rejectsFeaturesOfAnotherSchema() {
        assertThatThrownBy(() -> encoder.encode(new double[3], 0, 0, 0, null, null, NOW))
                .hasMessageContaining("expected " + Features.SIZE + " features");
    }
}
