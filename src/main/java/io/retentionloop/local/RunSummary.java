package io.retentionloop.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end-of-run report of the embedded default: what was produced, what the job did with it (its
 * metrics and its committed output), and the checks that tie the two together.
 */
final class RunSummary {
    private final ObjectNode json;
    private final Map<String, Boolean> checks = new LinkedHashMap<>();

    private RunSummary(ObjectNode json) {
        this.json = json;
    }

    static RunSummary of(
            LocalRun.Options opt,
            Map<String, Long> produced,
            TopicTally tally,
            Map<String, Double> metrics,
            Map<Long, Long> expected,
            int usersSeen,
            Map<String, Double> truth,
            ClosedLoop loop,
            double seconds) {
        ObjectNode j = LocalRun.json().createObjectNode();
        RunSummary s = new RunSummary(j);
        long producedTotal = produced.values().stream().mapToLong(Long::longValue).sum();
        long accepted = (long) FlinkRest.total(metrics, ".eventsAccepted");
        long duplicates = (long) FlinkRest.total(metrics, ".duplicatesDropped");
        long deadLettered = tally.deadLetters();
        long expectedSnapshots = expected.values().stream().mapToLong(Long::longValue).sum();

        j.put("users", opt.users());
        j.put("days", opt.days());
        j.put("seed", opt.seed());
        j.put("start", opt.start().toString());
        j.put("world", opt.world().toString());
        j.put("config", String.valueOf(opt.config()));
        // the summary is a file others read: secret values stay out of it
        j.set(
                "config_overrides",
                LocalRun.json()
                        .valueToTree(io.retentionloop.security.Secrets.maskArgs(opt.overrides())));
        j.put("events_produced", producedTotal);
        ObjectNode byKind = j.putObject("events_produced_by_kind");
        produced.forEach(byKind::put);
        j.put("events_accepted", accepted);
        j.put("events_dead_lettered", deadLettered);
        ObjectNode reasons = j.putObject("dead_lettered_by_reason");
        tally.deadLettersByReason().forEach(reasons::put);
        j.put("events_duplicates_dropped", duplicates);
        j.put("events_late", (long) FlinkRest.total(metrics, ".lateEvents"));
        j.put("users_seen", usersSeen);
        j.put("users_in_state", (long) FlinkRest.total(metrics, ".users"));
        ObjectNode stages = j.putObject("users_by_stage");
        metrics.forEach(
                (id, v) -> {
                    if (id.endsWith(".usersByStage")) {
                        String[] parts = id.split("\\.");
                        stages.put(parts[parts.length - 2], v.longValue());
                    }
                });
        j.put("users_expired", (long) FlinkRest.total(metrics, ".usersExpired"));
        j.put("window_snapshots", tally.snapshots());
        j.put("window_snapshots_expected", expectedSnapshots);
        j.put("window_snapshots_duplicated", tally.duplicateSnapshots());
        j.put("windows_closed", expected.size());
        ObjectNode perWindow = j.putObject("window_snapshots_by_window");
        Map<Long, Long> actual = tally.snapshotsByWindow();
        expected.forEach(
                (w, n) -> {
                    ObjectNode o = perWindow.putObject(Instant.ofEpochMilli(w).toString());
                    o.put("expected", n);
                    o.put("emitted", actual.getOrDefault(w, 0L));
                });
        j.put("scored_windows", (long) FlinkRest.total(metrics, ".windowsScored"));
        valueModel(j.putObject("value_model"), tally, truth);
        j.put("policy", opt.policy());
        j.put("decisions", tally.decisions());
        ObjectNode byAction = j.putObject("decisions_by_action");
        tally.decisionsByAction().forEach(byAction::put);
        long interventions = loop.sent().values().stream().mapToLong(Long::longValue).sum();
        j.put("interventions", interventions);
        ObjectNode sentBy = j.putObject("interventions_by_action");
        loop.sent().forEach(sentBy::put);
        j.put("rewards_matured", tally.outcomes());
        j.put("reward_sum", tally.rewardSum());
        j.put("rewards_matured_terminal", tally.terminalOutcomes());
        Map<Long, Long> versions = tally.policyVersionsByWindow();
        j.put(
                "policy_versions",
                versions.values().stream().mapToLong(Long::longValue).max().orElse(0));
        ObjectNode byWindow = j.putObject("policy_version_by_window");
        versions.forEach((w, v) -> byWindow.put(Instant.ofEpochMilli(w).toString(), v));
        j.put("control_group_treated", loop.controlTreated());
        j.put("max_daily_budget_share", loop.maxDailyBudgetShare());
        ObjectNode shareByDay = j.putObject("budget_share_by_day");
        loop.budgetShareByDay()
                .forEach(
                        (day, share) ->
                                shareByDay.put(LocalDate.ofEpochDay(day).toString(), share));
        ObjectNode priceByWindow = j.putObject("budget_price_by_window");
        tally.budgetPriceByWindow()
                .forEach((w, p) -> priceByWindow.put(Instant.ofEpochMilli(w).toString(), p));
        j.put("profit_per_user", loop.profitPerUser(loop.start(), loop.end()));
        j.put("profit_per_user_last_quarter", loop.profitPerUser(loop.lastQuarter(), loop.end()));
        j.put("expected_incremental_profit_per_user", loop.expectedIncrementalProfitPerUser(false));
        j.put(
                "expected_incremental_profit_per_user_last_quarter",
                loop.expectedIncrementalProfitPerUser(true));
        j.set(
                "expected_incremental_profit_per_user_last_quarter_by_segment",
                LocalRun.json().valueToTree(loop.lastQuarterExpectedGainBySegment()));
        j.put(
                "quarter_expected_incremental_profit_per_user",
                loop.inQuarterExpectedIncrementalProfitPerUser());
        j.put(
                "quarter_expected_incremental_profit_per_user_from_earlier_sends",
                loop.inQuarterExpectedIncrementalProfitPerUserFromEarlierSends());
        j.set(
                "quarter_expected_incremental_profit_per_user_by_segment",
                LocalRun.json().valueToTree(loop.inQuarterExpectedGainBySegment()));
        j.set(
                "last_quarter_actions_by_segment",
                LocalRun.json().valueToTree(loop.lastQuarterActionsBySegment()));
        j.set(
                "last_quarter_advantage_by_segment",
                LocalRun.json().valueToTree(loop.lastQuarterAdvantageBySegment()));
        com.fasterxml.jackson.databind.node.ArrayNode weekly =
                j.putArray("profit_per_user_by_week");
        for (long w = loop.start(); w < loop.end(); w += 7 * 86_400_000L) {
            weekly.add(loop.profitPerUser(w, Math.min(w + 7 * 86_400_000L, loop.end())));
        }
        j.put("seconds", Math.round(seconds * 10) / 10.0);

        long badProduced =
                produced.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("bad:"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        s.check(
                "produced_equals_accepted_plus_dead_lettered_plus_duplicates",
                producedTotal == accepted + deadLettered + duplicates);
        s.check("dead_letters_present", deadLettered > 0 && deadLettered >= badProduced);
        Map<String, Long> injected = new java.util.TreeMap<>();
        produced.forEach(
                (kind, n) -> {
                    if (kind.startsWith("bad:")) {
                        injected.put(kind.substring(4), n);
                    }
                });
        Map<String, Long> rejected = new java.util.TreeMap<>(tally.deadLettersByReason());
        rejected.remove("late");
        s.check(
                "every_injected_bad_record_dead_lettered_with_its_reason",
                rejected.equals(injected));
        s.check("one_snapshot_per_live_user_per_closed_window", actual.equals(expected));
        s.check("no_snapshot_emitted_twice", tally.duplicateSnapshots() == 0);
        s.check(
                "one_decision_per_scored_window",
                tally.decisions() == tally.snapshots() && tally.duplicateDecisions() == 0);
        s.check("control_group_never_treated", loop.controlTreated() == 0);
        s.check("daily_budget_never_exceeded", loop.maxDailyBudgetShare() <= 1 + 1e-9);
        ObjectNode c = j.putObject("checks");
        s.checks.forEach(c::put);
        return s;
    }

    /** The served model's expected purchases against the world's, on the tracked users. */
    private static void valueModel(ObjectNode v, TopicTally tally, Map<String, Double> truth) {
        v.put("versions", String.join(",", tally.modelVersions()));
        v.put("horizon_days", LocalModel.HORIZON_DAYS);
        Map<String, Double> predicted = tally.predictions();
        java.util.List<double[]> pairs = new java.util.ArrayList<>();
        predicted.forEach(
                (key, p) -> {
                    Double t = truth.get(key);
                    if (t != null) {
                        pairs.add(new double[] {p, t});
                    }
                });
        ObjectNode a = v.putObject("accuracy_vs_world_truth");
        a.put("windows_compared", pairs.size());
        if (pairs.isEmpty()) {
            return;
        }
        double[] p = pairs.stream().mapToDouble(x -> x[0]).toArray();
        double[] t = pairs.stream().mapToDouble(x -> x[1]).toArray();
        a.put("mae_expected_purchases", io.retentionloop.value.eval.Metrics.mae(p, t));
        a.put("predicted_total", java.util.Arrays.stream(p).sum());
        a.put("truth_total", java.util.Arrays.stream(t).sum());
        a.put("spearman", io.retentionloop.value.eval.Metrics.spearman(p, t));
    }

    private void check(String name, boolean ok) {
        checks.put(name, ok);
    }

    /** Prints the summary, writes it to {@code file}, returns 0 when every check passed. */
    int report(Path file) throws java.io.IOException {
        LocalRun.json().writeValue(file.toFile(), json);
        System.out.println();
        System.out.println("Retention Loop, embedded run");
        System.out.printf(
                "  world          %d users, %d days, seed %d, from %s%n",
                json.get("users").asInt(),
                json.get("days").asInt(),
                json.get("seed").asLong(),
                json.get("start").asText());
        line("events produced", "events_produced");
        line("  accepted", "events_accepted");
        line("  dead-lettered", "events_dead_lettered");
        json.get("dead_lettered_by_reason")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        "      %-18s %,12d%n", e.getKey(), e.getValue().asLong()));
        line("  duplicates dropped", "events_duplicates_dropped");
        line("  late (in dead letters)", "events_late");
        line("users in state", "users_in_state");
        json.get("users_by_stage")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        "      %-18s %,12d%n", e.getKey(), e.getValue().asLong()));
        line("windows closed", "windows_closed");
        line("scored windows", "scored_windows");
        JsonNodeView.printModel(json.get("value_model"));
        line("window snapshots", "window_snapshots");
        line("  expected", "window_snapshots_expected");
        System.out.printf("  %-24s %s%n", "policy", json.get("policy").asText());
        line("decisions", "decisions");
        line("interventions", "interventions");
        json.get("interventions_by_action")
                .fields()
                .forEachRemaining(
                        e ->
                                System.out.printf(
                                        "      %-18s %,12d%n", e.getKey(), e.getValue().asLong()));
        line("rewards matured", "rewards_matured");
        line("policy versions", "policy_versions");
        System.out.printf(
                "  %-24s %12.2f%n", "profit per user", json.get("profit_per_user").asDouble());
        System.out.printf(
                "  %-24s %12.1f%%%n",
                "max daily budget used", 100 * json.get("max_daily_budget_share").asDouble());
        System.out.printf("  %-24s %10.1f s%n", "run time", json.get("seconds").asDouble());
        boolean ok = checks.values().stream().allMatch(b -> b);
        checks.forEach(
                (name, pass) -> System.out.printf("  [%s] %s%n", pass ? "ok" : "FAILED", name));
        System.out.println("summary written to " + file);
        return ok ? 0 : 1;
    }

    /** Prints the value-model part of the summary. */
    private static final class JsonNodeView {
        static void printModel(com.fasterxml.jackson.databind.JsonNode v) {
            System.out.printf("  %-24s %s%n", "value model", v.get("versions").asText());
            com.fasterxml.jackson.databind.JsonNode a = v.get("accuracy_vs_world_truth");
            if (a.get("windows_compared").asLong() > 0) {
                System.out.printf(
                        "    vs world truth       %,d windows: MAE %.3f, total %.0f vs %.0f, Spearman %.3f%n",
                        a.get("windows_compared").asLong(),
                        a.get("mae_expected_purchases").asDouble(),
                        a.get("predicted_total").asDouble(),
                        a.get("truth_total").asDouble(),
                        a.get("spearman").asDouble());
            }
        }
    }

    private void line(String label, String key) {
        System.out.printf("  %-24s %,12d%n", label, json.get(key).asLong());
    }
}
