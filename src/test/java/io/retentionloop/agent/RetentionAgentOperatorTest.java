package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.model.ValuePrediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RetentionAgentOperatorTest {
    static final long DAY = 86_400_000L;
    static final long T = 20_090 * DAY; // a window end
    static final ActionCatalogue CATALOGUE = ActionCatalogue.defaults();

    static KeyedTwoInputStreamOperatorTestHarness<String, AgentInput, PolicySnapshot, Decision>
            harness(AgentSettings settings, String policy) throws Exception {
        return harness(settings, policy, 0.0);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, AgentInput, PolicySnapshot, Decision>
            harness(AgentSettings settings, String policy, double gamma) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new RetentionAgentOperator(
                                CATALOGUE,
                                settings,
                                PolicyMode.parse(policy, CATALOGUE),
                                64,
                                DAY,
                                400 * DAY,
                                gamma),
                        AgentInput::userId,
                        (PolicySnapshot s) -> "policy",
                        Types.STRING);
        h.open();
        return h;
    }

    static StreamRecord<AgentInput> window(String user, long end, double expectedSpend) {
        double[] f = new double[Features.SIZE];
        f[Features.PURCHASES] = 2;
        WindowSnapshot s =
                new WindowSnapshot(
                        user, end - 7 * DAY, end, LifecycleStage.ACTIVE, LifecycleStage.ACTIVE, f);
        ScoredWindow w =
                new ScoredWindow(s, new ValuePrediction(1.0, 0.6, expectedSpend, 30), 28, "m1");
        return new StreamRecord<>(AgentInput.of(w), end - 1);
    }

    static StreamRecord<AgentInput> purchase(String user, long t, double amount) {
        return new StreamRecord<>(
                AgentInput.of(new Event(user + "-" + t, user, EventType.PURCHASE, t, amount)), t);
    }

    @Test
    void theControlGroupNeverGetsAnActionAndEveryoneElseKeepsTheFloor() throws Exception {
        AgentSettings settings = JobConfig.defaults().agentSettings().withControlShare(0.2);
        try (var h = harness(settings, "random")) {
            for (int u = 0; u < 500; u++) {
                h.processElement1(window("u" + u, T, 50));
            }
            h.processWatermark1(new Watermark(T));
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(500);
            List<Decision> control = out.stream().filter(d -> d.controlGroup).toList();
            assertThat(control.size()).isBetween(70, 130);
            assertThat(control).allMatch(d -> d.actionIndex == 0 && d.propensity == 1.0);
            for (Decision d : out) {
                if (!d.controlGroup) {
                    assertThat(d.propensity).isGreaterThan(0);
                    for (double p : d.probabilities) {
                        assertThat(p == 0 || p >= settings.explorationFloor()).isTrue();
                    }
                    assertThat(d.probabilities[d.actionIndex]).isEqualTo(d.propensity);
                }
                assertThat(d.decisionId).isEqualTo(Decision.idOf(d.userId, T));
            }
        }
    }

    @Test
    void beforeTheFirstPolicyTheLearnedAgentSpreadsItsDecisionsWithTheColdStartEpsilon()
            throws Exception {
        AgentSettings settings =
                JobConfig.defaults()
                        .agentSettings()
                        .withControlShare(0)
                        .withDailyBudget(1_000_000)
                        .withColdStartEpsilon(1.0);
        try (var h = harness(settings, "learned")) {
            for (int u = 0; u < 500; u++) {
                h.processElement1(window("u" + u, T, 50));
            }
            h.processWatermark1(new Watermark(T));
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(500);
            // cold-start ε = 1: every allowed action equally likely, each logged with 1/5
            assertThat(out).allMatch(d -> Math.abs(d.propensity - 0.2) < 1e-12);
            var byAction =
                    out.stream()
                            .collect(Collectors.groupingBy(d -> d.actionId, Collectors.counting()));
            assertThat(byAction).hasSize(CATALOGUE.size());
            assertThat(byAction.values()).allMatch(n -> n > 60 && n < 140);
        }
        try (var h = harness(settings.withColdStartEpsilon(0), "learned")) {
            for (int u = 0; u < 100; u++) {
                h.processElement1(window("u" + u, T, 50));
            }
            h.processWatermark1(new Watermark(T));
            // cold-start ε = 0: only the floor explores
            long none = h.extractOutputValues().stream().filter(d -> d.actionIndex == 0).count();
            assertThat(none).isGreaterThan(85);
        }
    }

    @Test
    void theDailyBudgetIsNeverExceeded() throws Exception {
        // coupon10 costs 10% of expected spend: 5.0 each; a budget of 40 allows eight
        AgentSettings settings =
                JobConfig.defaults().agentSettings().withControlShare(0).withDailyBudget(40);
        try (var h = harness(settings, "fixed:coupon10")) {
            for (int u = 0; u < 100; u++) {
                h.processElement1(window("u" + u, T, 50));
            }
            h.processWatermark1(new Watermark(T));
            List<Decision> out = h.extractOutputValues();
            double committed =
                    out.stream()
                            .filter(Decision::actionable)
                            .mapToDouble(d -> d.expectedCost)
                            .sum();
            assertThat(committed).isLessThanOrEqualTo(40 + 1e-9).isGreaterThan(30);
            assertThat(out.stream().filter(d -> d.budgetDenied).count()).isGreaterThan(80);
        }
    }

    @Test
    void revenueInTheHorizonIsAttributedOnceAndMaturesIntoAnOutcome() throws Exception {
        AgentSettings settings =
                JobConfig.defaults()
                        .agentSettings()
                        .withControlShare(0)
                        .withHorizon(Duration.ofDays(7));
        try (var h = harness(settings, "none")) {
            h.processElement1(purchase("a", T + DAY, 20)); // ahead of the decision: held
            h.processElement1(purchase("a", T - DAY, 99)); // before t: not this decision's
            h.processElement1(window("a", T, 50));
            h.processWatermark1(new Watermark(T));
            h.processElement1(purchase("a", T + 3 * DAY, 15));
            h.processElement1(purchase("a", T + 8 * DAY, 1000)); // after t + H
            h.processElement1(window("a", T + 7 * DAY, 50)); // gives s'
            h.processWatermark1(new Watermark(T + 7 * DAY + DAY)); // t + H + lateness
            List<Outcome> outcomes =
                    h.getSideOutput(RetentionAgentOperator.OUTCOMES).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(outcomes).hasSize(1);
            Outcome o = outcomes.get(0);
            assertThat(o.revenue).isEqualTo(35);
            assertThat(o.reward).isEqualTo(35 - o.cost);
            var transitions = h.getSideOutput(RetentionAgentOperator.TRANSITIONS);
            assertThat(transitions).hasSize(1);
            assertThat(transitions.peek().getValue().nextState).isNotNull();
            assertThat(transitions.peek().getValue().done).isFalse();
        }
    }

    @Test
    void aCouponsSecondWeekIsChargedToTheNextWindowsReward() throws Exception {
        AgentSettings settings =
                JobConfig.defaults()
                        .agentSettings()
                        .withControlShare(0)
                        .withHorizon(Duration.ofDays(7));
        try (var h = harness(settings, "fixed:coupon10")) {
            h.processElement1(window("a", T, 50));
            h.processWatermark1(new Watermark(T));
            h.processElement1(purchase("a", T + 2 * DAY, 20));
            h.processElement1(purchase("a", T + 9 * DAY, 30));
            h.processElement1(window("a", T + 7 * DAY, 50)); // coupon on cooldown: none
            h.processWatermark1(new Watermark(T + 7 * DAY));
            h.processElement1(window("a", T + 14 * DAY, 50));
            h.processWatermark1(new Watermark(T + 16 * DAY));
            List<Outcome> outcomes =
                    h.getSideOutput(RetentionAgentOperator.OUTCOMES).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(outcomes).extracting(o -> o.actionId).containsExactly("coupon10", "none");
            Outcome coupon = outcomes.get(0);
            Outcome next = outcomes.get(1);
            assertThat(coupon.cost).isCloseTo(2.0, within(1e-9));
            assertThat(coupon.carriedAction).isNull();
            assertThat(next.carriedAction).isEqualTo("coupon10");
            assertThat(next.carriedCost).isCloseTo(3.0, within(1e-9));
            assertThat(next.reward).isCloseTo(30 - 3.0, within(1e-9));
            var rewards =
                    h.getSideOutput(RetentionAgentOperator.TRANSITIONS).stream()
                            .map(r -> r.getValue().reward)
                            .collect(Collectors.toList());
            // the learner's rewards are shaped by the value model's baseline, here the same in
            // every window: they differ as the outcomes do
            assertThat(rewards).hasSize(2);
            assertThat(rewards.get(1) - rewards.get(0))
                    .isCloseTo(next.reward - coupon.reward, within(1e-9));
        }
    }

    /** The transition says which actions the next state allows, for the learner's target. */
    @Test
    void transitionsCarryTheActionsAllowedAtTheNextState() throws Exception {
        AgentSettings settings =
                JobConfig.defaults()
                        .agentSettings()
                        .withControlShare(0)
                        .withHorizon(Duration.ofDays(7));
        try (var h = harness(settings, "fixed:coupon10")) {
            h.processElement1(window("a", T, 50));
            h.processWatermark1(new Watermark(T));
            assertThat(h.extractOutputValues().get(0).actionId).isEqualTo("coupon10");
            h.processElement1(window("a", T + 7 * DAY, 50)); // s': the coupon's cooldown runs
            h.processWatermark1(new Watermark(T + 7 * DAY + DAY));
            var transitions = h.getSideOutput(RetentionAgentOperator.TRANSITIONS);
            assertThat(transitions).hasSize(1);
            boolean[] next = transitions.peek().getValue().nextAllowed;
            ActionCatalogue catalogue = CATALOGUE;
            assertThat(next).hasSize(catalogue.size());
            for (int a = 0; a < catalogue.size(); a++) {
                assertThat(next[a])
                        .as(catalogue.id(a))
                        .isEqualTo(!catalogue.id(a).equals("coupon10"));
            }
        }
    }

    @Test
    void theLearnersRewardIsShapedByTheValueModelsBaselineOfBothStates() throws Exception {
        AgentSettings settings =
                JobConfig.defaults()
                        .agentSettings()
                        .withControlShare(0)
                        .withHorizon(Duration.ofDays(7));
        // baseline = expected spend over the model's 28 days scaled to H = 7 days: a quarter
        for (double gamma : new double[] {0.0, 0.5}) {
            try (var h = harness(settings, "none", gamma)) {
                h.processElement1(window("a", T, 50)); // baseline(s) 12.5
                h.processWatermark1(new Watermark(T));
                h.processElement1(purchase("a", T + 3 * DAY, 35));
                h.processElement1(window("a", T + 7 * DAY, 80)); // baseline(s') 20
                h.processWatermark1(new Watermark(T + 8 * DAY));
                Outcome o = h.getSideOutput(RetentionAgentOperator.OUTCOMES).peek().getValue();
                assertThat(o.reward).isEqualTo(35);
                double reward =
                        h.getSideOutput(RetentionAgentOperator.TRANSITIONS)
                                .peek()
                                .getValue()
                                .reward;
                // r − b(s) + γ·b(s'): potential-based, the best action is the same for every γ
                assertThat(reward)
                        .as("γ = %s", gamma)
                        .isCloseTo(35 - 12.5 + gamma * 20, within(1e-9));
            }
        }
    }

    /**
     * A policy whose Q-values are the same for every state: a network of one hidden unit whose
     * weights are all 0 and whose output biases are {@code q} (DL4J keeps each layer's weights,
     * then its biases, so the output biases are the last parameters).
     */
    static PolicySnapshot constantPolicy(long version, double... q) {
        int in = new StateEncoder(CATALOGUE).size();
        int params = in + 1 + q.length + q.length;
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(4 * params).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < params - q.length; i++) {
            b.putFloat(0f);
        }
        for (double v : q) {
            b.putFloat((float) v);
        }
        PolicySnapshot s = new PolicySnapshot();
        s.version = version;
        s.stateSize = in;
        s.actionCount = q.length;
        s.hiddenLayers = 1;
        s.hiddenUnits = 1;
        s.updates = 1000;
        s.params = b.array();
        return s;
    }

    @Test
    void budgetPacingSpendsAShortBudgetOnTheCheapestGainsInsteadOfTheFirstComers()
            throws Exception {
        // every user: coupon10 worth 5, e-mail 1; coupon10 costs 10% of expected spend, so 1.0 for
        // the cheap half (spend 10) and 10.0 for the dear half (spend 100). A budget of 400 buys
        // every cheap coupon but not the dear ones.
        AgentSettings settings =
                JobConfig.defaults().agentSettings().withControlShare(0).withDailyBudget(400);
        double[] q = {0, 1, 0, 5, 0};
        try (var h = harness(settings, "learned")) {
            h.processElement2(new StreamRecord<>(constantPolicy(3, q)));
            List<List<Decision>> days = new ArrayList<>();
            for (long t : new long[] {T, T + 7 * DAY}) {
                for (int u = 0; u < 200; u++) {
                    // first comers alternate dear, cheap; other users each day (cooldowns)
                    h.processElement1(window(t + "u" + u, t, u % 2 == 0 ? 100 : 10));
                }
                h.processWatermark1(new Watermark(t));
                List<Decision> out = h.extractOutputValues();
                h.getOutput().clear();
                assertThat(out).hasSize(200);
                assertThat(out.get(0).qValues).containsExactly(q, within(1e-6));
                double committed =
                        out.stream()
                                .filter(Decision::actionable)
                                .mapToDouble(x -> x.expectedCost)
                                .sum();
                assertThat(committed).isLessThanOrEqualTo(400 + 1e-9);
                days.add(out);
            }
            // the first day has no price: first come, first served, so the dear users ahead of
            // the cheap ones use the budget up and half the cheap ones get nothing
            List<Decision> first = days.get(0);
            assertThat(first).allMatch(x -> x.budgetPrice == 0);
            Map<String, Long> cheapFirst = greedy(first, 10);
            long cheapTotal = cheapFirst.values().stream().mapToLong(Long::longValue).sum();
            assertThat(cheapFirst.get("coupon10")).isLessThan(cheapTotal - 40);
            assertThat(first.stream().filter(x -> x.budgetDenied).count()).isGreaterThan(80);
            // the second is priced from the first: coupon over e-mail gains 4 for 10 − 0.05 of
            // the dear users' cost, so the price is just above 0.4; their best is now e-mail and
            // every cheap user's is the coupon, all within the budget
            List<Decision> second = days.get(1);
            assertThat(second).allMatch(x -> x.budgetPrice > 0.4 && x.budgetPrice < 0.45);
            assertThat(greedy(second, 10)).containsOnlyKeys("coupon10");
            assertThat(greedy(second, 100)).containsOnlyKeys("email");
            assertThat(second).noneMatch(x -> x.budgetDenied);
        }
    }

    @Test
    void aPolicyThatCannotBeBuiltIsRejectedAndTheCurrentOneKeepsActing() throws Exception {
        AgentSettings settings = JobConfig.defaults().agentSettings().withControlShare(0);
        double[] q = {0, 1, 0, 5, 0};
        try (var h = harness(settings, "learned")) {
            h.processElement2(new StreamRecord<>(constantPolicy(3, q)));
            // the right header with the wrong number of parameters once restart-looped the job
            PolicySnapshot short_ = constantPolicy(4, q);
            short_.params = java.util.Arrays.copyOf(short_.params, short_.params.length - 4);
            h.processElement2(new StreamRecord<>(short_));
            PolicySnapshot nan = constantPolicy(5, q);
            java.nio.ByteBuffer.wrap(nan.params)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putFloat(nan.params.length - 4, Float.NaN);
            h.processElement2(new StreamRecord<>(nan));
            PolicySnapshot huge = constantPolicy(6, q);
            huge.hiddenLayers = 1_000_000;
            h.processElement2(new StreamRecord<>(huge));
            h.processElement1(window("u1", T, 50));
            h.processWatermark1(new Watermark(T));
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).policyVersion).isEqualTo(3);
            assertThat(out.get(0).qValues).containsExactly(q, within(1e-6));
        }
    }

    /** Actions chosen without exploring for users of this expected spend. */
    private static Map<String, Long> greedy(List<Decision> decisions, double expectedSpend) {
        return decisions.stream()
                .filter(x -> !x.explored && x.expectedSpend == expectedSpend)
                .collect(Collectors.groupingBy(x -> x.actionId, Collectors.counting()));
    }
}
