package io.retentionloop.learner;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.StateEncoder;
import io.retentionloop.job.JobConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the policy learner's cost per update (no Flink, no Kafka) with the job's learner
 * settings on the default catalogue's state: {@code [--updates N] [--set key=value ...]}, e.g.
 * {@code --set learner.batch-size=512}. Defaults: 2000 updates, the packaged configuration. The
 * replay holds 20,000 random transitions (rewards of tens, masks that forbid some actions).
 */
@Command(
        name = "learner-benchmark",
        mixinStandardHelpOptions = true,
        description =
                "The policy learner's CPU and wall time per update (no Flink, no Kafka) with the"
                        + " job's learner settings on the default catalogue's state; the replay"
                        + " holds 20,000 random transitions.")
public final class LearnerBenchmark implements Runnable {

    @Option(
            names = "--updates",
            defaultValue = "2000",
            description = "Updates to time (default ${DEFAULT-VALUE}).")
    int updates;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one config key, e.g. --set learner.batch-size=512.")
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        DqnSettings settings = JobConfig.load(null, overrides).dqnSettings();
        ActionCatalogue catalogue = ActionCatalogue.defaults();
        int stateSize = new StateEncoder(catalogue).size();
        int actions = catalogue.size();
        int transitions = 20_000;
        // enough credit for the warm-up and the measurement, whatever the configured rate
        double credit = Math.max(settings.updatesPerTransition(), (updates + 200.0) / transitions);
        DqnLearner learner =
                new DqnLearner(settings.withUpdatesPerTransition(credit), stateSize, actions);
        Random rnd = new Random(1);
        for (int i = 0; i < transitions; i++) {
            boolean[] allowed = new boolean[actions];
            for (int a = 0; a < actions; a++) {
                allowed[a] = a == 0 || rnd.nextInt(4) > 0;
            }
            learner.add(
                    new Transition(
                            gaussian(rnd, stateSize),
                            rnd.nextInt(actions),
                            10 + 20 * rnd.nextGaussian(),
                            gaussian(rnd, stateSize),
                            allowed,
                            false,
                            1.0 / actions,
                            0,
                            "b" + i));
        }
        learner.train(200);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int done = learner.train(updates);
        double wallMs = (System.nanoTime() - start) / 1e6 / done;
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / done;
        System.out.printf(
                Locale.ROOT,
                "%d updates of batch %d (state %d, %d x %d, %d actions, baseline %s, averaging"
                        + " %s): %.2f ms CPU, %.2f ms wall per update; %.0f transitions per"
                        + " second of learner CPU at updates-per-transition %s%n",
                done,
                settings.batchSize(),
                stateSize,
                settings.hiddenLayers(),
                settings.hiddenUnits(),
                actions,
                settings.baseline(),
                settings.averaging(),
                cpuMs,
                wallMs,
                1000 / (cpuMs * settings.updatesPerTransition()),
                settings.updatesPerTransition());
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
