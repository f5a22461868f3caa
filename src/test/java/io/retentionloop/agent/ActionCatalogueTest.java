package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.simulate.WorldConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionCatalogueTest {

    static ActionCatalogue shipped() {
        return ActionCatalogue.load(Path.of("conf/actions.yaml"));
    }

    private static final String VALID =
            """
            frequency_cap: {max: 2, per: 30d}
            actions:
              - id: none
                description: nothing
                cost: {fixed: 0, revenue_share: 0}
              - id: email
                description: an e-mail
                cost: {fixed: 0.05, revenue_share: 0}
                eligible_stages: [active, at_risk]
                cooldown: 7d
            """;

    @Test
    void shippedCatalogueHasTheWorldsActionsAndCosts() throws IOException {
        ActionCatalogue c = shipped();
        WorldConfig world = WorldConfig.load(Path.of("conf/world.yaml"));
        assertThat(c.ids()).containsExactly("none", "email", "push", "coupon10", "free_shipping");
        assertThat(c.size()).isEqualTo(world.actions().size());
        for (WorldConfig.Action w : world.actions()) {
            ActionCatalogue.Action a = c.get(c.indexOf(w.id()));
            assertThat(a.fixedCost()).as(w.id()).isEqualTo(w.cost().fixed());
            assertThat(a.revenueShare()).as(w.id()).isEqualTo(w.cost().revenueShare());
            if (a.revenueShare() > 0) {
                // the share is paid on purchases while the world's effect runs
                assertThat(a.validFor())
                        .as(w.id())
                        .isEqualTo(Duration.ofHours(Math.round(24 * w.effectDays())));
            }
        }
        assertThat(c.get(0).isNone()).isTrue();
        assertThat(c.get(0).eligibleStages()).containsExactlyInAnyOrder(LifecycleStage.values());
        assertThat(c.get(c.indexOf("push")).eligible(LifecycleStage.LAPSED)).isFalse();
        assertThat(c.get(c.indexOf("coupon10")).cooldown()).isEqualTo(Duration.ofDays(14));
        assertThat(c.frequencyCap())
                .isEqualTo(new ActionCatalogue.FrequencyCap(4, Duration.ofDays(30)));
    }

    @Test
    void costIsFixedPlusShareOfAttributedRevenue() {
        ActionCatalogue c = shipped();
        assertThat(c.get(c.indexOf("coupon10")).cost(200)).isEqualTo(20.0);
        assertThat(c.get(c.indexOf("email")).cost(200)).isEqualTo(0.05);
        assertThat(c.get(c.indexOf("coupon10")).cost(-30)).as("refunds > revenue").isZero();
    }

    @Test
    void parsesAValidFile() {
        ActionCatalogue c = ActionCatalogue.parse(VALID, "test");
        assertThat(c.get(1).eligibleStages())
                .containsExactlyInAnyOrder(LifecycleStage.ACTIVE, LifecycleStage.AT_RISK);
        assertThat(c.get(1).cooldown()).isEqualTo(Duration.ofDays(7));
        assertThat(c.get(1).validFor()).as("not set: the reward horizon").isZero();
        assertThat(
                        ActionCatalogue.parse(
                                        VALID.replace(
                                                "cooldown: 7d", "cooldown: 7d\n    valid_for: 21d"),
                                        "t")
                                .get(1)
                                .validFor())
                .isEqualTo(Duration.ofDays(21));
        assertThat(c.indexOf("email")).isEqualTo(1);
        assertThat(c.indexOf("sms")).isEqualTo(-1);
    }

    @Test
    void rejectsNoneNotFirst() {
        assertInvalid(VALID.replace("id: none", "id: nothing"), "actions[0].id must be 'none'");
    }

    @Test
    void rejectsACostingNone() {
        assertInvalid(
                VALID.replace(
                        "cost: {fixed: 0, revenue_share: 0}", "cost: {fixed: 1, revenue_share: 0}"),
                "actions[0] ('none') must cost nothing");
    }

    @Test
    void rejectsRevenueShareAboveOne() {
        assertInvalid(
                VALID.replace("fixed: 0.05, revenue_share: 0", "fixed: 0.05, revenue_share: 1.5"),
                "actions[1].cost.revenue_share must be in [0, 1], was 1.5");
    }

    @Test
    void rejectsNegativeFixedCost() {
        assertInvalid(
                VALID.replace("fixed: 0.05", "fixed: -1"), "actions[1].cost.fixed must be >= 0");
    }

    @Test
    void rejectsUnknownStage() {
        assertInvalid(
                VALID.replace("[active, at_risk]", "[active, dormant]"),
                "actions[1].eligible_stages has unknown stage 'dormant'");
    }

    @Test
    void rejectsBadCooldown() {
        assertInvalid(
                VALID.replace("cooldown: 7d", "cooldown: a week"),
                "actions[1].cooldown must be a duration such as 14d");
    }

    @Test
    void rejectsBadValidFor() {
        assertInvalid(
                VALID.replace("cooldown: 7d", "cooldown: 7d\n    valid_for: soon"),
                "actions[1].valid_for must be a duration such as 14d");
        assertInvalid(
                VALID.replace(
                        "cost: {fixed: 0, revenue_share: 0}",
                        "cost: {fixed: 0, revenue_share: 0}\n    valid_for: 7d"),
                "actions[0] ('none') must not have valid_for");
    }

    @Test
    void rejectsMissingKey() {
        assertInvalid(VALID.replace("    cooldown: 7d\n", ""), "actions[1].cooldown is required");
        assertInvalid(
                VALID.replace("frequency_cap: {max: 2, per: 30d}\n", ""),
                "frequency_cap is required");
    }

    @Test
    void rejectsUnknownKey() {
        assertInvalid(
                VALID.replace("cooldown: 7d", "cooldown: 7d\n    colour: blue"),
                "actions[1].colour is not a known key");
    }

    @Test
    void rejectsDuplicateId() {
        assertInvalid(
                VALID + VALID.substring(VALID.indexOf("  - id: email")),
                "actions[2].id 'email' is used twice");
    }

    @Test
    void rejectsFrequencyCapBeyondWhatHistoryRemembers() {
        assertInvalid(
                VALID.replace("max: 2", "max: 17"), "frequency_cap.max must be in [1, 16], was 17");
    }

    @Test
    void errorsNameTheSource() {
        assertThatThrownBy(() -> ActionCatalogue.parse("actions: [", "conf/x.yaml"))
                .hasMessageStartingWith("conf/x.yaml: not valid YAML");
    }

    private static void assertInvalid(String yaml, String message) {
        assertThatThrownBy(() -> ActionCatalogue.parse(yaml, "actions.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("actions.yaml: ")
                .hasMessageContaining(message);
    }
}
