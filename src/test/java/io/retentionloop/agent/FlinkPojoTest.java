package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.learner.Transition;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** What the Flink operators keep in state serializes as POJOs, never through Kryo. */
class FlinkPojoTest {

    @Test
    void stateTypesArePojosAllTheWayDown() {
        for (Class<?> type :
                new Class<?>[] {
                    Decision.class,
                    PendingDecision.class,
                    InterventionHistory.class,
                    Outcome.class,
                    BudgetShare.class,
                    BudgetPacer.class,
                    Transition.class,
                    PolicySnapshot.class
                }) {
            assertNoGenericTypes(TypeInformation.of(type), type.getSimpleName());
        }
    }

    @Test
    void pendingDecisionRoundTripsThroughItsFlinkSerializer() throws IOException {
        ActionCatalogue catalogue = ActionCatalogueTest.shipped();
        PendingDecision p =
                new RewardAttribution(28 * 86_400_000L)
                        .open(DecisionJsonTest.decision(), new double[] {1, 2, 3}, catalogue, null);
        p.revenue = 12.5;
        p.baseline = 7.5;
        p.offerNextState(
                new double[] {4, 5, 6}, 3.25, new boolean[] {true, false, true, true, false});
        PendingDecision back = roundTrip(p, PendingDecision.class);
        assertThat(back).usingRecursiveComparison().isEqualTo(p);
        assertThat(back.nextAllowed).containsExactly(true, false, true, true, false);

        InterventionHistory h = InterventionHistory.create(catalogue);
        h.recordSend(catalogue, 1, 1000L);
        assertThat(roundTrip(h, InterventionHistory.class)).usingRecursiveComparison().isEqualTo(h);
        h.recordWindow(catalogue, 1000L + 7 * 86_400_000L, 7 * 86_400_000L, 1);
        assertThat(roundTrip(h, InterventionHistory.class)).usingRecursiveComparison().isEqualTo(h);
    }

    private static <T> T roundTrip(T value, Class<T> type) throws IOException {
        TypeSerializer<T> serializer =
                TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static void assertNoGenericTypes(TypeInformation<?> info, String path) {
        assertThat(info).as(path).isNotInstanceOf(GenericTypeInfo.class);
        if (info instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                assertNoGenericTypes(
                        pojo.getPojoFieldAt(i).getTypeInformation(),
                        path + "." + pojo.getPojoFieldAt(i).getField().getName());
            }
        } else if (path.indexOf('.') < 0) {
            throw new AssertionError(path + " is not a POJO: " + info);
        }
    }
}
