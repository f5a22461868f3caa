package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import io.retentionloop.job.JobConfig;
import io.retentionloop.lifecycle.LifecycleStage;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AgentStateCodecTest {
    static final ActionCatalogue CATALOGUE = ActionCatalogue.defaults();
    static final long T = 1_736_000_000_000L;
    static final long DAY = 86_400_000L;

    private static double[] doubles(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(-100, 100);
        }
        return a;
    }

    /** Values a float holds exactly: the state vectors' precision in state. */
    private static double[] floats(SplittableRandom rnd, int n) {
        double[] a = doubles(rnd, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) a[i];
        }
        return a;
    }

    private static PendingDecision pending(SplittableRandom rnd, long windowEnd, boolean next) {
        Decision d = new Decision();
        d.decisionId = Decision.idOf("u1", windowEnd);
        d.userId = "u1";
        d.windowEnd = windowEnd;
        d.actionIndex = 3;
        d.actionId = CATALOGUE.id(3);
        d.propensity = 0.71;
        d.probabilities = doubles(rnd, CATALOGUE.size());
        d.qValues = doubles(rnd, CATALOGUE.size());
        d.policyVersion = 12;
        d.modelVersion = next ? "clv-3" : null;
        d.controlGroup = next;
        d.explored = true;
        d.stage = next ? LifecycleStage.AT_RISK : null;
        d.expectedPurchases = 0.4;
        d.expectedSpend = 11.2;
        d.expectedCost = 1.12;
        d.budgetDenied = !next;
        d.budgetPrice = 0.25;
        PendingDecision p = new PendingDecision();
        p.decision = d;
        p.state = floats(rnd, new StateEncoder(CATALOGUE).size());
        if (next) {
            p.offerNextState(floats(rnd, p.state.length), 3.5, new boolean[] {true, false, true});
        }
        p.maturesAt = windowEnd + 8 * DAY;
        p.revenue = 40.5;
        p.refunds = 2;
        p.purchases = 3;
        p.fixedCost = 0.1;
        p.revenueShare = 0.1;
        p.shareFrom = windowEnd;
        p.shareUntil = windowEnd + 7 * DAY;
        p.shareRevenue = 20;
        p.shareRefunds = 1;
        p.carriedAction = next ? "coupon10" : null;
        p.baseline = 9.5;
        return p;
    }

    static AgentUserState busyUser() {
        SplittableRandom rnd = new SplittableRandom(3);
        AgentUserState u = new AgentUserState();
        u.history = InterventionHistory.create(CATALOGUE);
        for (int w = 0; w < 20; w++) {
            u.history.recordWindow(CATALOGUE, T + w * 7 * DAY, 7 * DAY, w % 3);
            u.history.recordSend(CATALOGUE, 1 + w % (CATALOGUE.size() - 1), T + w * 7 * DAY);
        }
        u.history.addCost(3.25);
        u.pending.add(pending(rnd, T, true));
        u.pending.add(pending(rnd, T + 7 * DAY, false));
        u.lookahead.add(new Event("p1", "u1", EventType.PURCHASE, T + 7 * DAY + 5, 19.99));
        u.lookahead.add(new Event("r1", "u1", EventType.REFUND, T + 7 * DAY + 9, 4.5));
        u.lastDecisionWindow = T + 7 * DAY;
        return u;
    }

    private static byte[] write(AgentUserState u) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        AgentStateSerializer.INSTANCE.serialize(u, out);
        return out.getCopyOfBuffer();
    }

    private static AgentUserState read(byte[] b) throws IOException {
        return AgentStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(b));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        AgentUserState u = busyUser();
        AgentUserState back = read(write(u));
        // a pending decision keeps what maturing needs; the rest is on the decisions topic
        for (PendingDecision p : u.pending) {
            Decision d = p.decision;
            Decision kept = new Decision();
            kept.decisionId = d.decisionId;
            kept.userId = d.userId;
            kept.windowEnd = d.windowEnd;
            kept.actionId = d.actionId;
            kept.actionIndex = d.actionIndex;
            kept.propensity = d.propensity;
            kept.policyVersion = d.policyVersion;
            kept.controlGroup = d.controlGroup;
            kept.expectedSpend = d.expectedSpend;
            p.decision = kept;
        }
        // NaN (unknown) is a value here: compare doubles bit for bit
        assertThat(back)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(u);
        Outcome o =
                new RewardAttribution(JobConfig.defaults().agentSettings())
                        .mature(back.pending.get(0), false)
                        .outcome();
        assertThat(o.decisionId).isEqualTo(u.pending.get(0).decision.decisionId);
        assertThat(o.controlGroup).isTrue();
        AgentUserState empty = new AgentUserState();
        assertThat(read(write(empty))).usingRecursiveComparison().isEqualTo(empty);
        AgentUserState copy = AgentStateSerializer.INSTANCE.copy(u);
        copy.pending.get(0).state[0] = 1e9;
        assertThat(u.pending.get(0).state[0]).isNotEqualTo(1e9);
    }

    @Test
    void stateVectorsKeepFloatPrecisionEverythingElseIsExact() throws Exception {
        AgentUserState u = busyUser();
        PendingDecision p = u.pending.get(0);
        p.state[0] = 0.1; // not a float
        p.decision.propensity = 0.1;
        AgentUserState back = read(write(u));
        assertThat(back.pending.get(0).state[0]).isEqualTo((double) 0.1f).isNotEqualTo(0.1);
        assertThat(back.pending.get(0).decision.propensity).isEqualTo(0.1);
        assertThat(back.pending.get(0).decision.decisionId).isEqualTo(p.decision.decisionId);
        // an id that does not follow the rule is kept as it is
        p.decision.decisionId = "legacy-id";
        assertThat(read(write(u)).pending.get(0).decision.decisionId).isEqualTo("legacy-id");
    }

    @Test
    void aNextStateThatIsTheNextDecisionsStateIsWrittenOnce() throws Exception {
        AgentUserState u = busyUser();
        int separate = write(u).length;
        PendingDecision first = u.pending.get(0);
        first.nextState = u.pending.get(1).state.clone();
        byte[] shared = write(u);
        assertThat(shared.length).isLessThan(separate - 4 * first.state.length + 8);
        AgentUserState back = read(shared);
        assertThat(back.pending.get(0).nextState).containsExactly(u.pending.get(1).state);
        assertThat(back.pending.get(0).nextState).isNotSameAs(back.pending.get(1).state);
    }

    @Test
    void damagedStateFailsWithAClearError() throws Exception {
        byte[] good = write(busyUser());
        byte[] version = good.clone();
        version[0] = 7;
        assertThatThrownBy(() -> read(version)).hasMessageContaining("unknown agent state layout");
        for (int cut : new int[] {1, 9, 40, good.length / 2, good.length - 1}) {
            assertThatThrownBy(() -> read(Arrays.copyOf(good, cut)))
                    .isInstanceOf(IOException.class);
        }
    }
}
