package io.retentionloop.encoding;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * A byte layout for values of {@code T}: what keyed state holds, written and read in plain Java.
 */
public interface Codec<T> extends Serializable {
    void write(T value, DataOutput out) throws IOException;

    /** Reads one value; a damaged or unknown layout is an {@link IOException} with the reason. */
    T read(DataInput in) throws IOException;
}
