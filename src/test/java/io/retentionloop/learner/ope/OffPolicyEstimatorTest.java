package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OffPolicyEstimatorTest {
    private static double truth;
    private static double uniformTruth;

    @BeforeAll
    static void computeTruth() {
        truth = SyntheticLogs.trueValue(SyntheticLogs.target());
        uniformTruth = SyntheticLogs.trueValue(Policy.uniform(SyntheticLogs.K));
    }

    private static List<OffPolicyEstimator> estimators(int replicates, long seed) {
        return OffPolicyEstimator.standard(new Bootstrap(replicates, 0.95, seed));
    }

    @Test
    void estimatorsAreUnbiasedOverSeeds() {
        int seeds = 30;
        Map<String, List<Double>> byName = new LinkedHashMap<>();
        for (int s = 0; s < seeds; s++) {
            List<LoggedDecision> logs = SyntheticLogs.logs(3000, 1000 + s);
            for (OffPolicyEstimator e : estimators(50, s)) {
                byName.computeIfAbsent(e.name(), k -> new ArrayList<>())
                        .add(e.estimate(SyntheticLogs.target(), logs).estimate());
            }
        }
        assertThat(byName.keySet()).containsExactly("IPS", "SNIPS", "DR");
        byName.forEach(
                (name, xs) -> {
                    double mean = mean(xs);
                    double seOfMean = sd(xs) / Math.sqrt(seeds);
                    // the average over independent logs sits on the truth, within 3.5 SE
                    assertThat(Math.abs(mean - truth))
                            .as("%s mean %.4f vs truth %.4f (se %.4f)", name, mean, truth, seOfMean)
                            .isLessThan(3.5 * seOfMean);
                });
    }

    @Test
    void doublyRobustHasLowerVarianceThanIpsWithAGoodRewardModel() {
        List<Double> ips = new ArrayList<>();
        List<Double> dr = new ArrayList<>();
        double ipsSe = 0;
        double drSe = 0;
        for (int s = 0; s < 20; s++) {
            List<LoggedDecision> logs = SyntheticLogs.logs(2000, 5000 + s);
            List<OffPolicyEstimator> es = estimators(20, s);
            Estimate i = es.get(0).estimate(SyntheticLogs.target(), logs);
            Estimate d = es.get(2).estimate(SyntheticLogs.target(), logs);
            ips.add(i.estimate());
            dr.add(d.estimate());
            ipsSe += i.se();
            drSe += d.se();
        }
        // the reward model is well specified (linear), so DR removes most of the IPS variance
        assertThat(sd(dr)).isLessThan(0.6 * sd(ips));
        assertThat(drSe).isLessThan(0.6 * ipsSe);
    }

    @Test
    void confidenceIntervalsCoverTheTruthAtRoughlyTheNominalRate() {
        int runs = 100;
        Map<String, Integer> covered = new LinkedHashMap<>();
        Map<String, Integer> coveredUniform = new LinkedHashMap<>();
        for (int s = 0; s < runs; s++) {
            List<LoggedDecision> logs = SyntheticLogs.logs(800, 20_000 + s);
            for (OffPolicyEstimator e : estimators(200, s)) {
                if (e.estimate(SyntheticLogs.target(), logs).covers(truth)) {
                    covered.merge(e.name(), 1, Integer::sum);
                }
                if (e.estimate(Policy.uniform(SyntheticLogs.K), logs).covers(uniformTruth)) {
                    coveredUniform.merge(e.name(), 1, Integer::sum);
                }
            }
        }
        assertThat(covered).containsOnlyKeys("IPS", "SNIPS", "DR");
        // nominal 95%; 85 leaves room for the percentile bootstrap's small-sample undercoverage
        covered.forEach(
                (name, c) -> assertThat(c).as("%s covered", name).isGreaterThanOrEqualTo(85));
        coveredUniform.forEach(
                (name, c) ->
                        assertThat(c).as("%s covered (uniform)", name).isGreaterThanOrEqualTo(85));
        // and not trivially wide: a 95% interval should miss sometimes over 100 runs
        assertThat(covered.values()).anySatisfy(c -> assertThat(c).isLessThan(100));
    }

    @Test
    void pairedComparisonCoversTheTrueDifferenceAndIsTighterThanUnpaired() {
        Policy target = SyntheticLogs.target();
        Policy uniform = Policy.uniform(SyntheticLogs.K);
        double trueDiff = truth - uniformTruth;
        int covered = 0;
        for (int s = 0; s < 20; s++) {
            List<LoggedDecision> logs = SyntheticLogs.logs(2000, 40_000 + s);
            OffPolicyEstimator dr = estimators(200, s).get(2);
            Estimate diff = dr.compare(target, uniform, logs);
            Estimate a = dr.estimate(target, logs);
            Estimate b = dr.estimate(uniform, logs);
            assertThat(diff.estimate()).isCloseTo(a.estimate() - b.estimate(), within(1e-9));
            // the shared contexts cancel: paired se below the unpaired combination
            assertThat(diff.se()).isLessThan(Math.hypot(a.se(), b.se()));
            covered += diff.covers(trueDiff) ? 1 : 0;
        }
        assertThat(covered).isGreaterThanOrEqualTo(16);
    }

    @Test
    void bootstrapSpreadMatchesTheLinearizedStandardError() {
        List<LoggedDecision> logs = SyntheticLogs.logs(4000, 8);
        for (OffPolicyEstimator e : estimators(1000, 8)) {
            Estimate est = e.estimate(SyntheticLogs.target(), logs);
            double[] reps = est.replicates();
            double m = 0;
            for (double r : reps) {
                m += r / reps.length;
            }
            double ss = 0;
            for (double r : reps) {
                ss += (r - m) * (r - m);
            }
            double bootSd = Math.sqrt(ss / (reps.length - 1));
            assertThat(bootSd / est.se()).as(e.name()).isBetween(0.9, 1.1);
            // the bootstrap distribution is centred on the point estimate
            assertThat(Math.abs(m - est.estimate())).as(e.name()).isLessThan(0.15 * est.se());
            assertThat(est.lowerBound(0.95)).isBetween(est.ciLow(), est.estimate());
        }
    }

    @Test
    void aPolicyComparedWithItselfDiffersByExactlyZero() {
        List<LoggedDecision> logs = SyntheticLogs.logs(500, 3);
        for (OffPolicyEstimator e : estimators(100, 3)) {
            Estimate d = e.compare(SyntheticLogs.target(), SyntheticLogs.target(), logs);
            assertThat(d.estimate()).isZero();
            assertThat(d.ciLow()).isZero();
            assertThat(d.ciHigh()).isZero();
            assertThat(d.lowerBound(0.95)).isZero();
        }
    }

    @Test
    void ipsAndSnipsMatchTheirFormulasOnAHandMadeLog() {
        List<LoggedDecision> logs =
                List.of(
                        new LoggedDecision(0, 0.5, 1.0, new double[] {0}),
                        new LoggedDecision(1, 0.25, 2.0, new double[] {0}),
                        new LoggedDecision(0, 0.8, 3.0, new double[] {0}),
                        new LoggedDecision(1, 0.5, 0.0, new double[] {0}));
        Policy always0 = Policy.fixed(0, 2);
        Bootstrap b = new Bootstrap(50, 0.9, 1);
        // weights 2, 0, 1.25, 0
        assertThat(new Ips(b).estimate(always0, logs).estimate())
                .isCloseTo((2 * 1.0 + 1.25 * 3.0) / 4, within(1e-12));
        assertThat(new Snips(b).estimate(always0, logs).estimate())
                .isCloseTo((2 * 1.0 + 1.25 * 3.0) / 3.25, within(1e-12));
        assertThat(new Ips(b).estimate(always0, logs).ess())
                .isCloseTo(3.25 * 3.25 / (4 + 1.5625), within(1e-12));
    }

    @Test
    void snipsIgnoresAConstantShiftOfTheRewardsButIpsDoesNot() {
        List<LoggedDecision> logs = SyntheticLogs.logs(400, 9);
        List<LoggedDecision> shifted = new ArrayList<>();
        for (LoggedDecision d : logs) {
            shifted.add(
                    new LoggedDecision(d.action(), d.propensity(), d.reward() + 10, d.context()));
        }
        Bootstrap b = new Bootstrap(20, 0.95, 1);
        Policy t = SyntheticLogs.target();
        assertThat(new Snips(b).estimate(t, shifted).estimate())
                .isCloseTo(new Snips(b).estimate(t, logs).estimate() + 10, within(1e-9));
        assertThat(new Ips(b).estimate(t, shifted).estimate())
                .isNotCloseTo(new Ips(b).estimate(t, logs).estimate() + 10, within(0.05));
    }

    @Test
    void sameSeedGivesTheSameIntervals() {
        List<LoggedDecision> logs = SyntheticLogs.logs(500, 11);
        Estimate a = estimators(100, 42).get(2).estimate(SyntheticLogs.target(), logs);
        Estimate b = estimators(100, 42).get(2).estimate(SyntheticLogs.target(), logs);
        assertThat(a).usingRecursiveComparison().isEqualTo(b);
    }

    @Test
    void rejectsInvalidInput() {
        assertThatThrownBy(() -> new LoggedDecision(0, 0.0, 1, new double[0]))
                .hasMessageContaining("propensity");
        List<LoggedDecision> logs = SyntheticLogs.logs(3, 1);
        Ips ips = new Ips(Bootstrap.DEFAULT);
        assertThatThrownBy(
                        () ->
                                ips.estimate(
                                        new double[][] {{0.5, 0.5, 0.5}, {1, 0, 0}, {1, 0, 0}},
                                        logs))
                .hasMessageContaining("sum to");
        assertThatThrownBy(() -> ips.estimate(new double[][] {{1, 0, 0}}, logs))
                .hasMessageContaining("rows");
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    static double sd(List<Double> xs) {
        double m = mean(xs);
        double ss = xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
        return Math.sqrt(ss / (xs.size() - 1));
    }
}
