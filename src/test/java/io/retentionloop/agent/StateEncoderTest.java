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
        assertThat(encoder.size()).isEqualTo(Features.SIZE + 9 + 2 * 4).isEqualTo(41);
        assertThat(encoder.names()).hasSize(encoder.size());
        assertThat(encoder.names().get(Features.SIZE)).isEqualTo("value_present");
        assertThat(encoder.names().subList(Features.SIZE + 5, Features.SIZE + 9))
                .containsExactly(
                        "sessions_per_week",
                        "views_per_session",
                        "carts_per_session",
                        "purchases_per_week");
        assertThat(encoder.names().subList(Features.SIZE + 9, Features.SIZE + 11))
                .containsExactly("since_last_email", "recent_email");
        assertThat(encoder.names().get(encoder.size() - 1)).isEqualTo("recent_free_shipping");
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
        assertThat(without).hasSize(41);
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
        assertThat(s[at + 2]).as("push never").isEqualTo(1.0);
        assertThat(s[at + 3]).isZero();
        assertThat(s[at + 4]).as("coupon long ago, capped").isEqualTo(1.0);
        assertThat(s[at + 5]).isZero();
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
