package io.retentionloop.benchmark;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventTimeWatermarks;
import io.retentionloop.events.IngestRouter;
import io.retentionloop.events.Ingested;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.JobEnvironment;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The yardstick every figure of the benchmark is divided by: the same source, parsing, watermarks
 * and checkpointing as the job, then {@code keyBy(user)} and one {@code ValueState<Long>} update
 * per event. What Flink itself costs per event on this machine.
 */
final class BareKeyedJob {
    static final String COUNTER = "eventsCounted";

    private BareKeyedJob() {}

    static void define(
            StreamExecutionEnvironment env, JobConfig config, Source<Ingested, ?, ?> events) {
        JobEnvironment.configure(env, config);
        JobConfig.Watermarks wm = config.watermarks();
        env.fromSource(
                        events,
                        EventTimeWatermarks.strategy(
                                wm.maxOutOfOrderness(), wm.idleTimeout(), wm.idle(), wm.maxLead()),
                        "events")
                .uid("bare-events")
                .process(new IngestRouter())
                .uid("bare-parse-validate")
                .name("bare-parse-validate")
                .keyBy(e -> e.userId)
                .process(new CountPerUser())
                .uid("bare-count")
                .name("bare-count")
                .sinkTo(new DiscardingSink<Long>(n -> new byte[0]))
                .uid("bare-sink")
                .name("bare-sink");
    }

    /** One state read and write per event; emits nothing. */
    static final class CountPerUser extends KeyedProcessFunction<String, Event, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;
        private transient Counter counted;

        @Override
        public void open(OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            counted = getRuntimeContext().getMetricGroup().counter(COUNTER);
        }

        @Override
        public void processElement(Event e, Context ctx, Collector<Long> out) throws Exception {
            Long n = count.value();
            count.update(n == null ? 1 : n + 1);
            counted.inc();
        }
    }
}
