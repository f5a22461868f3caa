package io.retentionloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.job.Home;
import io.retentionloop.local.LocalRun;
import io.retentionloop.report.HtmlPage;
import io.retentionloop.report.SvgChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one simulated world under each policy and compares their profit. */
@Command(
        name = "compare-policies",
        mixinStandardHelpOptions = true,
        description = {
            "Run the same simulated world (same users, same seed) under each policy through the"
                    + " embedded job: none, random, every fixed action, the learned DQN, and the"
                    + " oracle (chosen from the world's latent state within the same constraints).",
            "Every policy but the learned one runs with the learner idle"
                    + " (learner.updates-per-transition=0, after any --set): such a policy does not use"
                    + " the learner's policy.",
            "Writes OUT/report.json (per policy: profit_per_user, incremental_profit_per_user over"
                    + " none, max_daily_budget_share, control_group_treated; and"
                    + " learned_oracle_share_last_quarter) and OUT/report.html with the learning"
                    + " curve."
        })
final class ComparePoliciesCommand implements Callable<Integer> {
    @Option(
            names = "--users",
            defaultValue = "20000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "180",
            description = "Simulated days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "World seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First simulated day (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition (default ${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--policies",
            split = ",",
            defaultValue =
                    "none,random,fixed:email,fixed:push,fixed:coupon10,fixed:free_shipping,learned,oracle",
            description = "Policies to run (default ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/policy-comparison",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--timeout",
            defaultValue = "PT30M",
            description = "Per-run wait limit (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--reuse",
            description =
                    "Keep the run of a policy whose OUT/<policy>/summary.json already exists for the"
                            + " same users, days, seed, start, world and config overrides, instead"
                            + " of running it again (to add or redo one policy of a long"
                            + " comparison). learner.* overrides count for the learned policy"
                            + " only: the baselines of one comparison serve every learner"
                            + " variant.")
    boolean reuse;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, JsonNode> runs = new LinkedHashMap<>();
        int failed = 0;
        for (String policy : policies) {
            Path dir = out.resolve(policy.replace(':', '-'));
            Path summary = dir.resolve("summary.json");
            if (reuse
                    && Files.exists(summary)
                    && sameWorld(json.readTree(summary.toFile()), policy)) {
                System.out.printf("=== policy %s: reusing %s ===%n", policy, summary);
                runs.put(policy, json.readTree(summary.toFile()));
                continue;
            }
            System.out.printf("=== policy %s ===%n", policy);
            int code =
                    new LocalRun(
                                    new LocalRun.Options(
                                            users,
                                            days,
                                            seed,
                                            start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                                            world,
                                            config.config,
                                            runOverrides(policy),
                                            Home.resolve("conf"),
                                            4,
                                            dir,
                                            timeout,
                                            policy))
                            .run();
            failed += code == 0 ? 0 : 1;
            runs.put(policy, json.readTree(dir.resolve("summary.json").toFile()));
        }
        ObjectNode report = json.createObjectNode();
        report.put("users", users);
        report.put("days", days);
        report.put("seed", seed);
        ObjectNode per = report.putObject("policies");
        double none =
                runs.containsKey("none")
                        ? runs.get("none").get("profit_per_user").asDouble()
                        : Double.NaN;
        double noneLast =
                runs.containsKey("none")
                        ? runs.get("none").get("profit_per_user_last_quarter").asDouble()
                        : Double.NaN;
        double bestFixed = Double.NEGATIVE_INFINITY;
        String bestFixedName = null;
        for (Map.Entry<String, JsonNode> e : runs.entrySet()) {
            JsonNode s = e.getValue();
            ObjectNode p = per.putObject(e.getKey());
            double profit = s.get("profit_per_user").asDouble();
            p.put("profit_per_user", profit);
            p.put("incremental_profit_per_user", profit - none);
            p.put("profit_per_user_last_quarter", s.get("profit_per_user_last_quarter").asDouble());
            p.put(
                    "incremental_profit_per_user_last_quarter",
                    s.get("profit_per_user_last_quarter").asDouble() - noneLast);
            p.put(
                    "expected_incremental_profit_per_user",
                    s.path("expected_incremental_profit_per_user").asDouble());
            p.put(
                    "expected_incremental_profit_per_user_last_quarter",
                    s.path("expected_incremental_profit_per_user_last_quarter").asDouble());
            p.put(
                    "quarter_expected_incremental_profit_per_user",
                    s.path("quarter_expected_incremental_profit_per_user").asDouble());
            p.put(
                    "quarter_expected_incremental_profit_per_user_from_earlier_sends",
                    s.path("quarter_expected_incremental_profit_per_user_from_earlier_sends")
                            .asDouble());
            p.put("max_daily_budget_share", s.get("max_daily_budget_share").asDouble());
            p.put("control_group_treated", s.get("control_group_treated").asLong());
            p.put("interventions", s.get("interventions").asLong());
            p.put("policy_versions", s.get("policy_versions").asLong());
            p.set("profit_per_user_by_week", s.get("profit_per_user_by_week"));
            p.set(
                    "expected_incremental_profit_per_user_last_quarter_by_segment",
                    s.path("expected_incremental_profit_per_user_last_quarter_by_segment"));
            p.set(
                    "quarter_expected_incremental_profit_per_user_by_segment",
                    s.path("quarter_expected_incremental_profit_per_user_by_segment"));
            p.set("last_quarter_actions_by_segment", s.path("last_quarter_actions_by_segment"));
            p.set("last_quarter_advantage_by_segment", s.path("last_quarter_advantage_by_segment"));
            if (e.getKey().startsWith("fixed:") && profit > bestFixed) {
                bestFixed = profit;
                bestFixedName = e.getKey();
            }
        }
        if (runs.containsKey("learned") && runs.containsKey("oracle")) {
            report.put(
                    "learned_oracle_share_last_quarter",
                    share(per, "incremental_profit_per_user_last_quarter"));
            // the same share by the world's expectation of each action sent: far less noisy than
            // realized profit on a small world: each last-quarter send over 28 days (what the
            // oracle maximizes), and every send over the part of its effect that falls in the
            // last quarter (the expectation of the realized share's two terms)
            report.put(
                    "learned_oracle_expected_share_last_quarter",
                    share(per, "expected_incremental_profit_per_user_last_quarter"));
            report.put(
                    "learned_oracle_quarter_expected_share",
                    share(per, "quarter_expected_incremental_profit_per_user"));
        }
        if (bestFixedName != null) {
            report.put("best_fixed_policy", bestFixedName);
        }
        Files.createDirectories(out);
        json.writeValue(out.resolve("report.json").toFile(), report);
        Files.writeString(out.resolve("report.html"), html(report));
        System.out.println();
        System.out.printf(
                "%-24s %12s %12s %14s %8s%n",
                "policy", "profit/user", "incremental", "incr. last qtr", "budget");
        per.fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        Locale.ROOT,
                                        "%-24s %12.2f %12.2f %14.2f %7.0f%%%n",
                                        e.getKey(),
                                        e.getValue().get("profit_per_user").asDouble(),
                                        e.getValue().get("incremental_profit_per_user").asDouble(),
                                        e.getValue()
                                                .get("incremental_profit_per_user_last_quarter")
                                                .asDouble(),
                                        100
                                                * e.getValue()
                                                        .get("max_daily_budget_share")
                                                        .asDouble()));
        if (report.has("learned_oracle_share_last_quarter")) {
            System.out.printf(
                    Locale.ROOT,
                    "learned / oracle incremental profit, last quarter: %.2f%n",
                    report.get("learned_oracle_share_last_quarter").asDouble());
            System.out.printf(
                    Locale.ROOT,
                    "the same by the world's expectation: %.2f (each last-quarter send over 28"
                            + " days), %.2f (every send, over the last quarter)%n",
                    report.get("learned_oracle_expected_share_last_quarter").asDouble(),
                    report.get("learned_oracle_quarter_expected_share").asDouble());
        }
        System.out.println(
                "report: " + out.resolve("report.json") + ", " + out.resolve("report.html"));
        return failed == 0 ? 0 : 1;
    }

    /** The learned policy's {@code field} over the oracle's. */
    private static double share(ObjectNode per, String field) {
        return per.get("learned").get(field).asDouble() / per.get("oracle").get(field).asDouble();
    }

    /**
     * Whether an earlier run in {@code s} is the run {@code policy} would make now. The learner's
     * settings ({@code learner.*} overrides) change only the learned policy's run, so for every
     * other policy they are left out of the comparison: one comparison's baselines serve several
     * learner variants.
     */
    private boolean sameWorld(JsonNode s, String policy) {
        List<String> earlier = new ArrayList<>();
        s.path("config_overrides").forEach(o -> earlier.add(o.asText()));
        boolean learned = "learned".equals(policy);
        return s.path("users").asInt() == users
                && s.path("days").asInt() == days
                && s.path("seed").asLong() == seed
                && s.path("start")
                        .asText()
                        .equals(start.atStartOfDay(ZoneOffset.UTC).toInstant().toString())
                && s.path("world").asText().equals(world.toString())
                && s.path("config").asText().equals(String.valueOf(config.config))
                && relevantOverrides(earlier, learned)
                        .equals(
                                relevantOverrides(
                                        io.retentionloop.security.Secrets.maskArgs(
                                                config.overrides),
                                        learned));
    }

    /**
     * The overrides a policy runs with: the given ones, and for every policy but the learned one
     * the learner left idle ({@code learner.updates-per-transition=0}). A baseline acts without the
     * learner's policy, so its updates (most of its run time) would change nothing it reports; its
     * run still goes through the whole job.
     */
    private List<String> runOverrides(String policy) {
        List<String> o = new ArrayList<>(config.overrides);
        if (!"learned".equals(policy)) {
            o.add("learner.updates-per-transition=0");
        }
        return o;
    }

    /** The overrides that can change a policy's run: all of them for the learned policy. */
    static List<String> relevantOverrides(List<String> overrides, boolean learned) {
        return overrides.stream()
                .filter(o -> learned || !o.strip().startsWith("learner."))
                .toList();
    }

    static String html(ObjectNode report) {
        SvgChart curve =
                new SvgChart(
                        "Realized profit per user by simulated week", "week", "profit per user");
        report.get("policies")
                .fields()
                .forEachRemaining(
                        e -> {
                            JsonNode weeks = e.getValue().get("profit_per_user_by_week");
                            double[] x = new double[weeks.size()];
                            double[] y = new double[weeks.size()];
                            for (int i = 0; i < x.length; i++) {
                                x[i] = i + 1;
                                y[i] = weeks.get(i).asDouble();
                            }
                            curve.line(e.getKey(), x, y);
                        });
        List<List<String>> rows = new ArrayList<>();
        report.get("policies")
                .fields()
                .forEachRemaining(
                        e -> {
                            JsonNode p = e.getValue();
                            rows.add(
                                    List.of(
                                            e.getKey(),
                                            money(p.get("profit_per_user")),
                                            money(p.get("incremental_profit_per_user")),
                                            money(
                                                    p.get(
                                                            "incremental_profit_per_user_last_quarter")),
                                            String.format(
                                                    Locale.ROOT,
                                                    "%.0f%%",
                                                    100
                                                            * p.get("max_daily_budget_share")
                                                                    .asDouble()),
                                            String.valueOf(
                                                    p.get("control_group_treated").asLong())));
                        });
        return new HtmlPage("Policy comparison")
                .table(
                        List.of(
                                "policy",
                                "profit/user",
                                "incremental",
                                "incremental, last quarter",
                                "max daily budget",
                                "control treated"),
                        rows)
                .charts(curve)
                .render();
    }

    private static String money(JsonNode v) {
        return String.format(Locale.ROOT, "%.2f", v.asDouble());
    }
}
