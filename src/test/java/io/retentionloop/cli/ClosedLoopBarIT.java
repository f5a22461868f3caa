package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop's bar on a smaller world: the learned policy, learning from scratch through the
 * real job (Kafka broker, MiniCluster, RocksDB state, the DQN learner publishing through its gate,
 * the simulator reacting to the interventions topic), reaches at least 80% of the oracle's
 * incremental profit over no action in the last quarter, beats the best fixed action and random
 * there, never exceeds the daily budget and never treats the control group.
 *
 * <p>The world is {@code src/test/resources/worlds/learnable.yaml} with the catalogue {@code
 * learnable-actions.yaml} beside it (none, e-mail, coupon): two segments that a few weeks of
 * behaviour tell apart, each with one clearly best action, so that 2,000 users over 16 weeks give
 * the learner enough signal. With the shipped five actions the learner reached 75-92% over six runs
 * on this world and earlier versions of it: pushes and free shipping sent to bargain hunters
 * replace a running coupon, and 16 weeks are too few to learn that reliably; with three actions,
 * 93% and 96% (README). On the shipped world the rewards are far noisier against the differences
 * between actions, and the learned policy reaches about 73% of the oracle on 20,000 users (README
 * "Policies and the closed loop"). Exploration falls to its floor over the learner's first 2,000
 * updates (about four weeks here) instead of the default 50,000, which is sized for 20,000 users.
 */
class ClosedLoopBarIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path out;

    @Test
    void learnedPolicyReachesEightyPercentOfTheOracleAndBeatsFixedActionsAndRandom()
            throws Exception {
        List<String> common =
                List.of(
                        "compare-policies",
                        "--users",
                        "2000",
                        "--days",
                        "112",
                        "--seed",
                        "3",
                        "--world",
                        "src/test/resources/worlds/learnable.yaml",
                        "--set",
                        "agent.actions=src/test/resources/worlds/learnable-actions.yaml",
                        "--set",
                        "agent.daily-budget=4000",
                        // every user on one weekly grid: 16 lockstep window ends instead of 112
                        // daily ones (each waits for a checkpoint to commit the decisions), which
                        // keeps this test at six minutes; the daily phases reached the bar too
                        // (experiments.md, 2026-12-07)
                        "--set",
                        "lifecycle.window-phase-step=0s",
                        "--set",
                        "agent.epsilon-decay-updates=2000",
                        "--timeout",
                        "PT15M",
                        "--out",
                        out.toString());
        assertThat(
                        Main.execute(
                                ComparePoliciesIT.args(
                                        common,
                                        "--policies",
                                        "none,random,fixed:email,fixed:coupon10,oracle")))
                .isZero();
        double oracleSeconds = summary("oracle").get("seconds").asDouble();
        // --reuse keeps the runs it has for the same world and config and runs only the learner
        assertThat(
                        Main.execute(
                                ComparePoliciesIT.args(
                                        common,
                                        "--reuse",
                                        "--policies",
                                        "none,random,fixed:email,fixed:coupon10,oracle,learned")))
                .isZero();
        assertThat(summary("oracle").get("seconds").asDouble()).isEqualTo(oracleSeconds);
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode policies = report.get("policies");

        // realized, and by the world's expectation of that same figure (far less noisy)
        assertThat(report.get("learned_oracle_share_last_quarter").asDouble())
                .isGreaterThanOrEqualTo(0.8);
        assertThat(report.get("learned_oracle_quarter_expected_share").asDouble())
                .isGreaterThanOrEqualTo(0.8);

        double learned =
                policies.get("learned").get("incremental_profit_per_user_last_quarter").asDouble();
        for (String other : List.of("random", "fixed:email", "fixed:coupon10")) {
            assertThat(learned)
                    .as("learned against %s, last quarter", other)
                    .isGreaterThan(
                            policies.get(other)
                                    .get("incremental_profit_per_user_last_quarter")
                                    .asDouble());
        }
        for (JsonNode p : policies) {
            assertThat(p.get("control_group_treated").asLong()).isZero();
            assertThat(p.get("max_daily_budget_share").asDouble()).isLessThanOrEqualTo(1.0);
        }
        assertThat(policies.get("learned").get("policy_versions").asLong()).isPositive();
        // the oracle e-mails regulars and gives bargain hunters coupons; so has the learner learned
        JsonNode mix = policies.get("learned").get("last_quarter_actions_by_segment");
        assertThat(mix.get("regulars").path("email").asLong())
                .isGreaterThan(mix.get("regulars").path("coupon10").asLong());
        assertThat(mix.get("bargain_hunters").path("coupon10").asLong())
                .isGreaterThan(mix.get("bargain_hunters").path("email").asLong());
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg", "learned");
    }

    private JsonNode summary(String policy) throws IOException {
        return JSON.readTree(
                out.resolve(policy.replace(':', '-')).resolve("summary.json").toFile());
    }
}
