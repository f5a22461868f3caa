package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration reference page says what the packaged defaults say, every key once. */
class ConfigReferenceTest {

    @Test
    void thePageIsUpToDateWithTheDefaults() throws Exception {
        String yaml = Files.readString(ConfigReference.YAML, StandardCharsets.UTF_8);
        String expected = ConfigReference.render(yaml);
        String page =
                Files.exists(ConfigReference.PAGE)
                        ? Files.readString(ConfigReference.PAGE, StandardCharsets.UTF_8)
                        : "";
        assertThat(page)
                .as(
                        "src/site/markdown/configuration.md is out of date: jobs/lab.sh config-reference")
                .isEqualTo(expected);
    }

    @Test
    void everyKeyTheJobReadsIsListedOnceWithItsDefaultAndAMeaning() throws Exception {
        List<ConfigReference.Key> keys =
                ConfigReference.keys(
                        Files.readString(ConfigReference.YAML, StandardCharsets.UTF_8));
        assertThat(keys.stream().map(ConfigReference.Key::name)).doesNotHaveDuplicates();
        assertThat(keys.stream().filter(k -> k.depth() == 0).map(ConfigReference.Key::name))
                .containsExactly(
                        "kafka",
                        "topics",
                        "events",
                        "watermarks",
                        "lifecycle",
                        "value",
                        "agent",
                        "learner",
                        "job",
                        "security");
        // the job requires every key of the file and accepts no other: these are all its keys
        JobConfig defaults = JobConfig.defaults();
        assertThat(keys)
                .filteredOn(k -> k.name().equals("lifecycle.window"))
                .singleElement()
                .satisfies(k -> assertThat(k.value()).isEqualTo("7d"));
        assertThat(defaults.lifecycle().window()).hasDays(7);
        assertThat(keys)
                .filteredOn(k -> k.depth() == 1 && !k.value().isEmpty())
                .allSatisfy(k -> assertThat(k.description()).as(k.name()).isNotBlank());
    }
}
