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
        assertThat(encoder.size()).isEqualTo(Features.SIZE + 9 + 5 * 4).isEqualTo(53);
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
        assertThat(encoder.names().get(Features.SIZE + 20)).isEqualTo("fresh_free_shipping");
        assertThat(encoder.names().subList(Features.SIZE + 21, encoder.size()))
                .containsExactly(
                        "response_email",
                        "response_push",
                        "response_coupon10",
                        "response_free_shipping",
                        "in_force_email",
                        "in_force_push",
                        "in_force_coupon10",
                        "in_force_free_shipping");
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
        assertThat(without).hasSize(53);
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
    void responseComparesPurchasesUnderAnOfferWithTheUsersRate() {
        InterventionHistory h = InterventionHistory.create(catalogue);
        int coupon = catalogue.indexOf("coupon10");
        int email = catalogue.indexOf("email");
        long week = 7 * DAY;
        long t = NOW - 20 * week;
        // four windows without an offer, no purchase in them
        for (int i = 0; i < 4; i++) {
            t += week;
            h.recordWindow(catalogue, t, week, 0);
        }
        // a coupon valid 14 days: the two windows after it are under it, 2 purchases in them
        h.recordSend(catalogue, coupon, t);
        t += week;
        h.recordWindow(catalogue, t, week, 1);
        t += week;
        h.recordWindow(catalogue, t, week, 1);
        // an e-mail (valid for one window, its default): one window under it, no purchase
        h.recordSend(catalogue, email, t);
        t += week;
        h.recordWindow(catalogue, t, week, 0);
        t += week;
        h.recordWindow(catalogue, t, week, 0); // the e-mail's window is over: no offer
        assertThat(h.responseWindows(catalogue, 0)).isEqualTo(5);
        assertThat(h.responseWindows(catalogue, coupon)).isEqualTo(2);
        assertThat(h.responsePurchases(catalogue, coupon)).isEqualTo(2.0);
        assertThat(h.responseWindows(catalogue, email)).isEqualTo(1);

        double[] s = encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, t);
        int at = Features.SIZE + 21;
        double rate = 2.0 / 8;
        double c = StateEncoder.RESPONSE_OFFSET;
        assertThat(s[at + coupon - 1])
                .as("coupon: (2 + r) / 3 purchases per window against r")
                .isCloseTo(Math.log((2 + rate) / 3 + c) - Math.log(rate + c), within(1e-12))
                .isGreaterThan(0.7);
        assertThat(s[at + email - 1])
                .as("e-mail: no purchase in its window")
                .isCloseTo(Math.log(rate / 2 + c) - Math.log(rate + c), within(1e-12))
                .isNegative();
        assertThat(s[at + catalogue.indexOf("push") - 1]).as("push never in force").isZero();
        assertThat(encoder.encode(new double[Features.SIZE], 0, 0, 0, null, null, t)[at]).isZero();
    }

    @Test
    void inForceTellsWhichOfferStillRunsAndForHowLong() {
        InterventionHistory h = InterventionHistory.create(catalogue);
        int coupon = catalogue.indexOf("coupon10");
        int email = catalogue.indexOf("email");
        int at = Features.SIZE + 25;
        assertThat(encoder.names().get(at + coupon - 1)).isEqualTo("in_force_coupon10");
        h.recordSend(catalogue, coupon, NOW - 7 * DAY); // valid 14 days: 7 left
        double[] s = encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW);
        assertThat(s[at + coupon - 1]).isEqualTo(1.0);
        assertThat(
                        encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW + 4 * DAY)[
                                at + coupon - 1])
                .isCloseTo(3.0 / 7, within(1e-12));
        assertThat(
                        encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW + 7 * DAY)[
                                at + coupon - 1])
                .as("expired")
                .isZero();
        h.recordSend(catalogue, email, NOW); // replaces the coupon; e-mail has no valid_for
        s = encoder.encode(new double[Features.SIZE], 0, 0, 0, null, h, NOW);
        assertThat(s[at + coupon - 1]).as("replaced").isZero();
        assertThat(s[at + email - 1]).isZero();
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
