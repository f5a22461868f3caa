package io.retentionloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.local.PolicyCeiling;
import io.retentionloop.simulate.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What share of the oracle a policy on the agent's state could reach, and the DQN reaches. */
@Command(
        name = "policy-ceiling",
        mixinStandardHelpOptions = true,
        description = {
            "Off-line diagnosis of the learning problem on the simulated world: users go through"
                    + " the real lifecycle code and, at every window end of the logged weeks, get a"
                    + " uniformly random allowed action; each decision keeps its state, the"
                    + " world's expected incremental profit of every action over the horizon, and"
                    + " the realized profit. Policies fitted on one half of the users are scored on"
                    + " the other half as a share of the oracle's expected incremental profit:"
                    + " fixed actions, the best action per segment (not visible to the agent), a"
                    + " network fitted on the noise-free truth (the ceiling of the state), the"
                    + " same without the engagement rates, and the job's DQN learner on the"
                    + " realized rewards (with and without the world's perfect baseline).",
            "Writes OUT/report.json and prints a table. The learner and the catalogue come from"
                    + " the application config (--config, --set)."
        })
final class PolicyCeilingCommand implements Callable<Integer> {
    @Option(
            names = "--users",
            defaultValue = "4000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "World, logging and network seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First simulated day (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--warmup-weeks",
            defaultValue = "4",
            description =
                    "Weeks simulated before the first logged decision (default ${DEFAULT-VALUE}).")
    int warmupWeeks;

    @Option(
            names = "--weeks",
            defaultValue = "30",
            description = "Window ends with logged decisions (default ${DEFAULT-VALUE}).")
    int weeks;

    @Option(
            names = "--horizon-days",
            defaultValue = "28",
            description = "Reward horizon in days of its γ = 0 learner (default ${DEFAULT-VALUE}).")
    int horizonDays;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Passes of the fit on the truth (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition (default ${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/policy-ceiling",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        JobConfig c = config.load();
        PolicyCeiling.Settings settings =
                new PolicyCeiling.Settings(
                        users,
                        seed,
                        start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        warmupWeeks,
                        weeks,
                        horizonDays,
                        epochs,
                        c.dqnSettings()
                                .withSeed(seed)
                                .withGamma(0)); // one-step rewards over the horizon
        long began = System.nanoTime();
        PolicyCeiling.Result r =
                new PolicyCeiling(WorldConfig.load(world), c.catalogue(), settings).run();
        double seconds = (System.nanoTime() - began) / 1e9;

        System.out.printf(
                "%,d decisions fitted on, %,d scored; reward rms %.1f, %.1f after the world's"
                        + " perfect baseline; DQN %,d updates; %.0f s%n",
                r.trainDecisions(),
                r.testDecisions(),
                r.rewardRms(),
                r.rewardRmsAfterPerfectBaseline(),
                r.dqnUpdates(),
                seconds);
        System.out.printf("%-36s %12s %8s%n", "policy", "per decision", "share");
        for (PolicyCeiling.Score s : r.scores()) {
            System.out.printf("%-36s %12.3f %8.3f%n", s.policy(), s.perDecision(), s.share());
        }
        System.out.println();
        System.out.println(
                "realized uplift over none on the fitted-on half (± standard error) vs the truth"
                        + " of a lone send:");
        r.upliftByGroup()
                .forEach(
                        (group, byAction) -> {
                            StringBuilder line = new StringBuilder(String.format("%-28s", group));
                            byAction.forEach(
                                    (action, u) ->
                                            line.append(
                                                    String.format(
                                                            " %s %+.1f±%.1f (%+.1f)",
                                                            action,
                                                            u.realized(),
                                                            u.standardError(),
                                                            u.truth())));
                            System.out.println(line);
                        });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("users", users);
        report.put("seed", seed);
        report.put("start", start.toString());
        report.put("warmup_weeks", warmupWeeks);
        report.put("weeks", weeks);
        report.put("horizon_days", horizonDays);
        report.put("world", world.toString());
        report.put("config_overrides", config.overrides);
        report.put("train_decisions", r.trainDecisions());
        report.put("test_decisions", r.testDecisions());
        report.put("reward_rms", r.rewardRms());
        report.put("reward_rms_after_perfect_baseline", r.rewardRmsAfterPerfectBaseline());
        report.put("dqn_updates", r.dqnUpdates());
        Map<String, Object> scores = new LinkedHashMap<>();
        for (PolicyCeiling.Score s : r.scores()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("expected_incremental_profit_per_decision", s.perDecision());
            one.put("oracle_share", s.share());
            one.put("oracle_share_by_segment", s.shareByGroup());
            scores.put(s.policy(), one);
        }
        report.put("policies", scores);
        Map<String, Object> uplift = new LinkedHashMap<>();
        r.upliftByGroup()
                .forEach(
                        (group, byAction) -> {
                            Map<String, Object> actions = new LinkedHashMap<>();
                            byAction.forEach(
                                    (action, u) ->
                                            actions.put(
                                                    action,
                                                    Map.of(
                                                            "decisions", u.decisions(),
                                                            "realized_uplift", u.realized(),
                                                            "standard_error", u.standardError(),
                                                            "truth", u.truth())));
                            uplift.put(group, actions);
                        });
        report.put("realized_uplift_by_segment", uplift);
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("report.json").toFile(), report);
        System.out.println("report: " + out.resolve("report.json"));
        return 0;
    }
}
