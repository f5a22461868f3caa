package io.retentionloop.local;

import io.retentionloop.ops.metrics.InProcessMetrics;
import java.time.Duration;
import java.util.List;

/**
 * The simulation's lockstep with the policy learner. The learner never holds up the agents, so in a
 * run that compresses a week into seconds it would fall behind the simulated clock; before each
 * window closes the run waits until the learner has taken every matured transition and done the
 * updates they earned, as it would have in a real week. Reads the job's metrics in this process
 * ({@link InProcessMetrics}, which {@link LocalRun} registers), so a wait costs no REST calls and
 * sees no stale values.
 */
final class LearnerProgress {
    private static final List<String> MATURED = List.of("rewardsMatured");
    private static final List<String> RECEIVED = List.of("transitionsReceived");

    private LearnerProgress() {}

    /**
     * Waits until every matured transition has reached the learner and no owed update can run (less
     * than one is owed, or the buffer does not hold a batch yet); gives up after {@code timeout}
     * with a message (the run's checks then judge what the learner did).
     */
    static void awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (InProcessMetrics.gauge("updatesReady") == 0
                    && InProcessMetrics.sum(RECEIVED) >= InProcessMetrics.sum(MATURED)) {
                return;
            }
            Thread.sleep(20);
        }
        LocalRun.say("timed out after " + timeout + " waiting for the policy learner");
    }
}
