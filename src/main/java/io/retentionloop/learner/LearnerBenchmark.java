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

/**
 * Measures the policy learner's cost per update (no Flink, no Kafka) with the job's learner
 * settings on the default catalogue's state: {@code [--updates N] [--set key=value ...]}, e.g.
 * {@code --set learner.batch-size=512}. Defaults: 2000 updates, the packaged configuration. The
 * replay holds 20,000 random transitions (rewards of tens, masks that forbid some actions).
 */
public final class LearnerBenchmark {

    private LearnerBenchmark() {}

    public static void main(String[] args) {
        int updates = 2000;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println(
                        "usage: LearnerBenchmark [--updates N] [--set learner.key=value ...]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--updates" -> updates = Integer.parseInt(args[i + 1]);
                case "--set" -> overrides.add(args[i + 1]);
                default ->
                        throw new IllegalArgumentException(
                                "unknown option " + args[i] + " (--updates, --set)");
            }
        }
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
