package io.retentionloop.value;

import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.model.ClvModel;
import io.retentionloop.value.model.ValuePrediction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code value-scorer} operator: scores window snapshots with the value model in micro-batches
 * (one network call per batch; ND4J's fixed per-call cost makes single rows ~100x slower). A batch
 * is flushed when full, before a watermark is passed on (so no scored window is late for the agent)
 * and before each checkpoint barrier (so nothing is held in memory across a checkpoint and the
 * operator needs no record state). The second input carries {@link ModelRef} announcements: a new
 * model is loaded, checked and swapped in; a bad one is rejected and the current one keeps serving.
 * The model reference in use is kept in operator state, so a restore serves the same version.
 */
public final class ValueScorerOperator extends AbstractStreamOperator<ScoredWindow>
        implements TwoInputStreamOperator<WindowSnapshot, ModelRef, ScoredWindow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValueScorerOperator.class);

    /** Operator state name; part of the savepoint format. */
    public static final String MODEL_STATE = "model-ref";

    private final ModelRef initial;
    private final int batchSize;
    private final ModelLoader loader;

    private transient ListState<ModelRef> modelState;
    private transient ModelRef current;
    private transient ClvModel model;
    private transient List<StreamRecord<WindowSnapshot>> buffer;

    private transient Counter scored;
    private transient Counter modelsLoaded;
    private transient Counter modelsRejected;
    private transient Histogram batchSizes;
    private transient Histogram latencyMicros;
    private transient ComputeBackend backend;

    public ValueScorerOperator(ModelRef initial, int batchSize, ModelLoader loader) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("value.batch-size must be > 0");
        }
        this.initial = initial;
        this.batchSize = batchSize;
        this.loader = loader;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // union: every subtask sees every reference after rescaling and keeps the newest
        modelState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        MODEL_STATE, TypeInformation.of(ModelRef.class)));
        for (ModelRef r : modelState.get()) {
            if (current == null || r.sequence > current.sequence) {
                current = r;
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new ArrayList<>(batchSize);
        MetricGroup m = getRuntimeContext().getMetricGroup();
        scored = m.counter("windowsScored");
        modelsLoaded = m.counter("modelsLoaded");
        modelsRejected = m.counter("modelsRejected");
        batchSizes = m.histogram("scoringBatchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros =
                m.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        m.gauge("modelVersion", () -> model == null ? "" : model.version());
        m.gauge("modelTrainedAtEpochSeconds", () -> model == null ? 0L : trainedAt(model));
        m.gauge("gpuInUse", () -> backend == ComputeBackend.GPU ? 1 : 0);

        int gpus = getRuntimeContext().getExternalResourceInfos("gpu").size();
        String nd4j = Nd4j.getBackend().getClass().getSimpleName();
        backend = ComputeBackend.decide(gpus, nd4j);
        String why = backend.explain(gpus, nd4j);
        if (backend == ComputeBackend.CPU_FALLBACK) {
            LOG.warn(why);
        } else {
            LOG.info(why);
        }
        if (backend == ComputeBackend.GPU) {
            bindToGrantedGpu();
        }

        if (current != null) {
            try {
                model = loader.load(current);
            } catch (ModelLoader.Rejected e) {
                LOG.warn(
                        "restored model {} cannot be loaded ({}); using {}",
                        current,
                        e.getMessage(),
                        initial);
                current = null;
            }
        }
        if (model == null) {
            try {
                model = loader.load(initial);
            } catch (ModelLoader.Rejected e) {
                // no model, no scoring: the configured one was checked at submit, so fail loudly
                throw new IOException("value.model-uri: " + e.getMessage(), e);
            }
            current = initial;
        }
        modelsLoaded.inc();
        LOG.info("serving value model {} (horizon {} days)", model.version(), model.horizonDays());
    }

    private void bindToGrantedGpu() {
        for (ExternalResourceInfo info : getRuntimeContext().getExternalResourceInfos("gpu")) {
            // the task thread does the scoring: bind it to the device Flink granted
            info.getProperty("index")
                    .ifPresent(i -> Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(i)));
            return;
        }
    }

    @Override
    public void processElement1(StreamRecord<WindowSnapshot> element) {
        buffer.add(element.copy(element.getValue()));
        if (buffer.size() >= batchSize) {
            flush();
        }
    }

    @Override
    public void processElement2(StreamRecord<ModelRef> element) {
        ModelRef ref = element.getValue();
        if (current != null && ref.sequence <= current.sequence && !ref.equals(current)) {
            LOG.info("ignoring {}: not newer than {}", ref, current);
            return;
        }
        if (ref.equals(current)) {
            return;
        }
        try {
            ClvModel next = loader.load(ref);
            flush(); // what arrived before the swap is scored by the model current then
            model = next;
            current = ref;
            modelsLoaded.inc();
            LOG.info("swapped to value model {} from {}", next.version(), ref.uri);
        } catch (ModelLoader.Rejected e) {
            modelsRejected.inc();
            LOG.warn(
                    "rejected model {} ({}): {}; still serving {}",
                    ref,
                    e.reason,
                    e.getMessage(),
                    model.version());
        }
    }

    /** Event time comes from the snapshots only; model announcements carry none. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        modelState.update(current == null ? List.of() : List.of(current));
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        List<double[]> features = new ArrayList<>(buffer.size());
        for (StreamRecord<WindowSnapshot> r : buffer) {
            features.add(r.getValue().features);
        }
        long t0 = System.nanoTime();
        ValuePrediction[] p = model.predict(features, model.horizonDays());
        latencyMicros.update((System.nanoTime() - t0) / 1000);
        batchSizes.update(buffer.size());
        for (int i = 0; i < p.length; i++) {
            StreamRecord<WindowSnapshot> r = buffer.get(i);
            output.collect(
                    r.replace(
                            new ScoredWindow(
                                    r.getValue(), p[i], model.horizonDays(), model.version())));
        }
        scored.inc(p.length);
        buffer.clear();
    }

    private static long trainedAt(ClvModel m) {
        try {
            return java.time.Instant.parse(m.metadata().createdAt()).getEpochSecond();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
