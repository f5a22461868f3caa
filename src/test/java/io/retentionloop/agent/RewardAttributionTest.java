package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.Transition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RewardAttributionTest {

    static final long DAY = 86_400_000L;

    private final ActionCatalogue catalogue = ActionCatalogueTest.shipped();
    private final RewardAttribution attribution =
            new RewardAttribution(
                    JobConfig.defaults().agentSettings().withHorizon(Duration.ofDays(28)));

    private PendingDecision pending(String action) {
        Decision d = DecisionJsonTest.decision();
        d.actionIndex = catalogue.indexOf(action);
        d.actionId = action;
        return attribution.open(d, new double[] {1, 2}, catalogue, null); // no earlier sends
    }

    @Test
    void creditsEventsInTheOpenClosedHorizonOnly() {
        PendingDecision p = pending("email");
        long t = p.decision.windowEnd;
        assertThat(p.maturesAt).isEqualTo(t + 28 * DAY);
        assertThat(attribution.purchase(p, t, 100)).as("at t: before the decision").isFalse();
        assertThat(attribution.purchase(p, t + 1, 30)).isTrue();
        assertThat(attribution.purchase(p, t + 28 * DAY, 20)).as("at t + H: included").isTrue();
        assertThat(attribution.purchase(p, t + 28 * DAY + 1, 500)).isFalse();
        assertThat(attribution.refund(p, t + 3 * DAY, 10)).isTrue();
        assertThat(p.purchases).isEqualTo(2);
        assertThat(p.attributedRevenue()).isEqualTo(40.0);
    }

    @Test
    void rewardIsNetRevenueMinusFixedCostAndRevenueShare() {
        PendingDecision p = pending("coupon10");
        long t = p.decision.windowEnd;
        attribution.purchase(p, t + DAY, 80);
        attribution.purchase(p, t + 2 * DAY, 40);
        attribution.refund(p, t + 5 * DAY, 20);
        p.offerNextState(new double[] {3, 4});
        RewardAttribution.Matured m = attribution.mature(p, false);
        assertThat(m.outcome().cost).isCloseTo(10.0, within(1e-12));
        assertThat(m.outcome().reward).isCloseTo(90.0, within(1e-12));
        assertThat(m.outcome().revenue).isEqualTo(120.0);
        assertThat(m.outcome().refunds).isEqualTo(20.0);
        Transition tr = m.transition();
        assertThat(tr.state).containsExactly(1, 2);
        assertThat(tr.nextState).containsExactly(3, 4);
        assertThat(tr.action).isEqualTo(catalogue.indexOf("coupon10"));
        assertThat(tr.reward).isEqualTo(m.outcome().reward);
        assertThat(tr.done).isFalse();
        assertThat(tr.propensity).isEqualTo(0.92);
        assertThat(tr.policyVersion).isEqualTo(12);
        assertThat(tr.decisionId).isEqualTo("u042@2025-01-13T00:00:00Z");
    }

    @Test
    void fixedCostIsPaidEvenWithoutRevenueAndShareNeverGoesNegative() {
        PendingDecision email = pending("email");
        assertThat(attribution.mature(email, false).outcome().reward).isEqualTo(-0.05);
        PendingDecision coupon = pending("coupon10");
        attribution.refund(coupon, coupon.decision.windowEnd + DAY, 30);
        assertThat(attribution.mature(coupon, false).outcome().reward).isEqualTo(-30.0);
    }

    @Test
    void nextStateIsTheFirstOneOfferedAndMissingMeansDone() {
        PendingDecision p = pending("none");
        assertThat(p.offerNextState(new double[] {5, 5})).isTrue();
        assertThat(p.offerNextState(new double[] {6, 6})).isFalse();
        assertThat(attribution.mature(p, false).transition().nextState).containsExactly(5, 5);
        assertThat(attribution.mature(p, true).transition().done).isTrue();
        assertThat(attribution.mature(pending("none"), false).transition().done).isTrue();
    }

    @Test
    void maturesWhenTheWatermarkReachesTheHorizonEnd() {
        PendingDecision p = pending("push");
        assertThat(RewardAttribution.isMature(p, p.maturesAt - 1)).isFalse();
        assertThat(RewardAttribution.isMature(p, p.maturesAt)).isTrue();
    }

    @Test
    void costModelIsFrozenAtTheDecision() {
        PendingDecision p = pending("free_shipping");
        assertThat(p.fixedCost).isZero();
        assertThat(p.revenueShare).isEqualTo(0.15);
    }

    /** Weekly windows with the default horizon of one week, as the job runs by default. */
    private final RewardAttribution weekly =
            new RewardAttribution(
                    JobConfig.defaults().agentSettings().withHorizon(Duration.ofDays(7)));

    private PendingDecision weekly(String action, long windowEnd, InterventionHistory h) {
        Decision d = DecisionJsonTest.decision();
        d.windowEnd = windowEnd;
        d.actionIndex = catalogue.indexOf(action);
        d.actionId = action;
        h.recordSend(catalogue, d.actionIndex, windowEnd);
        return weekly.open(d, new double[] {1, 2}, catalogue, h);
    }

    @Test
    void aCouponValidTwoWeeksChargesItsSecondWeekToTheNextWindow() {
        assertThat(catalogue.get(catalogue.indexOf("coupon10")).validFor())
                .isEqualTo(Duration.ofDays(14));
        InterventionHistory h = InterventionHistory.create(catalogue);
        long t = DecisionJsonTest.decision().windowEnd;
        PendingDecision coupon = weekly("coupon10", t, h);
        PendingDecision next = weekly("none", t + 7 * DAY, h);
        PendingDecision third = weekly("none", t + 14 * DAY, h);
        for (long day = 1; day <= 21; day++) {
            for (PendingDecision p : new PendingDecision[] {coupon, next, third}) {
                weekly.purchase(p, t + day * DAY, 10);
            }
        }
        weekly.refund(next, t + 8 * DAY, 20);

        Outcome first = weekly.mature(coupon, false).outcome();
        assertThat(first.cost).as("10% of its own week").isCloseTo(7.0, within(1e-9));
        assertThat(first.carriedAction).isNull();
        Outcome second = weekly.mature(next, false).outcome();
        assertThat(second.carriedAction).isEqualTo("coupon10");
        assertThat(second.carriedCost)
                .as("10% of the second week, net")
                .isCloseTo(5.0, within(1e-9));
        assertThat(second.cost).isEqualTo(second.carriedCost);
        assertThat(second.reward).isCloseTo(70 - 20 - 5.0, within(1e-9));
        Outcome after = weekly.mature(third, false).outcome();
        assertThat(after.carriedAction).as("the offer ended with day 14").isNull();
        assertThat(after.cost).isZero();
        assertThat(OutcomeJson.fromJson(OutcomeJson.toJson(second)))
                .usingRecursiveComparison()
                .isEqualTo(second);
    }

    @Test
    void aLaterSendReplacesTheRunningOffer() {
        InterventionHistory h = InterventionHistory.create(catalogue);
        long t = DecisionJsonTest.decision().windowEnd;
        weekly("free_shipping", t, h);
        PendingDecision email = weekly("email", t + 7 * DAY, h);
        weekly.purchase(email, t + 9 * DAY, 100);
        Outcome o = weekly.mature(email, false).outcome();
        assertThat(o.carriedAction).isNull();
        assertThat(o.cost).as("the e-mail's own fixed cost only").isEqualTo(0.05);
        PendingDecision none = weekly("none", t + 14 * DAY, h);
        assertThat(none.carriedAction).as("e-mails carry no share").isNull();
    }

    @Test
    void anOfferShorterThanTheHorizonStopsCostingWhenItEnds() {
        PendingDecision coupon = pending("coupon10"); // horizon 28 days, valid 14
        long t = coupon.decision.windowEnd;
        attribution.purchase(coupon, t + 3 * DAY, 50);
        attribution.purchase(coupon, t + 20 * DAY, 50);
        Outcome o = attribution.mature(coupon, false).outcome();
        assertThat(o.revenue).isEqualTo(100.0);
        assertThat(o.cost).as("10% of the purchase while valid").isCloseTo(5.0, within(1e-12));
    }

    @Test
    void decisionsKeptBeforeShareIntervalsPayOnTheWholeHorizon() {
        PendingDecision p = pending("coupon10");
        p.shareFrom = 0;
        p.shareUntil = 0; // as restored from a release before valid_for
        attribution.purchase(p, p.decision.windowEnd + 20 * DAY, 50);
        assertThat(attribution.mature(p, false).outcome().cost).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void outcomeJsonRoundTrips() {
        PendingDecision p = pending("coupon10");
        attribution.purchase(p, p.decision.windowEnd + DAY, 50);
        Outcome o = attribution.mature(p, false).outcome();
        Outcome back = OutcomeJson.fromJson(OutcomeJson.toJson(o));
        assertThat(back).usingRecursiveComparison().isEqualTo(o);
    }
}
