package io.retentionloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.job.JobConfig;
import io.retentionloop.simulate.WorldConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ceiling diagnosis on a small world (600 users, 8 logged weeks): scores come from the world's
 * truth, so the oracle is the whole and knowing the segments comes close to it.
 */
class PolicyCeilingTest {

    @Test
    void scoresPoliciesAgainstTheWorldsTruthOnHeldOutUsers() throws Exception {
        PolicyCeiling.Result r =
                new PolicyCeiling(
                                WorldConfig.load(Path.of("conf/world.yaml")),
                                ActionCatalogue.load(Path.of("conf/actions.yaml")),
                                new PolicyCeiling.Settings(
                                        600,
                                        7,
                                        Instant.parse("2025-01-02T00:00:00Z"),
                                        4,
                                        8,
                                        28,
                                        5,
                                        JobConfig.defaults().dqnSettings()))
                        .run();
        Map<String, PolicyCeiling.Score> s =
                r.scores().stream()
                        .collect(
                                Collectors.toMap(PolicyCeiling.Score::policy, Function.identity()));
        assertThat(r.trainDecisions()).isGreaterThan(1000);
        assertThat(r.testDecisions()).isGreaterThan(1000);
        // realized rewards are far noisier than the differences between actions
        assertThat(r.rewardRms()).isGreaterThan(r.rewardRmsAfterPerfectBaseline());
        assertThat(r.rewardRmsAfterPerfectBaseline()).isGreaterThan(20);
        assertThat(r.dqnUpdates()).isCloseTo((long) (0.25 * r.trainDecisions()), within(1L));

        assertThat(s.get("oracle").share()).isEqualTo(1.0);
        assertThat(s.get("oracle").perDecision()).isPositive();
        assertThat(s.get("none").share()).isZero();
        assertThat(s.get("segment_and_alive_known").share()).isGreaterThan(0.9);
        assertThat(s.get("segment_known").share())
                .isLessThanOrEqualTo(s.get("segment_and_alive_known").share() + 1e-9);
        // the world is built so that no single action is best for everyone
        for (String fixed :
                new String[] {
                    "fixed:email", "fixed:push", "fixed:coupon10", "fixed:free_shipping"
                }) {
            assertThat(s.get(fixed).share()).as(fixed).isLessThan(0.8);
        }
        assertThat(s.get("fitted_on_truth").share()).isBetween(0.5, 1.0);
        assertThat(s.get("dqn").share()).isBetween(-1.0, 1.0);
        assertThat(s.get("oracle").shareByGroup()).containsKey("deal_seekers");
        // coupons are what deal seekers respond to, by the truth and, noisily, in what they did
        PolicyCeiling.Uplift coupon = r.upliftByGroup().get("deal_seekers").get("coupon10");
        assertThat(coupon.decisions()).isGreaterThan(50);
        assertThat(coupon.truth()).isGreaterThan(2);
        assertThat(coupon.standardError()).isPositive();
        assertThat(coupon.realized()).isGreaterThan(-3 * coupon.standardError());
    }
}
