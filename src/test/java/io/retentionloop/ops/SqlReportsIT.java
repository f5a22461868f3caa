package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.ControlGroup;
import io.retentionloop.agent.Decision;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.Outcome;
import io.retentionloop.agent.OutcomeJson;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventJson;
import io.retentionloop.events.EventType;
import io.retentionloop.job.JobConfig;
import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * Runs every {@code sql/*.sql} report through {@link SqlRunner} against a real Kafka broker holding
 * decisions, outcomes, events and window snapshots written with the job's own JSON writers (in
 * committed Kafka transactions, plus one aborted transaction that no report may count), and checks
 * each result against the same figures computed here in Java.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlReportsIT {
    private static final long DAY = 86_400_000L;
    private static final double CONTROL_SHARE = 0.2;
    private static final int USERS = 240;
    private static final Instant W1 = Instant.parse("2025-01-09T00:00:00Z");
    private static final Instant W2 = Instant.parse("2025-01-16T00:00:00Z");
    private static final Instant W3 = Instant.parse("2025-01-23T00:00:00Z");
    private static final double BUDGET = 50.0;

    private EmbeddedKafka kafka;
    private LocalFlink flink;
    private final ActionCatalogue catalogue = ActionCatalogue.defaults();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<ScoredWindow> snapshots = new ArrayList<>();

    /** Net revenue, purchases and buyers per (week start, arm), from the valid events. */
    private final Map<String, double[]> weekly = new TreeMap<>();

    private final Map<String, Boolean> control = new HashMap<>();
    private final Map<String, List<Row>> results = new LinkedHashMap<>();
    private Path outDir;
    private URI rest;

    @BeforeAll
    void produceAndRunEveryReport() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("sql-reports-kafka"));
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String t :
                List.of("decisions", "interventions", "outcomes", "events", "window-snapshots")) {
            topics.put(t, 2);
        }
        kafka.createTopics(topics, List.of());
        generate();
        produce();

        outDir = Files.createTempDirectory("sql-reports-out");
        // one session cluster for every report instead of a MiniCluster per query
        Configuration conf = new Configuration();
        conf.setString("rest.bind-port", "0");
        flink = LocalFlink.start(conf, 1, 4);
        rest = flink.restAddress();
        List<Path> reports;
        try (Stream<Path> s = Files.list(Path.of("sql"))) {
            reports =
                    s.filter(p -> p.toString().endsWith(".sql"))
                            .filter(p -> !p.getFileName().toString().equals("00-tables.sql"))
                            .sorted()
                            .toList();
        }
        assertThat(reports).hasSizeGreaterThanOrEqualTo(6);
        for (Path report : reports) {
            // each report on its own, after the tables, as jobs/sql.sh runs it
            SqlRunner runner = new SqlRunner();
            new CommandLine(runner)
                    .parseArgs(
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "-D",
                            "report.daily-budget=" + BUDGET,
                            "-D",
                            "execution.target=remote",
                            "-D",
                            "rest.address=" + rest.getHost(),
                            "-D",
                            "rest.port=" + rest.getPort(),
                            "--out-dir",
                            outDir.toString(),
                            "sql/00-tables.sql",
                            report.toString());
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            List<SqlRunner.Result> rs =
                    runner.printTo(
                                    new PrintStream(printed, true, StandardCharsets.UTF_8),
                                    System.err)
                            .run();
            System.out.println(printed.toString(StandardCharsets.UTF_8));
            for (int i = 0; i < rs.size(); i++) {
                results.put(report.getFileName() + "#" + i, rs.get(i).rows());
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void interventionsPerDayCountEverySentActionByDayStageAndAction() {
        Map<String, long[]> expected = new TreeMap<>();
        Map<String, Double> cost = new HashMap<>();
        for (Decision d : decisions) {
            if (!d.actionable()) {
                continue; // only actions go to the interventions topic
            }
            String key = day(d.windowEnd) + "|" + stage(d.stage) + "|" + d.actionId;
            long[] c = expected.computeIfAbsent(key, k -> new long[2]);
            c[0]++;
            c[1] += d.explored ? 1 : 0;
            cost.merge(key, d.expectedCost, Double::sum);
        }
        List<Row> rows = results.get("10-interventions-per-day.sql#0");
        Map<String, long[]> actual = new TreeMap<>();
        for (Row r : rows) {
            String key = r.getField(0) + "|" + r.getField(1) + "|" + r.getField(2);
            actual.put(key, new long[] {n(r, 3), n(r, 4)});
            assertThat(d(r, 6)).as(key).isCloseTo(cost.get(key), within(0.006));
        }
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(rows.stream().mapToLong(r -> n(r, 3)).sum())
                .isEqualTo(decisions.stream().filter(Decision::actionable).count());
    }

    @Test
    void upliftIsTreatedMeanMinusControlMeanWithNormalInterval() {
        List<Row> rows = results.get("20-uplift.sql#0");
        Map<String, Row> byArm = new HashMap<>();
        for (Row r : rows) {
            byArm.put(r.getField(0) + "|" + r.getField(1), r);
        }
        List<String> arms = new ArrayList<>(List.of("(policy)"));
        for (Outcome o : outcomes) {
            if (!o.controlGroup && !arms.contains(o.actionId)) {
                arms.add(o.actionId);
            }
        }
        assertThat(byArm).hasSize(arms.size() * 2);
        for (String metric : List.of("reward", "revenue")) {
            double[] c = stats(outcomes.stream().filter(o -> o.controlGroup).toList(), metric);
            for (String arm : arms) {
                List<Outcome> treated =
                        outcomes.stream()
                                .filter(o -> !o.controlGroup)
                                .filter(o -> arm.equals("(policy)") || o.actionId.equals(arm))
                                .toList();
                double[] t = stats(treated, metric);
                double uplift = t[1] - c[1];
                double se = Math.sqrt(t[2] / t[0] + c[2] / c[0]);
                Row r = byArm.get(arm + "|" + metric);
                String as = arm + " " + metric;
                assertThat(n(r, 2)).as(as).isEqualTo((long) t[0]);
                assertThat(n(r, 4)).as(as).isEqualTo((long) c[0]);
                assertThat(d(r, 3)).as(as).isCloseTo(t[1], within(1e-4));
                assertThat(d(r, 5)).as(as).isCloseTo(c[1], within(1e-4));
                assertThat(d(r, 6)).as(as).isCloseTo(uplift, within(1e-4));
                assertThat(d(r, 7)).as(as).isCloseTo(uplift - 1.96 * se, within(1e-4));
                assertThat(d(r, 8)).as(as).isCloseTo(uplift + 1.96 * se, within(1e-4));
            }
        }
        // coupon10 was generated with +6 reward per user over control (sd 4 and 3): the interval
        // holds the true effect and is about 2 * 1.96 * sqrt(16 / n + 9 / m) wide
        Row coupon = byArm.get("coupon10|reward");
        double width = d(coupon, 8) - d(coupon, 7);
        double theory = 2 * 1.96 * Math.sqrt(16.0 / n(coupon, 2) + 9.0 / n(coupon, 4));
        assertThat(width).isBetween(0.7 * theory, 1.3 * theory);
        assertThat(6.0).isBetween(d(coupon, 7), d(coupon, 8));
        Row none = byArm.get("none|reward");
        assertThat(0.0).isBetween(d(none, 7), d(none, 8));
    }

    @Test
    void budgetBurnComparesExpectedCostWithTheDailyBudget() {
        Map<LocalDate, double[]> expected = new TreeMap<>();
        for (Decision d : decisions) {
            double[] e = expected.computeIfAbsent(day(d.windowEnd), k -> new double[5]);
            e[0]++;
            e[1] += d.actionable() ? 1 : 0;
            e[2] += d.budgetDenied ? 1 : 0;
            e[3] += d.expectedCost;
        }
        Map<LocalDate, double[]> realized = new TreeMap<>();
        for (Outcome o : outcomes) {
            if (o.actionIndex != 0) {
                double[] e = realized.computeIfAbsent(day(o.windowEnd), k -> new double[2]);
                e[0]++;
                e[1] += o.cost;
            }
        }
        List<Row> rows = results.get("30-budget-burn.sql#0");
        assertThat(rows).hasSize(expected.size());
        for (Row r : rows) {
            LocalDate day = (LocalDate) r.getField(0);
            double[] e = expected.get(day);
            assertThat(n(r, 1)).isEqualTo((long) e[0]);
            assertThat(n(r, 2)).isEqualTo((long) e[1]);
            assertThat(n(r, 3)).isEqualTo((long) e[2]);
            assertThat(d(r, 4)).isCloseTo(e[3], within(0.006));
            assertThat(d(r, 5)).isEqualTo(BUDGET);
            assertThat(d(r, 6)).isCloseTo(100 * e[3] / BUDGET, within(0.006));
            double[] m = realized.getOrDefault(day, new double[2]);
            assertThat(n(r, 7)).as(day + " matured").isEqualTo((long) m[0]);
            if (m[0] > 0) {
                assertThat(d(r, 8)).isCloseTo(m[1], within(0.006));
            } else {
                assertThat(r.getField(8)).isNull();
            }
        }
    }

    @Test
    void policyRolloutCountsDecisionsPerVersionAndDay() {
        Map<String, Long> expected = new TreeMap<>();
        Map<LocalDate, Long> perDay = new TreeMap<>();
        for (Decision d : decisions) {
            if (!d.controlGroup) {
                expected.merge(day(d.windowEnd) + "|" + d.policyVersion, 1L, Long::sum);
                perDay.merge(day(d.windowEnd), 1L, Long::sum);
            }
        }
        Map<String, Long> actual = new TreeMap<>();
        for (Row r : results.get("40-policy-rollout.sql#0")) {
            String key = r.getField(0) + "|" + r.getField(1);
            actual.put(key, n(r, 2));
            assertThat(d(r, 3))
                    .isCloseTo(
                            100.0 * n(r, 2) / perDay.get((LocalDate) r.getField(0)), within(0.006));
        }
        assertThat(actual).isEqualTo(expected);
        // version 1 lived on the second decision day only, version 2 from then on
        List<Row> lives = results.get("40-policy-rollout.sql#1");
        assertThat(lives).hasSize(3);
        assertThat(lives.get(1).getField(0)).isEqualTo(1L);
        assertThat(lives.get(1).getField(1)).isEqualTo(day(W2.toEpochMilli()));
        assertThat(lives.get(1).getField(2)).isEqualTo(day(W2.toEpochMilli()));
        assertThat(lives.get(2).getField(1)).isEqualTo(day(W2.toEpochMilli()));
        assertThat(lives.get(2).getField(2)).isEqualTo(day(W3.toEpochMilli()));
    }

    @Test
    void revenueByGroupCountsValidEventsOncePerWeekAndArm() {
        long controlUsers = control.values().stream().filter(c -> c).count();
        Map<String, double[]> actual = new TreeMap<>();
        for (Row r : results.get("50-revenue-by-group.sql#0")) {
            String key = r.getField(0) + "|" + r.getField(1);
            actual.put(key, new double[] {n(r, 3), n(r, 4), d(r, 5)});
            assertThat(n(r, 2))
                    .isEqualTo(
                            r.getField(1).equals("control") ? controlUsers : USERS - controlUsers);
        }
        assertThat(actual.keySet()).isEqualTo(weekly.keySet());
        weekly.forEach(
                (key, e) -> {
                    assertThat(actual.get(key)[0]).as(key + " buyers").isEqualTo(e[2]);
                    assertThat(actual.get(key)[1]).as(key + " purchases").isEqualTo(e[1]);
                    assertThat(actual.get(key)[2])
                            .as(key + " revenue")
                            .isCloseTo(e[0], within(0.006));
                });
    }

    @Test
    void usersByStageCountsSnapshotsPerWindowEnd() {
        Map<String, double[]> expected = new TreeMap<>();
        for (ScoredWindow s : snapshots) {
            String key = day(s.snapshot.windowEnd) + "|" + stage(s.snapshot.stage);
            double[] e = expected.computeIfAbsent(key, k -> new double[4]);
            e[0]++;
            e[1] += s.snapshot.previousStage != s.snapshot.stage ? 1 : 0;
            e[2] += s.purchaseProbability;
            e[3] += s.expectedSpend;
        }
        Map<String, Row> actual = new TreeMap<>();
        for (Row r : results.get("60-users-by-stage.sql#0")) {
            actual.put(r.getField(0) + "|" + r.getField(1), r);
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (key, e) -> {
                    Row r = actual.get(key);
                    assertThat(n(r, 2)).isEqualTo((long) e[0]);
                    assertThat(n(r, 3)).isEqualTo((long) e[1]);
                    assertThat(d(r, 4)).isCloseTo(e[2] / e[0], within(1e-4));
                    assertThat(d(r, 6)).isCloseTo(e[3], within(0.006));
                });
    }

    @Test
    void followModeClosesDailyWindowsOnWatermarksInStreaming() throws Exception {
        // streaming over bounded topics: the end of input is a final watermark that closes every
        // window, so a windowed report is append-only and complete
        Path sql = Files.createTempFile("follow", ".sql");
        Files.writeString(
                sql,
                "SELECT CAST(window_start AS DATE) AS `day`, COUNT(*) AS interventions\n"
                        + "FROM TABLE(TUMBLE(TABLE sent, DESCRIPTOR(decided_at), INTERVAL '1' DAY))\n"
                        + "GROUP BY window_start, window_end;\n");
        SqlRunner runner = new SqlRunner();
        new CommandLine(runner)
                .parseArgs(
                        "--follow",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "-D",
                        "scan.bounded.mode=latest-offset",
                        "-D",
                        "execution.target=remote",
                        "-D",
                        "rest.address=" + rest.getHost(),
                        "-D",
                        "rest.port=" + rest.getPort(),
                        "sql/00-tables.sql",
                        sql.toString());
        List<Row> rows = runner.run().get(0).rows();
        Map<LocalDate, Long> expected = new TreeMap<>();
        decisions.stream()
                .filter(Decision::actionable)
                .forEach(d -> expected.merge(day(d.windowEnd), 1L, Long::sum));
        Map<LocalDate, Long> actual = new TreeMap<>();
        for (Row r : rows) {
            assertThat(r.getKind()).isEqualTo(org.apache.flink.types.RowKind.INSERT);
            actual.put((LocalDate) r.getField(0), n(r, 1));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void exportWritesDecisionsAndOutcomesAsCsvInOneStatementSet() throws IOException {
        List<String[]> decided = csv(outDir.resolve("decisions"));
        List<String[]> matured = csv(outDir.resolve("outcomes"));
        assertThat(decided.stream().mapToLong(l -> Long.parseLong(l[4])).sum())
                .isEqualTo(decisions.size());
        assertThat(matured.stream().mapToLong(l -> Long.parseLong(l[3])).sum())
                .isEqualTo(outcomes.size());
        double reward = outcomes.stream().mapToDouble(o -> o.reward).sum();
        assertThat(matured.stream().mapToDouble(l -> Double.parseDouble(l[7])).sum())
                .isCloseTo(reward, within(1e-6));
        assertThat(matured)
                .allSatisfy(l -> assertThat(LocalDate.parse(l[0])).isIn(day(W1), day(W2)));
    }

    // --- the data --------------------------------------------------------------------------

    private void generate() {
        Random rnd = new Random(42);
        String[] ids = catalogue.ids();
        for (int u = 0; u < USERS; u++) {
            String user = String.format(Locale.ROOT, "u%03d", u);
            control.put(
                    user,
                    ControlGroup.isControl(
                            user, CONTROL_SHARE, JobConfig.defaults().agent().controlSalt()));
        }
        assertThat(control.values().stream().filter(c -> c).count()).isBetween(30L, 70L);
        for (Instant w : List.of(W1, W2, W3)) {
            for (int u = 0; u < USERS; u++) {
                String user = String.format(Locale.ROOT, "u%03d", u);
                Decision d = new Decision();
                d.userId = user;
                d.windowEnd = w.toEpochMilli();
                d.decisionId = Decision.idOf(user, d.windowEnd);
                d.stage = LifecycleStage.values()[rnd.nextInt(LifecycleStage.values().length)];
                d.controlGroup = control.get(user);
                d.actionIndex = d.controlGroup ? 0 : rnd.nextInt(ids.length);
                d.actionId = ids[d.actionIndex];
                d.propensity = d.controlGroup ? 1.0 : 0.2 + 0.7 * rnd.nextDouble();
                d.probabilities = new double[ids.length];
                d.probabilities[d.actionIndex] = 1.0;
                d.qValues = new double[ids.length];
                d.explored = !d.controlGroup && rnd.nextInt(10) == 0;
                d.budgetDenied = !d.controlGroup && rnd.nextInt(8) == 0;
                d.policyVersion = w == W1 ? 0 : w == W2 ? 1 + rnd.nextInt(2) : 2;
                d.modelVersion = "clv-test";
                d.expectedSpend = 10 * rnd.nextDouble();
                d.expectedCost = d.actionIndex == 0 ? 0 : 0.05 + 0.25 * d.actionIndex;
                decisions.add(d);
                if (w != W3) {
                    outcomes.add(outcome(d, rnd));
                }
            }
        }
        for (Instant w : List.of(W1, W2)) {
            for (int u = 0; u < 100; u++) {
                WindowSnapshot s = new WindowSnapshot();
                s.userId = String.format(Locale.ROOT, "u%03d", u);
                s.windowEnd = w.toEpochMilli();
                s.windowStart = s.windowEnd - 7 * DAY;
                s.stage = LifecycleStage.values()[rnd.nextInt(5)];
                s.previousStage = rnd.nextInt(3) == 0 ? LifecycleStage.NEW : s.stage;
                s.features = new double[Features.SIZE];
                ScoredWindow sw = new ScoredWindow();
                sw.snapshot = s;
                sw.purchaseProbability = rnd.nextDouble();
                sw.expectedPurchases = 2 * sw.purchaseProbability;
                sw.expectedSpend = 40 * sw.purchaseProbability;
                sw.horizonDays = 28;
                sw.modelVersion = "clv-test";
                snapshots.add(sw);
            }
        }
    }

    /** Control earns 5 (sd 3) on average, coupon10 11 (sd 4), the others 5 to 8 (sd 3). */
    private Outcome outcome(Decision d, Random rnd) {
        Outcome o = new Outcome();
        o.decisionId = d.decisionId;
        o.userId = d.userId;
        o.windowEnd = d.windowEnd;
        o.maturesAt = d.windowEnd + 28 * DAY;
        o.actionId = d.actionId;
        o.actionIndex = d.actionIndex;
        o.propensity = d.propensity;
        o.policyVersion = d.policyVersion;
        o.controlGroup = d.controlGroup;
        o.cost = d.actionIndex == 0 ? 0 : 0.5 + rnd.nextDouble();
        o.refunds = rnd.nextInt(10) == 0 ? 2.0 : 0.0;
        double reward =
                d.actionId.equals("coupon10")
                        ? 11 + 4 * rnd.nextGaussian()
                        : 5 + d.actionIndex + 3 * rnd.nextGaussian();
        if (d.actionId.equals("free_shipping")) {
            reward -= 2; // 5 + 4 - 2 = 7
        }
        o.reward = reward;
        o.revenue = reward + o.cost + o.refunds;
        o.purchases = o.revenue > 0 ? 1 + rnd.nextInt(3) : 0;
        return o;
    }

    private void produce() throws Exception {
        Properties p = kafka.clientProperties();
        p.put("transactional.id", "sql-reports-it");
        p.put("enable.idempotence", "true");
        Random rnd = new Random(7);
        DecisionJson decisionJson = new DecisionJson(catalogue);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Decision d : decisions) {
                // like the job: every decision to the log, the actionable ones to marketing
                send(producer, "decisions", d.userId, d.windowEnd, decisionJson.toJson(d));
                if (d.actionable()) {
                    send(producer, "interventions", d.userId, d.windowEnd, decisionJson.toJson(d));
                }
            }
            for (Outcome o : outcomes) {
                send(producer, "outcomes", o.userId, o.maturesAt, OutcomeJson.toJson(o));
            }
            for (ScoredWindow s : snapshots) {
                send(
                        producer,
                        "window-snapshots",
                        s.snapshot.userId,
                        s.snapshot.windowEnd,
                        ScoredWindowJson.toJson(s));
            }
            produceEvents(producer, rnd);
            producer.commitTransaction();

            // a transaction that fails: read_committed readers must never see it
            producer.beginTransaction();
            for (int i = 0; i < 20; i++) {
                Decision d = decisions.get(i);
                send(producer, "decisions", d.userId, d.windowEnd, decisionJson.toJson(d));
                send(producer, "interventions", d.userId, d.windowEnd, decisionJson.toJson(d));
                send(
                        producer,
                        "outcomes",
                        d.userId,
                        d.windowEnd,
                        OutcomeJson.toJson(outcomes.get(i)));
            }
            producer.flush();
            producer.abortTransaction();
        }
    }

    /**
     * Purchases, refunds and views of 60 users over four weeks, with the kinds of input the job
     * rejects or drops (repeats, other currencies, bad JSON, unknown types, heartbeats), and the
     * three time formats; {@link #weekly} gets what the report must show.
     */
    private void produceEvents(KafkaProducer<byte[], byte[]> producer, Random rnd) {
        long start = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
        Map<String, Boolean> bought = new HashMap<>();
        int seq = 0;
        for (int u = 0; u < 60; u++) {
            String user = String.format(Locale.ROOT, "u%03d", u);
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                long t = start + (long) (rnd.nextDouble() * 28 * DAY);
                double amount = Math.round((5 + 95 * rnd.nextDouble()) * 100) / 100.0;
                Event e = new Event();
                e.eventId = "e-" + (seq++);
                e.userId = user;
                e.type = EventType.PURCHASE;
                e.eventTime = t;
                e.amount = amount;
                byte[] json = EventJson.toJson(e, "USD");
                String form = i % 3 == 0 ? "iso" : i % 3 == 1 ? "offset" : "millis";
                if (form.equals("offset")) {
                    // the same instant written in +01:00: 1 h later on the wall clock
                    String local =
                            OffsetDateTime.ofInstant(Instant.ofEpochMilli(t), ZoneOffset.ofHours(1))
                                    .toString();
                    json = replaceTime(json, t, local);
                } else if (form.equals("millis")) {
                    json = replaceTime(json, t, null);
                }
                send(producer, "events", user, t, json);
                count(user, t, 1, amount, bought);
                if (i == 0) {
                    send(producer, "events", user, t, json); // a producer retry: counted once
                }
                if (i == 1) {
                    Event r = new Event();
                    r.eventId = "e-" + (seq++);
                    r.userId = user;
                    r.type = EventType.REFUND;
                    r.eventTime = t + DAY / 2;
                    r.amount = 5.0;
                    send(producer, "events", user, r.eventTime, EventJson.toJson(r, "USD"));
                    count(user, r.eventTime, 0, -5.0, bought);
                }
            }
            Event v = new Event();
            v.eventId = "e-" + (seq++);
            v.userId = user;
            v.type = EventType.VIEW;
            v.eventTime = start + DAY;
            send(producer, "events", user, v.eventTime, EventJson.toJson(v, "USD"));
        }
        String u = "u001";
        long t = start + 3 * DAY;
        send(
                producer,
                "events",
                u,
                t,
                bytes(eventJson("e-eur", u, "purchase", t, "99.0,\"currency\":\"EUR\"")));
        send(
                producer,
                "events",
                u,
                t,
                bytes(eventJson("e-neg", u, "purchase", t, "-3.0,\"currency\":\"USD\"")));
        send(producer, "events", u, t, bytes(eventJson("e-wish", u, "wishlist", t, null)));
        send(producer, "events", u, t, bytes("{\"event_id\":\"e-bad\",\"user_id\":\"u001\",\"ty"));
        send(
                producer,
                "events",
                u,
                t,
                bytes(eventJson("e-absurd", u, "purchase", t, "5000000.0,\"currency\":\"USD\"")));
        // sent on day 3 about day 10: beyond events.max-future-skew (1 d)
        send(
                producer,
                "events",
                u,
                t,
                bytes(
                        eventJson(
                                "e-future",
                                u,
                                "purchase",
                                t + 7 * DAY,
                                "10.0,\"currency\":\"USD\"")));
        send(
                producer,
                "events",
                u,
                t,
                bytes(eventJson("e-old", u, "purchase", 0, "10.0,\"currency\":\"USD\"")));
        send(producer, "events", null, t, EventJson.heartbeat(t, null));
    }

    private void count(
            String user, long t, int purchases, double amount, Map<String, Boolean> bought) {
        long weekStart = Math.floorDiv(t, 7 * DAY) * 7 * DAY;
        String arm = control.get(user) ? "control" : "policy";
        String key = day(weekStart) + "|" + arm;
        double[] w = weekly.computeIfAbsent(key, k -> new double[3]);
        w[0] += amount;
        w[1] += purchases;
        if (purchases > 0 && bought.put(key + "|" + user, true) == null) {
            w[2]++;
        }
    }

    private static String eventJson(String id, String user, String type, long t, String amount) {
        return "{\"event_id\":\""
                + id
                + "\",\"user_id\":\""
                + user
                + "\",\"type\":\""
                + type
                + "\",\"event_time\":\""
                + Instant.ofEpochMilli(t)
                + "\""
                + (amount == null ? "" : ",\"amount\":" + amount)
                + "}";
    }

    /** The event's ISO time replaced by {@code local}, or by epoch millis when null. */
    private static byte[] replaceTime(byte[] json, long t, String local) {
        String s = new String(json, StandardCharsets.UTF_8);
        String iso = "\"" + Instant.ofEpochMilli(t) + "\"";
        assertThat(s).contains(iso);
        return bytes(s.replace(iso, local == null ? "\"" + t + "\"" : "\"" + local + "\""));
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, String key, long t, byte[] v) {
        producer.send(new ProducerRecord<>(topic, null, t, key == null ? null : bytes(key), v));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static double[] stats(List<Outcome> os, String metric) {
        double[] v =
                os.stream()
                        .mapToDouble(o -> metric.equals("reward") ? o.reward : o.revenue)
                        .toArray();
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {v.length, mean, ss / (v.length - 1)};
    }

    private static List<String[]> csv(Path dir) throws IOException {
        List<String[]> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f :
                    files.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .toList()) {
                for (String l : Files.readAllLines(f)) {
                    if (!l.isBlank()) {
                        lines.add(l.split(","));
                    }
                }
            }
        }
        assertThat(lines).as("CSV lines in " + dir).isNotEmpty();
        return lines;
    }

    private static LocalDate day(long epochMillis) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, DAY));
    }

    private static LocalDate day(Instant t) {
        return day(t.toEpochMilli());
    }

    private static String stage(LifecycleStage s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static long n(Row r, int i) {
        return ((Number) r.getField(i)).longValue();
    }

    private static double d(Row r, int i) {
        return ((Number) r.getField(i)).doubleValue();
    }
}
