package io.retentionloop.benchmark;

import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an {@link EventFile} and parses every record with the job's {@link EventParser}, as the
 * Kafka source's deserializer does: the benchmark's source costs what the job's does, minus Kafka.
 */
final class EventFileFormat extends SimpleStreamFormat<Ingested> {
    private static final long serialVersionUID = 1L;

    private final EventRules rules;

    EventFileFormat(EventRules rules) {
        this.rules = rules;
    }

    @Override
    public StreamFormat.Reader<Ingested> createReader(Configuration config, FSDataInputStream in) {
        EventParser parser = new EventParser(rules);
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        return new StreamFormat.Reader<>() {
            long offset;

            @Override
            public Ingested read() throws IOException {
                long ts;
                try {
                    ts = data.readLong();
                } catch (EOFException e) {
                    return null;
                }
                byte[] value = new byte[data.readInt()];
                data.readFully(value);
                return parser.parse(value, "events", 0, offset++, ts);
            }

            @Override
            public void close() throws IOException {
                data.close();
            }
        };
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
