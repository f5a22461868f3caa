package io.retentionloop.local;

import io.retentionloop.agent.StateEncoder;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.DqnLearner;
import io.retentionloop.learner.DqnSettings;
import io.retentionloop.learner.Transition;
import io.retentionloop.simulate.Distributions;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.simulate.WorldConfig.Action;
import io.retentionloop.simulate.WorldConfig.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How well the policy learner recovers action effects that are known exactly, with nothing else in
 * the way: a contextual bandit (γ = 0) built from the world's segments and actions ({@code
 * conf/world.yaml}), in which the state names the user's segment and carries their purchase rate
 * and mean order value exactly (plus nuisance inputs), every decision is a uniformly random action,
 * and the reward is the user's realized revenue over one week minus the action's cost (purchases
 * Poisson at the rate the action sets for its effect days, each Gamma-Gamma spend), as the job sees
 * it. No dropout, reactivation or annoyance: the truth is the closed-form expected gain of each
 * action over none in that week. With {@code --noise-free} the rewards are those expectations
 * themselves, which separates what the rewards' noise costs from what the network cannot represent.
 *
 * <p>With {@code --behaviour} the state does not name the segment: it carries what the job would
 * see of the user, 1 to 26 weeks of sessions, views, carts and purchases drawn from the segment's
 * browsing and the user's rates, encoded as the agent's engagement rates (plus the mean order seen
 * and the tenure). The segment has to be inferred from noisy behaviour, as in the closed loop.
 *
 * <p>{@code [--samples N] [--seed S] [--noise-free] [--behaviour] [--world FILE] [--set
 * learner.key=value ...]}; defaults 100,000 samples, seed 1, {@code conf/world.yaml}, the job's
 * learner settings (γ is set to 0). Prints the greedy policy's share of the best action's gain over
 * random on fresh users, and per segment the learned advantage of every action over none next to
 * the truth.
 */
public final class LearnerProbe {

    private static final int WEEK = 7;
    private static final int NUISANCE = 8;

    /**
     * Inputs of the {@code --behaviour} state: the agent's four engagement rates, order, tenure.
     */
    private static final int BEHAVIOUR = 6;

    private final WorldConfig world;
    private final int segments;
    private final int actions;
    private final boolean behaviour;

    LearnerProbe(WorldConfig world, boolean behaviour) {
        this.world = world;
        this.behaviour = behaviour;
        this.segments = world.segments().size();
        this.actions = world.actions().size();
    }

    /** One user: segment, purchase rate λ per day and mean order value. */
    private record User(int segment, double rate, double orderValue, double orderShape) {}

    /** {@code lab learner-probe}. */
    @Command(
            name = "learner-probe",
            mixinStandardHelpOptions = true,
            description = {
                "How well the policy learner recovers action effects known exactly: a contextual"
                        + " bandit (gamma 0) built from the world's segments and actions, uniformly"
                        + " random decisions, one week's realized revenue minus cost as reward.",
                "Prints the greedy policy's share of the best action's gain over random on fresh"
                        + " users, and per segment each action's learned advantage over none next"
                        + " to the truth."
            })
    public static final class Cli implements Callable<Integer> {
        @Option(
                names = "--samples",
                defaultValue = "100000",
                description = "Decisions to learn from (default ${DEFAULT-VALUE}).")
        int samples;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--noise-free", description = "Rewards are the expected gains themselves.")
        boolean noiseFree;

        @Option(
                names = "--behaviour",
                description = "The state carries observed behaviour instead of naming the segment.")
        boolean behaviour;

        @Option(
                names = "--world",
                defaultValue = Home.DEFAULT + "/conf/world.yaml",
                description = "World definition (default ${DEFAULT-VALUE}).")
        Path world;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description = "Override one learner key, e.g. --set learner.batch-size=512.")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            DqnSettings settings = JobConfig.load(null, overrides).dqnSettings().withGamma(0);
            new LearnerProbe(WorldConfig.load(world), behaviour)
                    .run(settings, samples, seed, noiseFree);
            return 0;
        }
    }

    /**
     * Trains a learner with {@code settings} on {@code samples} decisions, prints the report and
     * returns the greedy policy's share of the best action's gain over random.
     */
    double run(DqnSettings settings, int samples, long seed, boolean noiseFree) {
        int stateSize = behaviour ? BEHAVIOUR + NUISANCE : segments + 2 + NUISANCE;
        DqnLearner learner = new DqnLearner(settings, stateSize, actions);
        SplittableRandom rng = new SplittableRandom(seed);
        double squares = 0;
        long start = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            User u = user(rng);
            int a = rng.nextInt(actions);
            double r = noiseFree ? expected(u, a) : draw(rng, u, a);
            squares += r * r;
            learner.add(
                    new Transition(
                            state(rng, u, stateSize), a, r, null, true, 1.0 / actions, 0, "p" + i));
            learner.train(Integer.MAX_VALUE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        int test = 20_000;
        SplittableRandom fresh = new SplittableRandom(seed + 1);
        User[] users = new User[test];
        double[][] states = new double[test][];
        for (int i = 0; i < test; i++) {
            users[i] = user(fresh);
            states[i] = state(fresh, users[i], stateSize);
        }
        double[][] q = learner.qValues(states);
        double[][] learned = new double[segments][actions];
        double[][] truth = new double[segments][actions];
        int[] count = new int[segments];
        double greedy = 0;
        double best = 0;
        double random = 0;
        for (int i = 0; i < test; i++) {
            User u = users[i];
            count[u.segment]++;
            int chosen = 0;
            double top = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < actions; a++) {
                double gain = expected(u, a) - expected(u, 0);
                learned[u.segment][a] += q[i][a] - q[i][0];
                truth[u.segment][a] += gain;
                random += gain / actions;
                top = Math.max(top, gain);
                if (q[i][a] > q[i][chosen]) {
                    chosen = a;
                }
            }
            best += top;
            greedy += expected(u, chosen) - expected(u, 0);
        }
        double share = (greedy - random) / (best - random);
        System.out.printf(
                Locale.ROOT,
                "%,d samples (%s), %,d updates of batch %d, lr %s, reward rms %.1f, %.0f s%n"
                        + "greedy policy: %.3f of the best action's gain over random"
                        + " (per user and week: greedy %.2f, best %.2f, random %.2f)%n",
                samples,
                noiseFree ? "noise-free rewards" : "realized rewards",
                learner.updates(),
                settings.batchSize(),
                settings.learningRate(),
                Math.sqrt(squares / samples),
                seconds,
                share,
                greedy / test,
                best / test,
                random / test);
        System.out.println("learned advantage over none (truth) per segment:");
        for (int s = 0; s < segments; s++) {
            StringBuilder line =
                    new StringBuilder(
                            String.format(Locale.ROOT, "  %-14s", world.segments().get(s).name()));
            for (int a = 1; a < actions; a++) {
                line.append(
                        String.format(
                                Locale.ROOT,
                                " %s %+.2f (%+.2f)",
                                world.actions().get(a).id(),
                                learned[s][a] / count[s],
                                truth[s][a] / count[s]));
            }
            System.out.println(line);
        }
        return share;
    }

    private User user(SplittableRandom rng) {
        int s = world.segmentAt(rng.nextDouble());
        Segment seg = world.segments().get(s);
        double rate =
                Distributions.gamma(rng, seg.purchaseRate().shape(), seg.purchaseRate().rate());
        double nu = Distributions.gamma(rng, seg.spend().q(), seg.spend().gamma());
        return new User(s, rate, seg.spend().p() / nu, seg.spend().p());
    }

    /** Segment one-hot, ln(7λ), ln(order value), then standard normal nuisance inputs. */
    private double[] state(SplittableRandom rng, User u, int size) {
        if (behaviour) {
            return observed(rng, u, size);
        }
        double[] x = new double[size];
        x[u.segment] = 1;
        x[segments] = Math.log(WEEK * u.rate);
        x[segments + 1] = Math.log(u.orderValue);
        for (int i = segments + 2; i < size; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /**
     * What the job sees of the user instead of the segment: 1 to 26 weeks of history, sessions,
     * views, carts and purchases drawn from the segment's browsing and the user's purchase rate,
     * encoded as the agent's engagement rates plus the mean order seen (0 without purchases) and
     * the tenure.
     */
    private double[] observed(SplittableRandom rng, User u, int size) {
        Segment seg = world.segments().get(u.segment);
        int weeks = 1 + rng.nextInt(26);
        double days = WEEK * weeks;
        int purchases = poisson(rng, u.rate * days);
        int sessions = purchases + poisson(rng, seg.browseRate() * days);
        long views = 0;
        long carts = purchases;
        for (int i = purchases; i < sessions; i++) {
            views += 1 + poisson(rng, seg.viewsPerSession() - 1);
            carts += rng.nextDouble() < seg.cartProbability() ? 1 : 0;
        }
        double spend = 0;
        for (int i = 0; i < purchases; i++) {
            spend += Distributions.gamma(rng, u.orderShape, u.orderShape / u.orderValue);
        }
        double[] x = new double[size];
        int at = StateEncoder.engagement(x, 0, sessions, views, carts, purchases, weeks);
        x[at++] = purchases == 0 ? 0 : Math.log1p(spend / purchases);
        x[at] = Math.log1p(weeks);
        for (int i = BEHAVIOUR; i < size; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    private static int poisson(SplittableRandom rng, double mean) {
        int n = 0;
        double clock = Distributions.unitExponential(rng);
        while (clock < mean) {
            n++;
            clock += Distributions.unitExponential(rng);
        }
        return n;
    }

    /** Expected purchases in the week: boosted for the action's effect days, then the base rate. */
    private double purchases(User u, Action action, double multiplier) {
        double boosted = Math.min(action.effectDays(), WEEK);
        return u.rate * (boosted * multiplier + (WEEK - boosted));
    }

    private double multiplier(User u, Action action) {
        return action.effectOn(world.segments().get(u.segment).name()).rateMultiplier();
    }

    private double expected(User u, int a) {
        Action action = world.actions().get(a);
        double m = multiplier(u, action);
        double during = u.rate * Math.min(action.effectDays(), WEEK) * m * u.orderValue;
        return purchases(u, action, m) * u.orderValue
                - action.cost().fixed()
                - action.cost().revenueShare() * during;
    }

    private double draw(SplittableRandom rng, User u, int a) {
        Action action = world.actions().get(a);
        double m = multiplier(u, action);
        double mean = purchases(u, action, m);
        double duringShare = u.rate * Math.min(action.effectDays(), WEEK) * m / mean;
        double reward = -action.cost().fixed();
        // Poisson count by exponential gaps; each order Gamma(p, p / order value)
        double clock = Distributions.unitExponential(rng);
        while (clock < mean) {
            double order = Distributions.gamma(rng, u.orderShape, u.orderShape / u.orderValue);
            boolean during = rng.nextDouble() < duringShare;
            reward += order - (during ? action.cost().revenueShare() * order : 0);
            clock += Distributions.unitExponential(rng);
        }
        return reward;
    }
}
