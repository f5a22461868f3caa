package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.learner.DqnSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The project's DQN (γ = 0) as a contextual bandit learner, evaluated off-policy. */
class DqnTargetingTrainerTest {
    @Test
    void learnsAPolicyThatBeatsUniformOnHeldOutLogs() {
        List<LoggedDecision> train = SyntheticLogs.logs(2000, 101);
        List<LoggedDecision> eval = SyntheticLogs.logs(3000, 202);
        // ~90 updates of 64: a few seconds, most of it ND4J's start-up
        DqnTargetingTrainer trainer =
                new DqnTargetingTrainer(new DqnSettings(0.0, 5e-3, 1, 32, 64, 64, 500, 1.0, 1L), 3);
        Policy learned = trainer.train(train, SyntheticLogs.K, 3);

        Bootstrap b = new Bootstrap(200, 0.95, 4);
        DoublyRobust dr = new DoublyRobust(new RidgeRewardModel(1.0, 2, 4), b);
        Estimate vsUniform = dr.compare(learned, Policy.uniform(SyntheticLogs.K), eval);
        // the arms differ by ~0.5 on average and the best arm depends on the context
        assertThat(vsUniform.ciLow()).isGreaterThan(0.2);
        double truth = SyntheticLogs.trueValue(learned);
        assertThat(dr.estimate(learned, eval).covers(truth)).isTrue();
        // greedy: one action per context
        assertThat(learned.probabilities(eval.get(0).context())).containsOnly(0.0, 1.0);
    }
}
