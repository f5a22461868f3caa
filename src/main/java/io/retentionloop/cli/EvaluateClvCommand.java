package io.retentionloop.cli;

import io.retentionloop.job.Home;
import io.retentionloop.value.data.Transaction;
import io.retentionloop.value.model.ClvEvaluation;
import io.retentionloop.value.model.ClvReport;
import io.retentionloop.value.model.ClvTrainer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates the value model against BG/NBD, Gamma-Gamma and the naive model on history. */
@Command(
        name = "evaluate-clv",
        mixinStandardHelpOptions = true,
        description = {
            "Train the DL4J value model and the customer-base baselines (BG/NBD, Gamma-Gamma,"
                    + " naive rate) on a transactions history and compare them.",
            "temporal: fit on the calibration period only, predict every customer's holdout"
                    + " (the BTYD protocol). cross-sectional: split customers 80/20 by --seed,"
                    + " train on 80%% (with their holdout labels), predict the other 20%% (the ZILN"
                    + " protocol).",
            "Writes OUT/report.json and OUT/report.html."
        })
final class EvaluateClvCommand implements Callable<Integer> {
    @Option(
            names = "--transactions",
            required = true,
            paramLabel = "FILE",
            description = "Transactions file.")
    Path transactions;

    @Mixin TransactionFileOptions file;

    @Option(
            names = "--calibration-end",
            required = true,
            description = "Last calibration day, e.g. 1997-09-30.")
    LocalDate calibrationEnd;

    @Option(
            names = "--holdout-end",
            required = true,
            description = "Last holdout day, e.g. 1998-06-30.")
    LocalDate holdoutEnd;

    @Option(
            names = "--protocol",
            defaultValue = "temporal",
            description = "temporal or cross-sectional (default ${DEFAULT-VALUE}).")
    String protocol;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Split and training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--cutoff-step-days",
            description =
                    "Days between training cut-offs (default 7 temporal, 28 cross-sectional).")
    Integer cutoffStep;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/clv-evaluation",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--save-model",
            paramLabel = "FILE",
            description = "Also save the trained DL4J model here.")
    Path saveModel;

    /** What to evaluate, as the options say. */
    ClvEvaluation.Settings settings() {
        ClvEvaluation.Protocol p =
                switch (protocol) {
                    case "temporal" -> ClvEvaluation.Protocol.TEMPORAL;
                    case "cross-sectional" -> ClvEvaluation.Protocol.CROSS_SECTIONAL;
                    default ->
                            throw new IllegalArgumentException(
                                    "--protocol must be temporal or cross-sectional, was "
                                            + protocol);
                };
        int step = cutoffStep != null ? cutoffStep : p == ClvEvaluation.Protocol.TEMPORAL ? 7 : 28;
        return new ClvEvaluation.Settings(
                calibrationEnd,
                holdoutEnd,
                p,
                seed,
                ClvTrainer.Options.defaults().withSeed(seed),
                step);
    }

    @Override
    public Integer call() throws Exception {
        ClvEvaluation.Settings settings = settings();
        List<Transaction> tx = file.read(transactions);
        System.out.printf(
                "evaluating on %,d transactions from %s (%s)%n", tx.size(), transactions, protocol);
        ClvEvaluation.Result r = ClvEvaluation.run(tx, settings);
        ClvReport.write(r, transactions.toString(), out);
        System.out.printf(
                "%-18s %10s %10s %7s %7s %9s %7s %8s %6s%n",
                "model",
                "predicted",
                "actual",
                "mae",
                "rmse",
                "spearman",
                "gini",
                "dec.mape",
                "auc");
        for (Map.Entry<String, Map<String, Double>> e : r.metrics().entrySet()) {
            Map<String, Double> m = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "%-18s %10.1f %10.0f %7.3f %7.3f %9.3f %7.3f %8.3f %6.3f%n",
                    e.getKey(),
                    m.get("holdout_total"),
                    m.get("actual_total"),
                    m.get("mae"),
                    m.get("rmse"),
                    m.get("spearman_spend"),
                    m.get("gini_spend"),
                    m.get("decile_mape"),
                    m.get("auc"));
        }
        System.out.printf(
                Locale.ROOT,
                "BG/NBD r %.4f alpha %.4f a %.4f b %.4f%n",
                r.bgnbd().r(),
                r.bgnbd().alpha(),
                r.bgnbd().a(),
                r.bgnbd().b());
        if (saveModel != null) {
            r.model().save(saveModel);
            System.out.println("model saved to " + saveModel);
        }
        System.out.println(
                "report: " + out.resolve("report.json") + ", " + out.resolve("report.html"));
        return 0;
    }
}
