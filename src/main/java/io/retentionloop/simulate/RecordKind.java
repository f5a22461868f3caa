package io.retentionloop.simulate;

/** What a produced record is, as the simulator knows it (the job has to find out). */
public enum RecordKind {
    /** A well-formed event of the world. */
    VALID,
    /** A broken record; the sink also gets its {@link BadKind} id. */
    BAD,
    /** The exact bytes of an earlier valid record, sent again a little later. */
    DUPLICATE
}
