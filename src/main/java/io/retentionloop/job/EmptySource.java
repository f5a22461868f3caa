package io.retentionloop.job;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;

/**
 * A source of no records for {@link RetentionLoopJob#defineWorkflow} where a graph runs without a
 * control topic (the benchmark, tests).
 */
public final class EmptySource {
    private EmptySource() {}

    /**
     * A bounded source of {@code type} that reads {@code empty} (an empty file) and yields no
     * record: no model announcements or policies from outside.
     */
    public static <T> FileSource<T> of(Path empty, Class<T> type) {
        return FileSource.forRecordStreamFormat(
                        new org.apache.flink.connector.file.src.reader.SimpleStreamFormat<T>() {
                            @Override
                            public Reader<T> createReader(
                                    Configuration config,
                                    org.apache.flink.core.fs.FSDataInputStream in) {
                                return new Reader<>() {
                                    @Override
                                    public T read() {
                                        return null;
                                    }

                                    @Override
                                    public void close() throws IOException {
                                        in.close();
                                    }
                                };
                            }

                            @Override
                            public TypeInformation<T> getProducedType() {
                                return TypeInformation.of(type);
                            }
                        },
                        new org.apache.flink.core.fs.Path(empty.toUri()))
                .build();
    }
}
