package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare-policies} end to end on a small world: each policy runs the embedded loop (Kafka
 * broker, the real job on a MiniCluster, the simulator reacting to the interventions topic), and
 * the report compares them. A second invocation with {@code --reuse} and another learner seed keeps
 * the runs it already has and only runs the policy it lacks.
 */
class ComparePoliciesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path out;

    @Test
    void comparesPoliciesOnOneWorldAndReusesRunsOfTheSameWorld() throws Exception {
        List<String> common =
                List.of(
                        "compare-policies",
                        "--users",
                        "400",
                        "--days",
                        "42",
                        "--seed",
                        "3",
                        "--timeout",
                        "PT10M",
                        "--out",
                        out.toString());
        assertThat(Main.execute(args(common, "--policies", "none,oracle"))).isZero();
        JsonNode first = JSON.readTree(out.resolve("report.json").toFile());
        double oracleSeconds =
                JSON.readTree(out.resolve("oracle/summary.json").toFile())
                        .get("seconds")
                        .asDouble();

        assertThat(
                        Main.execute(
                                args(
                                        common,
                                        "--reuse",
                                        // a learner setting does not change a baseline's run
                                        "--set",
                                        "learner.seed=5",
                                        "--policies",
                                        "none,oracle,fixed:coupon10")))
                .isZero();
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode policies = report.get("policies");
        assertThat(policies.fieldNames())
                .toIterable()
                .containsExactly("none", "oracle", "fixed:coupon10");
        // the oracle was not run again: same summary, same figures
        assertThat(
                        JSON.readTree(out.resolve("oracle/summary.json").toFile())
                                .get("seconds")
                                .asDouble())
                .isEqualTo(oracleSeconds);
        assertThat(policies.get("oracle").get("profit_per_user").asDouble())
                .isEqualTo(first.get("policies").get("oracle").get("profit_per_user").asDouble());

        JsonNode none = policies.get("none");
        JsonNode oracle = policies.get("oracle");
        JsonNode coupon = policies.get("fixed:coupon10");
        assertThat(none.get("incremental_profit_per_user").asDouble()).isZero();
        assertThat(none.get("interventions").asLong()).isZero();
        assertThat(none.get("expected_incremental_profit_per_user").asDouble()).isZero();
        // the oracle sends only what the world expects to pay for itself, and it does
        assertThat(oracle.get("interventions").asLong()).isPositive();
        assertThat(oracle.get("expected_incremental_profit_per_user").asDouble())
                .isGreaterThan(coupon.get("expected_incremental_profit_per_user").asDouble())
                .isGreaterThan(1.0);
        assertThat(oracle.get("incremental_profit_per_user").asDouble()).isPositive();
        // every send's expected part in the last quarter: what realized profit there estimates
        assertThat(none.get("quarter_expected_incremental_profit_per_user").asDouble()).isZero();
        assertThat(oracle.get("quarter_expected_incremental_profit_per_user").asDouble())
                .isPositive();
        assertThat(oracle.get("quarter_expected_incremental_profit_per_user_by_segment"))
                .isNotEmpty();
        for (JsonNode p : List.of(none, oracle, coupon)) {
            assertThat(p.get("control_group_treated").asLong()).isZero();
            assertThat(p.get("max_daily_budget_share").asDouble()).isLessThanOrEqualTo(1.0);
            assertThat(p.get("profit_per_user_by_week")).hasSize(6);
        }
        // a baseline acts without the learner's policy, so it runs with the learner idle
        for (String dir : List.of("none", "oracle", "fixed-coupon10")) {
            assertThat(
                            JSON.readTree(out.resolve(dir + "/summary.json").toFile())
                                    .get("config_overrides"))
                    .extracting(JsonNode::asText)
                    .contains("learner.updates-per-transition=0");
        }
        // the last quarter's choices by (latent) segment: the oracle gives deal seekers coupons
        JsonNode bySegment = oracle.get("last_quarter_actions_by_segment");
        assertThat(bySegment.fieldNames()).toIterable().contains("loyal", "deal_seekers", "casual");
        assertThat(bySegment.get("deal_seekers").path("coupon10").asLong()).isPositive();
        assertThat(coupon.get("last_quarter_actions_by_segment").get("loyal").has("email"))
                .isFalse();
        assertThat(report.get("best_fixed_policy").asText()).isEqualTo("fixed:coupon10");
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg", "fixed:coupon10");
    }

    /** {@code common} followed by {@code more}, as command-line arguments. */
    static String[] args(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
