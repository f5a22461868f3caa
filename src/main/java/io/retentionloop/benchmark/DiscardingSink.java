package io.retentionloop.benchmark;

import java.io.Serializable;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that encodes every record with the job's own writer and drops the bytes: the job's output
 * costs what it does before Kafka.
 */
final class DiscardingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** The job's encoder for this output. */
    interface Encoder<T> extends Function<T, byte[]>, Serializable {}

    private final Encoder<T> encoder;

    DiscardingSink(Encoder<T> encoder) {
        this.encoder = encoder;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            long bytes;

            @Override
            public void write(T element, Context ctx) {
                bytes += encoder.apply(element).length;
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
