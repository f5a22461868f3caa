package io.retentionloop.value.model;

import io.retentionloop.events.Event;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.value.baseline.BgNbd;
import io.retentionloop.value.baseline.GammaGamma;
import io.retentionloop.value.data.CustomerSummary;
import io.retentionloop.value.data.Transaction;
import io.retentionloop.value.eval.Metrics;
import io.retentionloop.value.eval.Protocols;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the two evaluation protocols of the value model against the customer-base baselines on a
 * transactions history: the BTYD temporal protocol (fit on the calibration period only, predict
 * every customer's holdout) and the ZILN cross-sectional one (80/20 customers; train on 80% with
 * their holdout labels, predict the other 20%).
 */
public final class ClvEvaluation {
    static final long DAY = 86_400_000L;

    /** The two protocols. */
    public enum Protocol {
        TEMPORAL,
        CROSS_SECTIONAL;

        /** The name on the command line and in the reports: "temporal", "cross-sectional". */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What to evaluate. */
    public record Settings(
            LocalDate calibrationEnd,
            LocalDate holdoutEnd,
            Protocol protocol,
            long seed,
            ClvTrainer.Options trainer,
            int cutoffStepDays) {}

    /** One model's predictions for the evaluated customers, in their order. */
    public record Predictions(
            double[] transactions, double[] spend, double[] purchaseProbability) {}

    /** Everything the report needs. */
    public record Result(
            Settings settings,
            List<CustomerSummary> customers,
            Map<String, Predictions> predictions,
            Map<String, Map<String, Double>> metrics,
            BgNbd bgnbd,
            GammaGamma gammaGamma,
            ClvModel model,
            Map<String, double[]> cumulativeByWeek,
            double holdoutWeeks) {}

    private ClvEvaluation() {}

    /**
     * Fails before any training when the periods cannot be evaluated: a holdout that does not
     * follow the calibration, or a calibration or holdout period without a purchase.
     */
    static void checkPeriods(
            List<Transaction> transactions, Settings s, long cutoff, long holdoutEnd) {
        if (!s.holdoutEnd().isAfter(s.calibrationEnd())) {
            throw new IllegalArgumentException(
                    "--holdout-end "
                            + s.holdoutEnd()
                            + " must be after --calibration-end "
                            + s.calibrationEnd());
        }
        long calibration = transactions.stream().filter(t -> t.timestamp() < cutoff).count();
        long holdout =
                transactions.stream()
                        .filter(t -> t.timestamp() >= cutoff && t.timestamp() < holdoutEnd)
                        .count();
        if (calibration == 0 || holdout == 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "no purchases %s: %d on or before %s, %d from %s to %s (the"
                                    + " transactions run from %s to %s)",
                            calibration == 0 ? "to calibrate on" : "in the holdout",
                            calibration,
                            s.calibrationEnd(),
                            holdout,
                            s.calibrationEnd().plusDays(1),
                            s.holdoutEnd(),
                            day(transactions.stream().mapToLong(Transaction::timestamp).min()),
                            day(transactions.stream().mapToLong(Transaction::timestamp).max())));
        }
    }

    private static String day(java.util.OptionalLong t) {
        return t.isPresent()
                ? java.time.Instant.ofEpochMilli(t.getAsLong()).toString().substring(0, 10)
                : "-";
    }

    public static Result run(List<Transaction> transactions, Settings s) {
        long cutoff = s.calibrationEnd().plusDays(1).toEpochDay() * DAY;
        long holdoutEnd = s.holdoutEnd().plusDays(1).toEpochDay() * DAY;
        checkPeriods(transactions, s, cutoff, holdoutEnd);
        double holdoutWeeks = (holdoutEnd - cutoff) / (7.0 * DAY);
        List<CustomerSummary> all =
                Protocols.temporal(transactions, s.calibrationEnd(), s.holdoutEnd());
        List<CustomerSummary> fit;
        List<CustomerSummary> eval;
        if (s.protocol() == Protocol.TEMPORAL) {
            fit = all;
            eval = all;
        } else {
            fit = new ArrayList<>();
            eval = new ArrayList<>();
            for (CustomerSummary c : all) {
                (Protocols.isTest(c.userId(), s.seed()) ? eval : fit).add(c);
            }
        }
        Map<String, List<Event>> history = ClvTraining.purchaseHistory(transactions);
        UserLifecycle lifecycle = new UserLifecycle(offlineRules(cutoff));

        // baselines, fit on calibration data of the fitting customers only
        BgNbd bg = BgNbd.fit(fit);
        GammaGamma gg = GammaGamma.fit(fit);
        Map<String, Predictions> predictions = new LinkedHashMap<>();
        int n = eval.size();
        double[] bgTx = new double[n];
        double[] bgSpend = new double[n];
        double[] bgP = new double[n];
        double[] naiveTx = new double[n];
        double[] naiveSpend = new double[n];
        double[] naiveP = new double[n];
        for (int i = 0; i < n; i++) {
            CustomerSummary c = eval.get(i);
            bgTx[i] =
                    bg.expectedTransactions(
                            holdoutWeeks,
                            c.repeatPurchaseDays(),
                            c.purchaseSpanWeeks(),
                            c.customerAgeWeeks());
            bgSpend[i] = bgTx[i] * c.meanCalibrationSpend();
            bgP[i] =
                    bg.probabilityOfPurchase(
                            holdoutWeeks,
                            c.repeatPurchaseDays(),
                            c.purchaseSpanWeeks(),
                            c.customerAgeWeeks());
            naiveTx[i] =
                    c.customerAgeWeeks() > 0
                            ? c.repeatPurchaseDays() / c.customerAgeWeeks() * holdoutWeeks
                            : 0;
            naiveSpend[i] = naiveTx[i] * c.meanCalibrationSpend();
            naiveP[i] = -Math.expm1(-naiveTx[i]);
        }

        // the DL4J model, trained on examples replayed through the streaming lifecycle code
        List<Example> train = trainingExamples(history, lifecycle, fit, cutoff, holdoutEnd, s);
        ClvModel model =
                new ClvTrainer(s.trainer())
                        .train(train, holdoutWeeks * 7, ClvTraining.fingerprint(transactions));
        List<Example> evalExamples =
                TrainingExamples.build(
                        subset(history, eval), lifecycle, List.of(cutoff), c -> holdoutEnd);
        Map<String, double[]> featuresByUser = new HashMap<>();
        evalExamples.forEach(e -> featuresByUser.put(e.userId(), e.features()));
        List<double[]> x = new ArrayList<>();
        for (CustomerSummary c : eval) {
            x.add(featuresByUser.get(c.userId()));
        }
        ValuePrediction[] p = model.predict(x, holdoutWeeks * 7);
        double[] dlTx = new double[n];
        double[] dlSpend = new double[n];
        double[] dlP = new double[n];
        for (int i = 0; i < n; i++) {
            dlTx[i] = p[i].expectedPurchases();
            dlSpend[i] = p[i].expectedSpend();
            dlP[i] = p[i].purchaseProbability();
        }
        double[] ggSpend = new double[n];
        for (int i = 0; i < n; i++) {
            CustomerSummary c = eval.get(i);
            ggSpend[i] =
                    bgTx[i]
                            * (c.repeatPurchaseDays() > 0
                                    ? gg.expectedSpend(c.repeatPurchaseDays(), c.meanRepeatSpend())
                                    : c.firstDaySpend());
        }
        predictions.put("dl4j", new Predictions(dlTx, dlSpend, dlP));
        predictions.put("bgnbd", new Predictions(bgTx, bgSpend, bgP));
        predictions.put("bgnbd_gamma_gamma", new Predictions(bgTx, ggSpend, bgP));
        predictions.put("naive", new Predictions(naiveTx, naiveSpend, naiveP));

        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        predictions.forEach((name, pr) -> metrics.put(name, metrics(pr, eval)));
        model.metadata().metrics().putAll(metrics.get("dl4j"));

        Map<String, double[]> cumulative =
                cumulative(eval, x, model, bg, holdoutWeeks, history, cutoff);
        return new Result(s, eval, predictions, metrics, bg, gg, model, cumulative, holdoutWeeks);
    }

    /** The metrics of the report, for one model. */
    static Map<String, Double> metrics(Predictions p, List<CustomerSummary> eval) {
        int n = eval.size();
        double[] tx = new double[n];
        double[] spend = new double[n];
        boolean[] any = new boolean[n];
        for (int i = 0; i < n; i++) {
            tx[i] = eval.get(i).holdoutPurchaseDays();
            spend[i] = eval.get(i).holdoutSpend();
            any[i] = tx[i] > 0;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("holdout_total", sum(p.transactions()));
        m.put("actual_total", sum(tx));
        m.put("mae", Metrics.mae(p.transactions(), tx));
        m.put("rmse", Metrics.rmse(p.transactions(), tx));
        m.put("spend_total", sum(p.spend()));
        m.put("actual_spend_total", sum(spend));
        m.put("spearman_spend", Metrics.spearman(p.spend(), spend));
        m.put("gini_spend", Metrics.normalizedGini(p.spend(), spend));
        m.put("decile_mape", Metrics.decileMape(p.spend(), spend));
        m.put("auc", Metrics.auc(p.purchaseProbability(), any));
        return m;
    }

    private static List<Example> trainingExamples(
            Map<String, List<Event>> history,
            UserLifecycle lifecycle,
            List<CustomerSummary> fit,
            long cutoff,
            long holdoutEnd,
            Settings s) {
        Map<String, List<Event>> mine = subset(history, fit);
        long first = Long.MAX_VALUE;
        for (List<Event> events : mine.values()) {
            first = Math.min(first, events.get(0).eventTime);
        }
        long step = s.cutoffStepDays() * DAY;
        List<Long> cutoffs = new ArrayList<>();
        if (s.protocol() == Protocol.TEMPORAL) {
            // only calibration data: label windows end at the calibration cut-off
            for (long c = cutoff - step; c > first + 4 * 7 * DAY; c -= step) {
                cutoffs.add(c);
            }
            return TrainingExamples.build(mine, lifecycle, cutoffs, c -> cutoff);
        }
        // cross-sectional: the training customers' whole history, label windows of the horizon
        long horizon = holdoutEnd - cutoff;
        for (long c = cutoff; c > first + 4 * 7 * DAY; c -= step) {
            cutoffs.add(c);
        }
        return TrainingExamples.build(
                mine, lifecycle, cutoffs, c -> Math.min(c + horizon, holdoutEnd));
    }

    /** Cumulative holdout transactions by week: actual and each model's expectation. */
    private static Map<String, double[]> cumulative(
            List<CustomerSummary> eval,
            List<double[]> x,
            ClvModel model,
            BgNbd bg,
            double holdoutWeeks,
            Map<String, List<Event>> history,
            long cutoff) {
        int weeks = (int) Math.ceil(holdoutWeeks);
        double[] actual = new double[weeks];
        double[] bgC = new double[weeks];
        double[] dlC = new double[weeks];
        for (int w = 1; w <= weeks; w++) {
            long until = cutoff + w * 7 * DAY;
            for (CustomerSummary c : eval) {
                for (Event e : history.get(c.userId())) {
                    if (e.eventTime >= cutoff && e.eventTime < until) {
                        actual[w - 1]++;
                    }
                }
                bgC[w - 1] +=
                        bg.expectedTransactions(
                                w,
                                c.repeatPurchaseDays(),
                                c.purchaseSpanWeeks(),
                                c.customerAgeWeeks());
            }
            for (ValuePrediction p : model.predict(x, w * 7.0)) {
                dlC[w - 1] += p.expectedPurchases();
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("actual", actual);
        out.put("dl4j", dlC);
        out.put("bgnbd", bgC);
        return out;
    }

    /**
     * Weekly windows ending exactly at the calibration cut-off, and no expiry within the data (an
     * evaluation must score every customer).
     */
    static LifecycleRules offlineRules(long cutoff) {
        LifecycleRules d = LifecycleRules.DEFAULTS;
        long week = d.windowMillis();
        return new LifecycleRules(
                d.window(),
                Duration.ofMillis(Math.floorMod(cutoff, week)),
                d.atRiskAfter(),
                d.lapsedAfter(),
                Duration.ofDays(3650),
                d.allowedLateness(),
                d.dedupRetention(),
                Duration.ofDays(7300));
    }

    private static Map<String, List<Event>> subset(
            Map<String, List<Event>> history, List<CustomerSummary> customers) {
        Map<String, List<Event>> out = new TreeMap<>();
        for (CustomerSummary c : customers) {
            out.put(c.userId(), history.get(c.userId()));
        }
        return out;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
