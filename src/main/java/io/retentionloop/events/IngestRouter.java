package io.retentionloop.events;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid events on, dead letters to {@link #DEAD_LETTERS}, and drops heartbeats (they have
 * already done their work on the watermark). Counts each, dead letters by reason.
 */
public final class IngestRouter extends ProcessFunction<Ingested, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>(
                    "dead-letters",
                    org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));

    private transient Counter events;
    private transient Counter heartbeats;
    private transient Map<DeadLetterReason, Counter> deadLettered;

    @Override
    public void open(OpenContext ctx) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        events = group.counter("eventsValid");
        heartbeats = group.counter("heartbeats");
        deadLettered = deadLetterCounters(group);
    }

    /** One counter per reason, as a {@code reason} label, so all reasons exist from the start. */
    public static Map<DeadLetterReason, Counter> deadLetterCounters(MetricGroup group) {
        Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            counters.put(r, group.addGroup("reason", r.code()).counter("deadLettered"));
        }
        return counters;
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<Event> out) {
        if (in.event != null) {
            events.inc();
            out.collect(in.event);
        } else if (in.deadLetter != null) {
            deadLettered.get(in.deadLetter.reason).inc();
            ctx.output(DEAD_LETTERS, in.deadLetter);
        } else {
            heartbeats.inc();
        }
    }
}
