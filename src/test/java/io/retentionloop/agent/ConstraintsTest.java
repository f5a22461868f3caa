package io.retentionloop.agent;

import static io.retentionloop.agent.Constraints.Verdict.ALLOWED;
import static io.retentionloop.agent.Constraints.Verdict.COOLDOWN;
import static io.retentionloop.agent.Constraints.Verdict.FREQUENCY_CAP;
import static io.retentionloop.agent.Constraints.Verdict.STAGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.lifecycle.LifecycleStage;
import org.junit.jupiter.api.Test;

class ConstraintsTest {

    static final long DAY = 86_400_000L;
    static final long T0 = 1_736_000_000_000L;

    static final ActionCatalogue CATALOGUE =
            ActionCatalogue.parse(
                    """
                    frequency_cap: {max: 2, per: 30d}
                    actions:
                      - id: none
                        description: nothing
                        cost: {fixed: 0, revenue_share: 0}
                      - id: email
                        description: an e-mail
                        cost: {fixed: 0.05, revenue_share: 0}
                        eligible_stages: [new, active, at_risk, lapsed, reactivated]
                        cooldown: 7d
                      - id: push
                        description: a push
                        cost: {fixed: 0.01, revenue_share: 0}
                        eligible_stages: [active]
                        cooldown: 0
                      - id: coupon
                        description: a coupon
                        cost: {fixed: 0, revenue_share: 0.1}
                        eligible_stages: [at_risk, lapsed]
                        cooldown: 14d
                    """,
                    "test");

    @Test
    void freshUserMayGetEveryActionEligibleInTheirStage() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        assertThat(Constraints.allowed(CATALOGUE, LifecycleStage.ACTIVE, h, T0))
                .containsExactly(true, true, true, false);
        assertThat(Constraints.allowed(CATALOGUE, LifecycleStage.LAPSED, h, T0))
                .containsExactly(true, true, false, true);
        assertThat(Constraints.allowed(CATALOGUE, LifecycleStage.LAPSED, null, T0))
                .containsExactly(true, true, false, true);
    }

    @Test
    void sameActionWaitsForItsCooldownOthersDoNot() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        h.recordSend(CATALOGUE, 1, T0);
        assertThat(Constraints.verdicts(CATALOGUE, LifecycleStage.ACTIVE, h, T0 + 7 * DAY - 1))
                .containsExactly(ALLOWED, COOLDOWN, ALLOWED, STAGE);
        assertThat(Constraints.verdicts(CATALOGUE, LifecycleStage.ACTIVE, h, T0 + 7 * DAY))
                .containsExactly(ALLOWED, ALLOWED, ALLOWED, STAGE);
    }

    @Test
    void frequencyCapCountsEveryActionInASlidingWindow() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        h.recordSend(CATALOGUE, 1, T0);
        h.recordSend(CATALOGUE, 2, T0 + 10 * DAY);
        long now = T0 + 20 * DAY;
        assertThat(Constraints.verdicts(CATALOGUE, LifecycleStage.ACTIVE, h, now))
                .containsExactly(ALLOWED, FREQUENCY_CAP, FREQUENCY_CAP, STAGE);
        // the first send leaves the 30-day window
        assertThat(Constraints.allowed(CATALOGUE, LifecycleStage.ACTIVE, h, T0 + 30 * DAY))
                .containsExactly(true, true, true, false);
    }

    @Test
    void noneIsAlwaysAllowedAndNeverRecorded() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        for (int i = 0; i < 20; i++) {
            h.recordSend(CATALOGUE, 0, T0 + i);
        }
        assertThat(h.neverSent()).isTrue();
        h.recordSend(CATALOGUE, 1, T0);
        h.recordSend(CATALOGUE, 2, T0);
        for (LifecycleStage stage : LifecycleStage.values()) {
            assertThat(Constraints.allowed(CATALOGUE, stage, h, T0)[0]).isTrue();
        }
        assertThat(Constraints.noneOnly(CATALOGUE)).containsExactly(true, false, false, false);
    }

    @Test
    void budgetRemovesActionsWhoseExpectedCostDoesNotFit() {
        boolean[] allowed = {true, true, true, true};
        assertThat(Constraints.applyBudget(allowed, new double[] {0, 0.05, 0.01, 3.0}, 1.0))
                .isTrue();
        assertThat(allowed).containsExactly(true, true, true, false);
        assertThat(Constraints.applyBudget(allowed, new double[] {0, 0.05, 0.01, 3.0}, 1.0))
                .isFalse();
        boolean[] broke = {true, true, true, true};
        Constraints.applyBudget(broke, new double[] {0, 0.05, 0.01, 3.0}, 0);
        assertThat(broke).containsExactly(true, false, false, false);
    }

    @Test
    void historyCountsAndCosts() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        h.recordSend(CATALOGUE, 1, T0);
        h.recordSend(CATALOGUE, 1, T0 + 8 * DAY);
        h.recordSend(CATALOGUE, 3, T0 + 9 * DAY);
        h.addCost(2.5);
        assertThat(h.lastSentAt(CATALOGUE, 1)).isEqualTo(T0 + 8 * DAY);
        assertThat(h.lastSentAt(CATALOGUE, 2)).isEqualTo(InterventionHistory.NEVER);
        assertThat(h.sends(CATALOGUE, 1)).isEqualTo(2);
        assertThat(h.sendsWithin(T0, T0 + 9 * DAY)).isEqualTo(2);
        assertThat(h.sendsWithin(CATALOGUE, 1, T0 - 1, T0 + 9 * DAY)).isEqualTo(2);
        assertThat(h.totalCost).isEqualTo(0.05 + 0.05 + 0 + 2.5);
    }

    @Test
    void ringKeepsTheMostRecentSends() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        for (int i = 0; i < 40; i++) {
            h.recordSend(CATALOGUE, 2, T0 + i * DAY);
        }
        assertThat(h.recentCount).isEqualTo(InterventionHistory.RECENT_CAPACITY);
        assertThat(h.sendsWithin(T0 + 23 * DAY, T0 + 39 * DAY)).isEqualTo(16);
        assertThat(h.sends(CATALOGUE, 2)).isEqualTo(40);
    }

    @Test
    void historyFollowsTheCatalogueByIdWhenActionsChange() {
        InterventionHistory h = InterventionHistory.create(CATALOGUE);
        h.recordSend(CATALOGUE, 1, T0); // email
        h.recordSend(CATALOGUE, 3, T0 + DAY); // coupon
        h.recordWindow(CATALOGUE, T0 + 8 * DAY, 7 * DAY, 2); // under the coupon
        ActionCatalogue reordered =
                ActionCatalogue.parse(
                        """
                        frequency_cap: {max: 2, per: 30d}
                        actions:
                          - id: none
                            description: nothing
                            cost: {fixed: 0, revenue_share: 0}
                          - id: coupon
                            description: a coupon
                            cost: {fixed: 0, revenue_share: 0.1}
                            eligible_stages: [at_risk]
                            cooldown: 14d
                          - id: sms
                            description: new
                            cost: {fixed: 0.02, revenue_share: 0}
                            eligible_stages: [at_risk]
                            cooldown: 1d
                          - id: email
                            description: an e-mail
                            cost: {fixed: 0.05, revenue_share: 0}
                            eligible_stages: [at_risk]
                            cooldown: 7d
                        """,
                        "test");
        assertThat(h.lastSentAt(reordered, 1)).isEqualTo(T0 + DAY);
        assertThat(h.lastSentAt(reordered, 2)).isEqualTo(InterventionHistory.NEVER);
        assertThat(h.lastSentAt(reordered, 3)).isEqualTo(T0);
        h.recordSend(reordered, 2, T0 + 2 * DAY);
        assertThat(h.actionIds).containsExactly("none", "coupon", "sms", "email");
        assertThat(h.sends).containsExactly(0, 1, 1, 1);
        assertThat(h.responseWindows).containsExactly(0, 1, 0, 0);
        assertThat(h.responsePurchases(reordered, 1)).isEqualTo(2.0);
        assertThat(h.sendsWithin(reordered, 3, T0 - 1, T0 + 3 * DAY)).isEqualTo(1);
        assertThat(h.sendsWithin(reordered, 1, T0 - 1, T0 + 3 * DAY)).isEqualTo(1);
        assertThat(Constraints.verdicts(reordered, LifecycleStage.AT_RISK, h, T0 + 3 * DAY))
                .containsExactly(ALLOWED, COOLDOWN, FREQUENCY_CAP, COOLDOWN);
    }
}
