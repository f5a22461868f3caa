package io.retentionloop.learner.ope;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.learner.ope.Hillstrom.Arm;
import io.retentionloop.learner.ope.Hillstrom.Customer;
import io.retentionloop.learner.ope.Hillstrom.Reward;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Off-policy evaluation on the Hillstrom experiment: (a) every fixed-arm policy's estimate against
 * that arm's actual mean on all customers, (b) targeting policies trained on a seeded random part
 * of the customers and evaluated on the rest against every fixed arm and the uniformly random
 * policy, with paired bootstrap differences.
 */
public final class HillstromExperiment {
    /** Report keys. */
    public static final String FULL_DATA = "fixed_arms_all_customers";

    public static final String POLICIES = "policies";
    public static final String COMPARISONS = "comparisons";

    /**
     * @param reward spend (minus the e-mail cost) or visit
     * @param emailCost dollars per e-mail sent, subtracted from spend for the e-mail arms
     * @param seed seed of the train/evaluation split and of the trainers
     * @param trainFraction share of customers used for training (the rest is evaluated on)
     * @param bootstrap replicates, confidence and seed of the intervals
     * @param ridgeLambda penalty of DR's reward model
     */
    public record Settings(
            Reward reward,
            double emailCost,
            long seed,
            double trainFraction,
            Bootstrap bootstrap,
            double ridgeLambda) {
        public Settings {
            if (!(trainFraction > 0 && trainFraction < 1)) {
                throw new IllegalArgumentException("train fraction must be in (0, 1)");
            }
            if (!(emailCost >= 0)) {
                throw new IllegalArgumentException("e-mail cost must be >= 0");
            }
        }
    }

    private HillstromExperiment() {}

    /** Name of the fixed-arm policy in reports, e.g. "fixed:Mens E-Mail". */
    public static String fixedName(Arm arm) {
        return "fixed:" + arm.label();
    }

    /** The uniformly random policy's name in reports. */
    public static final String UNIFORM = "uniform";

    /**
     * Runs the evaluation. {@code trainers} maps a policy name (e.g. "dqn") to how it is trained;
     * it may be empty (then only the fixed arms and the random policy are evaluated).
     */
    public static OpeReport run(
            List<Customer> customers, Settings s, Map<String, TargetingTrainer> trainers) {
        List<OffPolicyEstimator> estimators =
                List.of(
                        new Ips(s.bootstrap()),
                        new Snips(s.bootstrap()),
                        new DoublyRobust(
                                new RidgeRewardModel(s.ridgeLambda(), 2, s.seed()), s.bootstrap()));
        OpeReport report =
                new OpeReport(
                        String.format(
                                Locale.ROOT,
                                "Hillstrom e-mail experiment, reward %s%s",
                                s.reward().name().toLowerCase(Locale.ROOT),
                                s.reward() == Reward.SPEND
                                        ? String.format(
                                                Locale.ROOT, " − $%.2f per e-mail", s.emailCost())
                                        : ""));
        ObjectNode json = report.json();
        json.put("dataset", "hillstrom");
        json.put("reward", s.reward().name().toLowerCase(Locale.ROOT));
        json.put("email_cost", s.reward() == Reward.SPEND ? s.emailCost() : 0);
        json.put("seed", s.seed());
        json.put("train_fraction", s.trainFraction());
        json.put("bootstrap_replicates", s.bootstrap().replicates());
        json.put("confidence", s.bootstrap().confidence());
        json.put("propensity", Hillstrom.PROPENSITY);
        json.put(
                "dr_reward_model",
                "per-arm ridge, lambda " + s.ridgeLambda() + ", 2-fold cross-fit");
        json.put("customers", customers.size());
        Hillstrom.FEATURES.forEach(json.putArray("context_features")::add);

        // (a) fixed arms on all customers: the estimates must cover each arm's actual mean
        double[] actualAll = Hillstrom.armMeans(customers, s.reward(), s.emailCost());
        List<LoggedDecision> all = Hillstrom.decisions(customers, s.reward(), s.emailCost());
        OpeReport.Section full =
                report.values(FULL_DATA, "Fixed arms on all customers vs the arm's actual mean");
        Map<String, double[][]> fixedAll = new LinkedHashMap<>();
        for (Arm arm : Arm.values()) {
            fixedAll.put(
                    fixedName(arm),
                    TargetProbabilities.of(Policy.fixed(arm.ordinal(), Hillstrom.ARMS), all));
            full.reference(fixedName(arm), actualAll[arm.ordinal()]);
        }
        OffPolicyEstimator.estimateAll(estimators, fixedAll, all).forEach(full::add);

        // (b) split, train, evaluate on the held-out part
        List<Customer> train = new ArrayList<>();
        List<Customer> eval = new ArrayList<>();
        split(customers, s.trainFraction(), s.seed(), train, eval);
        json.put("train_customers", train.size());
        json.put("eval_customers", eval.size());
        double[] actualTrain = Hillstrom.armMeans(train, s.reward(), s.emailCost());
        double[] actualEval = Hillstrom.armMeans(eval, s.reward(), s.emailCost());
        // the reward's mean per arm in each part, plus the raw outcomes (as in data/README.md)
        double[] spend = Hillstrom.armMeans(customers, Reward.SPEND, 0);
        double[] visit = Hillstrom.armMeans(customers, Reward.VISIT, 0);
        ObjectNode means = json.putObject("actual_arm_means");
        for (Arm arm : Arm.values()) {
            ObjectNode m = means.putObject(arm.label());
            m.put("all", actualAll[arm.ordinal()]);
            m.put("train", actualTrain[arm.ordinal()]);
            m.put("eval", actualEval[arm.ordinal()]);
            m.put("customers", customers.stream().filter(c -> c.arm() == arm).count());
            m.put("spend_all", spend[arm.ordinal()]);
            m.put("visit_all", visit[arm.ordinal()]);
        }
        Arm bestOnTrain = Arm.NO_EMAIL;
        for (Arm arm : Arm.values()) {
            if (actualTrain[arm.ordinal()] > actualTrain[bestOnTrain.ordinal()]) {
                bestOnTrain = arm;
            }
        }
        json.put("best_fixed_arm_on_train", bestOnTrain.label());

        List<LoggedDecision> trainLogs = Hillstrom.decisions(train, s.reward(), s.emailCost());
        List<LoggedDecision> evalLogs = Hillstrom.decisions(eval, s.reward(), s.emailCost());
        Map<String, double[][]> baselines = new LinkedHashMap<>();
        for (Arm arm : Arm.values()) {
            baselines.put(
                    fixedName(arm),
                    TargetProbabilities.of(Policy.fixed(arm.ordinal(), Hillstrom.ARMS), evalLogs));
        }
        baselines.put(UNIFORM, TargetProbabilities.of(Policy.uniform(Hillstrom.ARMS), evalLogs));

        OpeReport.Section values =
                report.values(
                        POLICIES,
                        "Policy values on the held-out customers (actual = arm mean there)");
        OffPolicyEstimator.estimateAll(estimators, baselines, evalLogs).forEach(values::add);
        for (Arm arm : Arm.values()) {
            values.reference(fixedName(arm), actualEval[arm.ordinal()]);
        }

        OpeReport.Section diffs =
                report.differences(
                        COMPARISONS,
                        "Learned policy − baseline on the held-out customers (paired)");
        ObjectNode shares = json.putObject("learned_action_share");
        ObjectNode seconds = json.putObject("training_seconds");
        for (Map.Entry<String, TargetingTrainer> t : trainers.entrySet()) {
            long started = System.nanoTime();
            Policy learned = t.getValue().train(trainLogs, Hillstrom.ARMS, s.seed());
            seconds.put(t.getKey(), Math.round((System.nanoTime() - started) / 1e7) / 100.0);
            double[][] pi = TargetProbabilities.of(learned, evalLogs);
            OffPolicyEstimator.estimateAll(estimators, Map.of(t.getKey(), pi), evalLogs)
                    .forEach(values::add);
            ObjectNode share = shares.putObject(t.getKey());
            double[] sh = actionShare(pi);
            for (Arm arm : Arm.values()) {
                share.put(arm.label(), sh[arm.ordinal()]);
            }
            for (Map.Entry<String, double[][]> b : baselines.entrySet()) {
                Map<String, Estimate> byEstimator = new LinkedHashMap<>();
                for (OffPolicyEstimator e : estimators) {
                    byEstimator.put(e.name(), e.compare(pi, b.getValue(), evalLogs));
                }
                diffs.add(t.getKey() + " − " + b.getKey(), byEstimator);
            }
            String vsBest = t.getKey() + " − " + fixedName(bestOnTrain);
            Estimate dr = diffs.rows().get(vsBest).get("DR");
            report.addNote(
                    String.format(
                            Locale.ROOT,
                            "%s vs the best fixed arm on the training part (%s): DR difference"
                                    + " %+.4f, %.0f%% CI [%+.4f, %+.4f] — %s.",
                            t.getKey(),
                            bestOnTrain.label(),
                            dr.estimate(),
                            dr.confidence() * 100,
                            dr.ciLow(),
                            dr.ciHigh(),
                            switch (OpeReport.verdict(dr)) {
                                case "better" -> "better, the interval excludes 0";
                                case "worse" -> "worse, the interval excludes 0";
                                default -> "the interval includes 0: not separated";
                            }));
        }
        return report;
    }

    /** Seeded random split into {@code train} (share {@code fraction}) and {@code eval}. */
    static void split(
            List<Customer> customers,
            double fraction,
            long seed,
            List<Customer> train,
            List<Customer> eval) {
        int n = customers.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTrain = (int) Math.round(n * fraction);
        boolean[] isTrain = new boolean[n];
        for (int k = 0; k < nTrain; k++) {
            isTrain[order[k]] = true;
        }
        // keep the file order within each part
        for (int i = 0; i < n; i++) {
            (isTrain[i] ? train : eval).add(customers.get(i));
        }
    }

    /** Mean probability of each action over the rows. */
    static double[] actionShare(double[][] pi) {
        double[] share = new double[pi[0].length];
        for (double[] row : pi) {
            for (int a = 0; a < row.length; a++) {
                share[a] += row[a] / pi.length;
            }
        }
        return share;
    }
}
