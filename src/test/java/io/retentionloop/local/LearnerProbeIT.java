package io.retentionloop.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.DqnSettings;
import io.retentionloop.simulate.WorldConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LearnerProbeIT {

    /**
     * With noise-free rewards and the segment in the state, the job's learner finds the best action
     * for almost every user; with realized rewards it still gets well above random (the README's
     * figures use 100,000 decisions; this is a tenth).
     */
    @Test
    void learnerFindsTheWorldsEffectsWhenTheStateNamesTheSegment() throws Exception {
        LearnerProbe probe = new LearnerProbe(WorldConfig.load(Path.of("conf/world.yaml")), false);
        DqnSettings job = JobConfig.defaults().dqnSettings().withGamma(0);
        double noiseFree = probe.run(job, 10_000, 1, true);
        double realized = probe.run(job, 10_000, 1, false);
        assertThat(noiseFree).isGreaterThan(0.9);
        assertThat(realized).isBetween(0.1, noiseFree);
    }
}
