package io.retentionloop.local;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.Constraints;
import io.retentionloop.agent.Decision;
import io.retentionloop.agent.InterventionHistory;
import io.retentionloop.agent.StateEncoder;
import io.retentionloop.learner.DqnLearner;
import io.retentionloop.learner.DqnSettings;
import io.retentionloop.learner.Transition;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * How much of the oracle's incremental profit a policy on the agent's state could reach, and how
 * much the DQN reaches from realized rewards. The simulated world goes through the real lifecycle
 * code; at every window end of the logging period each live user gets a uniformly random allowed
 * action (what the agent's cold start does), and each decision is kept with its state, the world's
 * expected incremental profit of every allowed action over the horizon (its truth) and the realized
 * profit (the reward the job would see). Users are split in halves by a hash of their id: policies
 * are fitted on one half and scored on the other by the truth of the action they pick.
 *
 * <ul>
 *   <li>{@code fitted_on_truth}: a network regressing every action's truth on the state, with all
 *       the (noise-free) labels; the best a learner could do with unlimited data on this state.
 *   <li>{@code fitted_on_truth_without_engagement}: the same with the engagement rates zeroed.
 *   <li>{@code segment_known}, {@code segment_and_alive_known}: the best fixed action per segment
 *       (and alive or not), which a policy on the state cannot see.
 *   <li>{@code dqn}: {@link DqnLearner} fed the logged transitions in time order, with the job's
 *       settings; {@code dqn_perfect_baseline}: the same with the world's expected no-action profit
 *       subtracted from the rewards (what the value model's baseline approximates).
 * </ul>
 */
public final class PolicyCeiling {

    private static final long DAY = 86_400_000L;
    private static final int ENGAGEMENT_FIELDS = 4;

    /** One logged decision. */
    record Row(
            String user,
            long t,
            double[] state,
            boolean[] allowed,
            double[] truth,
            int action,
            double propensity,
            String segment,
            boolean alive,
            double reward,
            double perfectBaseline) {

        /** The latent segment, and whether the user had dropped out, as the reports name it. */
        String group() {
            return alive ? segment : segment + " (dropped out)";
        }

        Row withReward(double r) {
            return new Row(
                    user,
                    t,
                    state,
                    allowed,
                    truth,
                    action,
                    propensity,
                    segment,
                    alive,
                    r,
                    perfectBaseline);
        }
    }

    /** How a policy did on the evaluation half. */
    public record Score(
            String policy, double perDecision, double share, Map<String, Double> shareByGroup) {}

    /**
     * What one action did for one group of the fitted-on half: its realized uplift over none (mean
     * reward minus none's mean reward in the same group, with the standard error of that
     * difference) against the world's mean truth for the same decisions. The truth prices a lone
     * send; the realized reward also carries what the next decisions within the horizon did to it
     * (a later send replaces a running effect).
     */
    public record Uplift(int decisions, double realized, double standardError, double truth) {}

    /** Everything the report says. */
    public record Result(
            int trainDecisions,
            int testDecisions,
            double rewardRms,
            double rewardRmsAfterPerfectBaseline,
            long dqnUpdates,
            List<Score> scores,
            Map<String, Map<String, Uplift>> upliftByGroup) {}

    /** The knobs. */
    public record Settings(
            int users,
            long seed,
            Instant start,
            int warmupWeeks,
            int loggedWeeks,
            int horizonDays,
            int epochs,
            DqnSettings dqn) {}

    private final WorldConfig world;
    private final ActionCatalogue catalogue;
    private final Settings s;
    private final StateEncoder encoder;
    private final LifecycleRules rules = LifecycleRules.DEFAULTS;
    private final OfflineLifecycle lifecycle = new OfflineLifecycle(rules);
    private final Map<String, InterventionHistory> histories = new LinkedHashMap<>();

    public PolicyCeiling(WorldConfig world, ActionCatalogue catalogue, Settings settings) {
        this.world = world;
        this.catalogue = catalogue;
        this.s = settings;
        this.encoder = new StateEncoder(catalogue);
    }

    public Result run() {
        List<Row> rows = log();
        List<Row> train = new ArrayList<>();
        List<Row> test = new ArrayList<>();
        for (Row r : rows) {
            (Math.floorMod(r.user().hashCode(), 2) == 0 ? train : test).add(r);
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException(
                    "no decisions were logged: more users or logged weeks are needed");
        }
        List<Score> scores = new ArrayList<>();
        scores.add(score("oracle", test, (i, r) -> best(r)));
        scores.add(score("none", test, (i, r) -> 0));
        for (int a = 1; a < catalogue.size(); a++) {
            int action = a;
            scores.add(
                    score(
                            "fixed:" + catalogue.id(a),
                            test,
                            (i, r) -> r.allowed()[action] ? action : 0));
        }
        Map<String, double[]> bySegment = new TreeMap<>();
        Map<String, double[]> byGroup = new TreeMap<>();
        for (Row r : train) {
            double[] seg =
                    bySegment.computeIfAbsent(r.segment(), k -> new double[r.truth().length]);
            double[] grp = byGroup.computeIfAbsent(r.group(), k -> new double[r.truth().length]);
            for (int a = 0; a < seg.length; a++) {
                seg[a] += r.allowed()[a] ? r.truth()[a] : 0;
                grp[a] += r.allowed()[a] ? r.truth()[a] : 0;
            }
        }
        scores.add(
                score(
                        "segment_known",
                        test,
                        (i, r) ->
                                argmax(bySegment.getOrDefault(r.segment(), zeros()), r.allowed())));
        scores.add(
                score(
                        "segment_and_alive_known",
                        test,
                        (i, r) -> argmax(byGroup.getOrDefault(r.group(), zeros()), r.allowed())));
        Standardizer z = new Standardizer(train);
        double[][] onTruth = fitOnTruth(train, test, z, false);
        scores.add(score("fitted_on_truth", test, (i, r) -> argmax(onTruth[i], r.allowed())));
        double[][] without = fitOnTruth(train, test, z, true);
        scores.add(
                score(
                        "fitted_on_truth_without_engagement",
                        test,
                        (i, r) -> argmax(without[i], r.allowed())));
        DqnLearner dqn = dqn(train, false);
        double[][] q = dqn.qValues(states(test));
        scores.add(score("dqn", test, (i, r) -> argmax(q[i], r.allowed())));
        double[][] qPerfect = dqn(train, true).qValues(states(test));
        scores.add(score("dqn_perfect_baseline", test, (i, r) -> argmax(qPerfect[i], r.allowed())));

        double squares = 0;
        double residual = 0;
        for (Row r : train) {
            squares += r.reward() * r.reward();
            residual += Math.pow(r.reward() - r.perfectBaseline(), 2);
        }
        return new Result(
                train.size(),
                test.size(),
                Math.sqrt(squares / train.size()),
                Math.sqrt(residual / train.size()),
                dqn.updates(),
                scores,
                uplifts(train));
    }

    /** Realized uplift over none against the truth, per group and action, on {@code rows}. */
    private Map<String, Map<String, Uplift>> uplifts(List<Row> rows) {
        int k = catalogue.size();
        // per group and action: count, sum and sum of squares of rewards, sum of truths
        Map<String, double[][]> sums = new TreeMap<>();
        for (Row r : rows) {
            double[] c = sums.computeIfAbsent(r.group(), g -> new double[k][4])[r.action()];
            c[0]++;
            c[1] += r.reward();
            c[2] += r.reward() * r.reward();
            c[3] += r.truth()[r.action()];
        }
        Map<String, Map<String, Uplift>> out = new TreeMap<>();
        sums.forEach(
                (group, c) -> {
                    Map<String, Uplift> byAction = new LinkedHashMap<>();
                    double noneMean = c[0][1] / c[0][0];
                    double noneVar = variance(c[0]) / c[0][0];
                    for (int a = 1; a < k; a++) {
                        if (c[a][0] < 2 || c[0][0] < 2) {
                            continue;
                        }
                        byAction.put(
                                catalogue.id(a),
                                new Uplift(
                                        (int) c[a][0],
                                        c[a][1] / c[a][0] - noneMean,
                                        Math.sqrt(variance(c[a]) / c[a][0] + noneVar),
                                        c[a][3] / c[a][0]));
                    }
                    out.put(group, byAction);
                });
        return out;
    }

    /** Sample variance from count, sum and sum of squares. */
    private static double variance(double[] c) {
        double mean = c[1] / c[0];
        return Math.max(0, (c[2] - c[0] * mean * mean) / (c[0] - 1));
    }

    private double[] zeros() {
        return new double[catalogue.size()];
    }

    /** Simulates the world with uniform random actions and keeps every matured decision. */
    private List<Row> log() {
        WorldConfig clean =
                new WorldConfig(
                        world.currency(),
                        world.refundProbability(),
                        world.arrivalDays(),
                        world.segments(),
                        world.actions(),
                        new WorldConfig.BadRecords(0.0, Map.of("malformed_json", 1.0), 0.0));
        long start = rules.windowEndFor(s.start().toEpochMilli());
        Simulator sim = new Simulator(clean, s.users(), s.seed(), Instant.ofEpochMilli(start));
        long window = rules.windowMillis();
        long first = start + s.warmupWeeks() * window;
        long last = first + (s.loggedWeeks() - 1) * window;
        long horizon = s.horizonDays() * DAY;
        SplittableRandom logging = new SplittableRandom(s.seed() ^ 0x9E3779B97F4A7C15L);
        List<Row> pending = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int d = 0; sim.dayStartMillis(d) < last + horizon; d++) {
            lifecycle.simulateDay(sim, d);
            long now = sim.dayStartMillis(d + 1);
            for (Iterator<Row> it = pending.iterator(); it.hasNext(); ) {
                Row r = it.next();
                if (now >= r.t() + horizon) {
                    rows.add(r.withReward(sim.realizedProfit(r.user(), r.t(), r.t() + horizon)));
                    it.remove();
                }
            }
            if ((now - start) % window != 0) {
                continue;
            }
            List<WindowSnapshot> snapshots = lifecycle.closeWindows();
            for (WindowSnapshot w : snapshots) { // as the agent does at every window end
                histories
                        .computeIfAbsent(w.userId, u -> InterventionHistory.create(catalogue))
                        .recordWindow(catalogue, w);
            }
            if (now < first || now > last) {
                continue;
            }
            for (WindowSnapshot w : snapshots) {
                InterventionHistory h = histories.get(w.userId);
                boolean[] allowed = Constraints.allowed(catalogue, w.stage, h, now);
                double[] truth = new double[catalogue.size()];
                int count = 0;
                for (int a = 0; a < truth.length; a++) {
                    if (allowed[a]) {
                        count++;
                        truth[a] =
                                sim.expectedIncrementalProfit(
                                        w.userId, catalogue.id(a), now, s.horizonDays());
                    }
                }
                int action = uniform(allowed, count, logging);
                boolean alive = sim.isAlive(w.userId, now); // before the action's effect
                double perfect = sim.expectedValue(w.userId, now, s.horizonDays());
                double[] state = encoder.encode(w, null, h);
                sim.applyIntervention(w.userId, catalogue.id(action), now);
                h.recordSend(catalogue, action, now);
                pending.add(
                        new Row(
                                w.userId,
                                now,
                                state,
                                allowed,
                                truth,
                                action,
                                1.0 / count,
                                sim.segmentOf(w.userId),
                                alive,
                                Double.NaN,
                                perfect));
            }
        }
        return rows;
    }

    private static int uniform(boolean[] allowed, int count, SplittableRandom rnd) {
        int pick = rnd.nextInt(count);
        for (int a = 0; a < allowed.length; a++) {
            if (allowed[a] && pick-- == 0) {
                return a;
            }
        }
        throw new IllegalStateException("no allowed action");
    }

    /** Every action's truth regressed on the standardized state (MSE, all labels known). */
    private double[][] fitOnTruth(
            List<Row> train, List<Row> test, Standardizer z, boolean withoutEngagement) {
        int n = encoder.size();
        int k = catalogue.size();
        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(s.seed())
                        .updater(new Adam(1e-3))
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(
                                new DenseLayer.Builder()
                                        .nIn(n)
                                        .nOut(64)
                                        .activation(Activation.RELU)
                                        .build())
                        .layer(
                                new DenseLayer.Builder()
                                        .nIn(64)
                                        .nOut(64)
                                        .activation(Activation.RELU)
                                        .build())
                        .layer(
                                new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                        .nIn(64)
                                        .nOut(k)
                                        .activation(Activation.IDENTITY)
                                        .build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // standardized once; every epoch walks the same rows in the same batches
        INDArray x = z.matrix(train, withoutEngagement);
        float[] labels = new float[train.size() * k];
        for (int i = 0; i < train.size(); i++) {
            for (int a = 0; a < k; a++) {
                Row r = train.get(i);
                labels[i * k + a] = r.allowed()[a] ? (float) r.truth()[a] : 0;
            }
        }
        INDArray y = Nd4j.create(labels, new long[] {train.size(), k});
        int batch = 256;
        for (int e = 0; e < s.epochs(); e++) {
            for (int from = 0; from < train.size(); from += batch) {
                INDArrayIndex rows =
                        NDArrayIndex.interval(from, Math.min(train.size(), from + batch));
                net.fit(x.get(rows, NDArrayIndex.all()), y.get(rows, NDArrayIndex.all()));
            }
        }
        INDArray out = net.output(z.matrix(test, withoutEngagement));
        double[][] scores = new double[test.size()][k];
        for (int i = 0; i < test.size(); i++) {
            for (int a = 0; a < k; a++) {
                scores[i][a] = out.getDouble(i, a);
            }
        }
        return scores;
    }

    /** The job's learner fed the training half's transitions in decision-time order. */
    private DqnLearner dqn(List<Row> train, boolean perfectBaseline) {
        DqnLearner learner = new DqnLearner(s.dqn(), encoder.size(), catalogue.size());
        List<Row> ordered = new ArrayList<>(train);
        ordered.sort(Comparator.comparingLong(Row::t));
        for (Row r : ordered) {
            double reward = perfectBaseline ? r.reward() - r.perfectBaseline() : r.reward();
            learner.add(
                    new Transition(
                            r.state(),
                            r.action(),
                            reward,
                            null,
                            true,
                            r.propensity(),
                            0,
                            Decision.idOf(r.user(), r.t())));
            learner.train(Integer.MAX_VALUE);
        }
        return learner;
    }

    private static double[][] states(List<Row> rows) {
        double[][] x = new double[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows.get(i).state();
        }
        return x;
    }

    /** A policy scored on the evaluation half: the action for row {@code i}. */
    private interface Policy {
        int choose(int i, Row r);
    }

    private Score score(String name, List<Row> test, Policy policy) {
        double got = 0;
        double oracle = 0;
        Map<String, double[]> groups = new TreeMap<>();
        for (int i = 0; i < test.size(); i++) {
            Row r = test.get(i);
            int a = policy.choose(i, r);
            double g = r.allowed()[a] ? r.truth()[a] : 0;
            double o = r.truth()[best(r)];
            got += g;
            oracle += o;
            double[] c = groups.computeIfAbsent(r.group(), x -> new double[2]);
            c[0] += g;
            c[1] += o;
        }
        Map<String, Double> share = new TreeMap<>();
        groups.forEach((k, v) -> share.put(k, v[1] > 0 ? v[0] / v[1] : Double.NaN));
        return new Score(name, got / test.size(), oracle > 0 ? got / oracle : Double.NaN, share);
    }

    private static int best(Row r) {
        return argmax(r.truth(), r.allowed());
    }

    /** The best allowed action by {@code v}; none (0) is always allowed. */
    private static int argmax(double[] v, boolean[] allowed) {
        int best = 0;
        for (int a = 1; a < v.length; a++) {
            if (allowed[a] && v[a] > v[best]) {
                best = a;
            }
        }
        return best;
    }

    /** Standardizes states by the training half's means and deviations. */
    private final class Standardizer {
        final double[] mean;
        final double[] sd;
        final int engagement = encoder.names().indexOf("sessions_per_week");

        Standardizer(List<Row> train) {
            int n = encoder.size();
            mean = new double[n];
            sd = new double[n];
            for (Row r : train) {
                for (int i = 0; i < n; i++) {
                    mean[i] += r.state()[i] / train.size();
                }
            }
            for (Row r : train) {
                for (int i = 0; i < n; i++) {
                    sd[i] += Math.pow(r.state()[i] - mean[i], 2) / train.size();
                }
            }
            for (int i = 0; i < n; i++) {
                sd[i] = Math.max(1e-6, Math.sqrt(sd[i]));
            }
        }

        INDArray matrix(List<Row> rows, boolean withoutEngagement) {
            int n = encoder.size();
            float[] x = new float[rows.size() * n];
            for (int r = 0; r < rows.size(); r++) {
                double[] st = rows.get(r).state();
                for (int i = 0; i < n; i++) {
                    boolean dropped =
                            withoutEngagement
                                    && i >= engagement
                                    && i < engagement + ENGAGEMENT_FIELDS;
                    x[r * n + i] = dropped ? 0 : (float) ((st[i] - mean[i]) / sd[i]);
                }
            }
            return Nd4j.create(x, new long[] {rows.size(), n});
        }
    }
}
