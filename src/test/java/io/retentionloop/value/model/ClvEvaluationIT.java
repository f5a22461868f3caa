package io.retentionloop.value.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.data.TransactionFormat;
import io.retentionloop.value.data.TransactionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The value model's bar on real data (CDNOW, ../shared/data): the DL4J model against the
 * customer-base baselines, under both protocols, with the same code {@code evaluate-clv} runs.
 */
class ClvEvaluationIT {
    static final Path SAMPLE = Path.of("../shared/data/cdnow/CDNOW_sample.txt");
    static final Path MASTER = Path.of("../shared/data/cdnow/CDNOW_master.txt");
    static final LocalDate CAL_END = LocalDate.parse("1997-09-30");
    static final LocalDate HOLDOUT_END = LocalDate.parse("1998-06-30");

    @Test
    void temporalProtocolOnTheSampleBeatsBgNbdAndNaiveOnMae(@TempDir Path out) throws Exception {
        ClvEvaluation.Result r =
                ClvEvaluation.run(
                        TransactionReader.read(SAMPLE, TransactionFormat.CDNOW_SAMPLE),
                        new ClvEvaluation.Settings(
                                CAL_END,
                                HOLDOUT_END,
                                ClvEvaluation.Protocol.TEMPORAL,
                                42,
                                ClvTrainer.Options.defaults(),
                                7));
        Map<String, Double> dl4j = r.metrics().get("dl4j");
        Map<String, Double> bg = r.metrics().get("bgnbd");
        // the published anchors come out of the same run
        assertThat(bg.get("mae")).isCloseTo(0.785, org.assertj.core.data.Offset.offset(0.001));
        assertThat(bg.get("holdout_total"))
                .isCloseTo(1653, org.assertj.core.data.Offset.offset(1.0));
        assertThat(r.metrics().get("naive").get("mae"))
                .isCloseTo(1.024, org.assertj.core.data.Offset.offset(0.001));
        assertThat(dl4j.get("actual_total")).isEqualTo(1882);
        assertThat(dl4j.get("mae")).isLessThan(bg.get("mae"));
        // the holdout total: within 15% (BG/NBD is 12% under; the 5% bar is not met, see README)
        assertThat(dl4j.get("holdout_total") / 1882).isBetween(0.85, 1.05);

        ClvReport.write(r, SAMPLE.toString(), out);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String model : new String[] {"dl4j", "bgnbd", "naive"}) {
            for (String key :
                    new String[] {
                        "holdout_total",
                        "actual_total",
                        "mae",
                        "rmse",
                        "spearman_spend",
                        "gini_spend",
                        "decile_mape",
                        "auc"
                    }) {
                assertThat(report.at("/models/" + model + "/" + key).isNumber())
                        .as("%s.%s", model, key)
                        .isTrue();
            }
        }
        assertThat(report.at("/bgnbd_parameters/r").asDouble())
                .isCloseTo(0.2426, org.assertj.core.data.Offset.offset(0.0001));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "Gain curve", "Cumulative repeat transactions", "decile");
    }

    @Test
    void crossSectionalProtocolOnTheMasterBeatsBgNbdOnSpendRanking() throws Exception {
        ClvEvaluation.Result r =
                ClvEvaluation.run(
                        TransactionReader.read(MASTER, TransactionFormat.CDNOW_MASTER),
                        new ClvEvaluation.Settings(
                                CAL_END,
                                HOLDOUT_END,
                                ClvEvaluation.Protocol.CROSS_SECTIONAL,
                                42,
                                ClvTrainer.Options.defaults(),
                                56));
        Map<String, Double> dl4j = r.metrics().get("dl4j");
        Map<String, Double> bg = r.metrics().get("bgnbd");
        assertThat(dl4j.get("spearman_spend")).isGreaterThan(bg.get("spearman_spend"));
        assertThat(dl4j.get("gini_spend")).isGreaterThan(bg.get("gini_spend"));
        assertThat(dl4j.get("decile_mape")).isLessThan(bg.get("decile_mape"));
    }
}
