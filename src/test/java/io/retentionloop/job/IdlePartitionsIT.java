package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.FlinkRest;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.value.TestModels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that goes quiet for longer than the idle timeout and then resumes one partition before
 * the other, each burst spanning days of event time (as a replay or a producer catching up does):
 * with the default {@code watermarks.idle-partitions: advance} no on-time event is lost; with
 * Flink's idleness ({@code mark-idle}) the partition that resumes second finds its events late.
 */
class IdlePartitionsIT {
    static final long DAY = 86_400_000L;
    static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    static final int USERS = 50;

    @TempDir java.nio.file.Path dir;

    @Test
    void aPauseLongerThanTheIdleTimeoutLosesNothingByDefault() throws Exception {
        assertThat(run("advance", "idle-advance")).containsEntry("late", 0.0);
    }

    @Test
    void flinkIdlenessLosesTheEventsOfThePartitionThatResumesSecond() throws Exception {
        assertThat(run("mark-idle", "idle-mark")).extractingByKey("late").isNotEqualTo(0.0);
    }

    /** Sends the bursts and returns the job's counts of accepted and late events. */
    private Map<String, Double> run(String mode, String prefix) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve(prefix + "-kafka"))) {
            JobConfig config =
                    JobConfig.load(
                            null,
                            List.of(
                                    "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                    "kafka.transactional-id-prefix=" + prefix,
                                    "job.checkpoint-interval=1s",
                                    "job.start-from=earliest",
                                    "job.parallelism=2",
                                    "watermarks.idle-timeout=2s",
                                    "watermarks.idle-partitions=" + mode,
                                    "value.model-uri=" + TestModels.tiny(1).toUri(),
                                    "topics.events=" + prefix + "-events",
                                    "topics.dead-letters=" + prefix + "-dlq",
                                    "topics.window-snapshots=" + prefix + "-snapshots",
                                    "topics.models=" + prefix + "-models",
                                    "topics.decisions=" + prefix + "-decisions",
                                    "topics.interventions=" + prefix + "-interventions",
                                    "topics.outcomes=" + prefix + "-outcomes",
                                    "topics.policy=" + prefix + "-policy"));
            kafka.createTopics(config.topics(), 2);
            Configuration flinkConf = new Configuration();
            flinkConf.setString("state.backend.type", "rocksdb");
            flinkConf.setString(
                    "execution.checkpointing.dir", dir.resolve(prefix + "-cp").toUri().toString());
            flinkConf.setString("restart-strategy.type", "none");
            flinkConf.setString("rest.bind-port", "0");
            TestEventWriter out = new TestEventWriter(prefix + "-events", 2);
            int sent = 0;
            try (LocalFlink flink = LocalFlink.start(flinkConf, 1, 2);
                    KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
                RetentionLoopJob.build(env, config);
                JobID job = flink.submit(env, prefix);
                sent += burst(producer, out, 0, 0, 3);
                sent += burst(producer, out, 1, 0, 3);
                Thread.sleep(6_000); // silent for three idle timeouts
                sent += burst(producer, out, 0, 3, 6);
                Thread.sleep(3_000); // partition 0's burst is read before partition 1 resumes
                sent += burst(producer, out, 1, 3, 6);
                FlinkRest rest = new FlinkRest(flink.restAddress());
                Map<String, Double> counts = Map.of();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (System.nanoTime() < deadline) {
                    Map<String, Double> m =
                            rest.sumMetrics(
                                    job.toString(), List.of(".eventsAccepted", ".lateEvents"));
                    counts =
                            Map.of(
                                    "accepted", FlinkRest.total(m, ".eventsAccepted"),
                                    "late", FlinkRest.total(m, ".lateEvents"));
                    if (counts.get("accepted") + counts.get("late") >= sent) {
                        break;
                    }
                    Thread.sleep(500);
                }
                flink.cancel(job);
                assertThat(counts.get("accepted") + counts.get("late")).isEqualTo((double) sent);
                return counts;
            }
        }
    }

    /** Views of every user on {@code partition}, spread over days {@code from} to {@code to}. */
    private static int burst(
            KafkaProducer<byte[], byte[]> producer,
            TestEventWriter out,
            int partition,
            int from,
            int to) {
        int n = 0;
        for (long t = START + from * DAY; t < START + to * DAY; t += DAY / 8) {
            for (int u = partition; u < USERS; u += 2) {
                String user = String.format("u%03d", u);
                producer.send(
                        new ProducerRecord<>(
                                out.topic(), partition, t, null, out.json(user, "view", t, 0)));
                n++;
            }
        }
        producer.flush();
        return n;
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
