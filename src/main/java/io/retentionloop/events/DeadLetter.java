package io.retentionloop.events;

/**
 * A rejected input record with the reason and enough provenance (topic, partition, offset) to find
 * the original even when its payload had to be truncated.
 */
public class DeadLetter {
    public DeadLetterReason reason;
    public String detail;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    /** The Kafka record timestamp of the original, epoch milliseconds. */
    public long recordTimestamp;

    /** Size of the original payload in bytes. */
    public int payloadBytes;

    /** The original payload as text, truncated to {@code events.dlq-max-payload-bytes}. */
    public String payload;

    /** Whether {@link #payload} holds fewer bytes than the original. */
    public boolean payloadTruncated;

    public DeadLetter() {}

    public DeadLetter(
            DeadLetterReason reason,
            String detail,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            long recordTimestamp,
            int payloadBytes,
            String payload) {
        this.reason = reason;
        this.detail = detail;
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.recordTimestamp = recordTimestamp;
        this.payloadBytes = payloadBytes;
        this.payload = payload;
    }

    @Override
    public String toString() {
        return "DeadLetter("
                + reason.code()
                + ": "
                + detail
                + " @"
                + sourceTopic
                + "/"
                + sourcePartition
                + "/"
                + sourceOffset
                + ")";
    }
}
