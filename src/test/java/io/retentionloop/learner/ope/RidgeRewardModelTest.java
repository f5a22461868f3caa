package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RidgeRewardModelTest {
    @Test
    void recoversALinearRewardPerAction() {
        List<LoggedDecision> logs = SyntheticLogs.logs(6000, 1);
        RidgeRewardModel.Fitted m = new RidgeRewardModel(1.0, 2, 1).fit(logs, SyntheticLogs.K);
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 50; i++) {
            double[] x = SyntheticLogs.context(rng);
            double[] q = m.predict(x);
            for (int a = 0; a < SyntheticLogs.K; a++) {
                assertThat(q[a]).isCloseTo(SyntheticLogs.meanReward(x, a), within(0.25));
            }
        }
    }

    @Test
    void aDecisionsOwnRewardNeverEntersItsCrossFittedPrediction() {
        List<LoggedDecision> logs = SyntheticLogs.logs(400, 3);
        RidgeRewardModel model = new RidgeRewardModel(1.0, 2, 5);
        double[][] before = model.crossFitPredictions(logs, SyntheticLogs.K);
        List<LoggedDecision> changed = new ArrayList<>(logs);
        LoggedDecision d = logs.get(17);
        changed.set(17, new LoggedDecision(d.action(), d.propensity(), 1e6, d.context()));
        double[][] after = model.crossFitPredictions(changed, SyntheticLogs.K);
        assertThat(after[17]).containsExactly(before[17]);
        // ... while it does move the predictions of the other fold
        int moved = 0;
        for (int i = 0; i < logs.size(); i++) {
            moved += before[i][d.action()] != after[i][d.action()] ? 1 : 0;
        }
        assertThat(moved).isBetween(150, 250);
    }

    @Test
    void actionsWithoutDataFallBackToTheOverallMean() {
        List<LoggedDecision> logs =
                List.of(
                        new LoggedDecision(0, 0.5, 1.0, new double[] {1}),
                        new LoggedDecision(0, 0.5, 3.0, new double[] {2}));
        double[] q = new RidgeRewardModel(1.0, 2, 1).fit(logs, 2).predict(new double[] {5});
        assertThat(q[1]).isEqualTo(2.0);
    }
}
