package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.learner.ope.Hillstrom.Arm;
import io.retentionloop.learner.ope.Hillstrom.Customer;
import io.retentionloop.learner.ope.Hillstrom.Reward;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On the real randomized experiment in ../shared/data (read in place, never copied). */
class HillstromTest {
    /** The published arm means (data/README.md): spend $ and visit share per customer. */
    private static final Map<Arm, double[]> PUBLISHED =
            Map.of(
                    Arm.NO_EMAIL, new double[] {0.653, 0.1062},
                    Arm.MENS_EMAIL, new double[] {1.423, 0.1828},
                    Arm.WOMENS_EMAIL, new double[] {1.077, 0.1514});

    private static List<Customer> customers;

    @BeforeAll
    static void load() {
        customers = Hillstrom.load(Hillstrom.DEFAULT_PATH);
    }

    @Test
    void loadsEveryCustomerWithTheDocumentedEncoding() {
        assertThat(customers).hasSize(64_000);
        assertThat(customers.stream().filter(c -> c.arm() == Arm.NO_EMAIL)).hasSize(21_306);
        assertThat(customers.stream().filter(c -> c.arm() == Arm.MENS_EMAIL)).hasSize(21_307);
        assertThat(customers.stream().filter(c -> c.arm() == Arm.WOMENS_EMAIL)).hasSize(21_387);
        // first row: 10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0
        Customer first = customers.get(0);
        assertThat(first.context())
                .containsExactly(
                        new double[] {10, 2, Math.log1p(142.44), 1, 0, 0, 1, 0, 0, 0, 1, 0},
                        within(1e-12));
        assertThat(first.context()).hasSize(Hillstrom.FEATURES.size());
        assertThat(first.arm()).isEqualTo(Arm.WOMENS_EMAIL);
        // quoted buckets with a comma parse to their ordinal
        assertThat(customers.stream().filter(c -> c.historySegment() == 7)).hasSize(1_308);
        assertThat(first.decision(Reward.SPEND, 0.10).reward()).isEqualTo(-0.10);
        assertThat(first.decision(Reward.SPEND, 0.10).propensity()).isEqualTo(1.0 / 3);
    }

    @Test
    void fixedArmEstimatesCoverThePublishedArmMeans() {
        Bootstrap b = new Bootstrap(150, 0.95, 3);
        List<Customer> half = new ArrayList<>();
        HillstromExperiment.split(customers, 0.5, 11, half, new ArrayList<>());
        for (Reward reward : Reward.values()) {
            int col = reward == Reward.SPEND ? 0 : 1;
            for (List<Customer> sample : List.of(customers, half)) {
                List<LoggedDecision> logs = Hillstrom.decisions(sample, reward, 0.0);
                List<double[][]> arms = new ArrayList<>();
                for (Arm arm : Arm.values()) {
                    arms.add(TargetProbabilities.of(Policy.fixed(arm.ordinal(), 3), logs));
                }
                for (OffPolicyEstimator e : OffPolicyEstimator.standard(b)) {
                    List<Estimate> ests = e.estimateAll(arms, logs);
                    for (Arm arm : Arm.values()) {
                        Estimate est = ests.get(arm.ordinal());
                        double published = PUBLISHED.get(arm)[col];
                        assertThat(est.covers(published))
                                .as("%s %s %s on %d: %s", reward, arm, e.name(), sample.size(), est)
                                .isTrue();
                        // and tightly enough to tell No E-Mail from Mens E-Mail
                        assertThat(est.ciHigh() - est.ciLow())
                                .isLessThan(reward == Reward.SPEND ? 0.75 : 0.02);
                    }
                }
            }
        }
    }

    @Test
    void experimentReportsFixedArmsRandomAndALearnedPolicyWithPairedDifferences() {
        HillstromExperiment.Settings s =
                new HillstromExperiment.Settings(
                        Reward.VISIT, 0.10, 5, 0.5, new Bootstrap(150, 0.95, 5), 1.0);
        OpeReport report =
                HillstromExperiment.run(
                        customers, s, Map.of("ridge-greedy", new RidgeGreedyTrainer(1.0)));
        var policies = report.section(HillstromExperiment.POLICIES).rows();
        assertThat(policies)
                .containsOnlyKeys(
                        "fixed:No E-Mail",
                        "fixed:Mens E-Mail",
                        "fixed:Womens E-Mail",
                        "uniform",
                        "ridge-greedy");
        var fullData = report.section(HillstromExperiment.FULL_DATA).rows();
        assertThat(fullData.get("fixed:Mens E-Mail").get("SNIPS").estimate())
                .isCloseTo(0.1828, within(0.0001));
        // uniform is the average of the three arms on the evaluated half
        double armAverage =
                (policies.get("fixed:No E-Mail").get("SNIPS").estimate()
                                + policies.get("fixed:Mens E-Mail").get("SNIPS").estimate()
                                + policies.get("fixed:Womens E-Mail").get("SNIPS").estimate())
                        / 3;
        assertThat(policies.get("uniform").get("IPS").estimate())
                .isCloseTo(armAverage, within(0.003));
        var diffs = report.section(HillstromExperiment.COMPARISONS).rows();
        assertThat(diffs).hasSize(4);
        Estimate vsMens = diffs.get("ridge-greedy − fixed:Mens E-Mail").get("DR");
        assertThat(vsMens.estimate())
                .isCloseTo(
                        policies.get("ridge-greedy").get("DR").estimate()
                                - policies.get("fixed:Mens E-Mail").get("DR").estimate(),
                        within(1e-9));
        // any e-mail beats none on visits: a learned policy must clearly beat No E-Mail
        assertThat(diffs.get("ridge-greedy − fixed:No E-Mail").get("DR").ciLow())
                .isGreaterThan(0.03);
        var json = report.toJson();
        assertThat(json.get("actual_arm_means").get("Mens E-Mail").get("all").asDouble())
                .isCloseTo(0.18276, within(1e-5));
        assertThat(json.get("policies").get("uniform").get("DR").get("ci_low").isNumber()).isTrue();
        assertThat(report.toHtml())
                .contains("<svg")
                .contains("ridge-greedy")
                .doesNotContain("<script");
    }
}
