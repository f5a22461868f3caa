package io.retentionloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages depend one way: read from the product's sources (imports and fully qualified names), so
 * that a new dependency against the grain fails here rather than in review.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/retentionloop");
    private static final Pattern USE = Pattern.compile("io\\.retentionloop\\.([a-z]+)\\.[A-Za-z]");

    /** Package → the product packages its sources name (its own excluded). */
    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> uses = out.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void packagesDependOneWay() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        // the learner and the agent share a contract (policy snapshot, network, transitions,
        // action probabilities) that lives in learner; the learner knows nothing of the agent
        assertThat(deps.get("learner")).doesNotContain("agent", "job", "cli", "local");
        // the value model trains on event histories, which the simulator is one source of
        assertThat(deps.get("value")).doesNotContain("simulate", "local", "job", "cli");
        // the simulator stands alone
        assertThat(deps.get("simulate")).isEmpty();
        assertThat(deps.get("ops")).doesNotContain("cli");
        for (String domain : Set.of("events", "lifecycle", "agent", "learner", "value")) {
            assertThat(deps.get(domain)).as(domain).doesNotContain("job", "cli", "local", "ops");
        }
        // no two packages depend on each other
        deps.forEach(
                (p, uses) ->
                        uses.forEach(
                                q ->
                                        assertThat(deps.getOrDefault(q, Set.of()))
                                                .as("%s and %s depend on each other", p, q)
                                                .doesNotContain(p)));
    }
}
