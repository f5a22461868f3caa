package io.retentionloop.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The configuration reference page, {@code src/site/markdown/configuration.md}, generated from the
 * one place keys are documented: {@code conf/retention-loop.yaml}, the packaged defaults, whose
 * comments describe each key. The job loads that file requiring every key and accepting no other,
 * so the page lists every key exactly once with its default. {@code ConfigReferenceTest} fails when
 * the page is out of date.
 */
@Command(
        name = "config-reference",
        mixinStandardHelpOptions = true,
        description =
                "Write the configuration reference page from conf/retention-loop.yaml's keys,"
                        + " defaults and comments.")
public final class ConfigReference implements Callable<Integer> {
    static final Path YAML = Path.of("conf/retention-loop.yaml");
    static final Path PAGE = Path.of("src/site/markdown/configuration.md");

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/src/site/markdown/configuration.md",
            description = "The page to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--config",
            defaultValue = Home.DEFAULT + "/conf/retention-loop.yaml",
            description = "The commented defaults (default ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() throws IOException {
        Files.writeString(out, render(Files.readString(config, StandardCharsets.UTF_8)));
        System.out.println("wrote " + out);
        return 0;
    }

    /** One key: its dotted name, default (YAML text; empty for a section) and description. */
    record Key(String name, String value, String description, int depth) {}

    /** The keys of the commented YAML, in file order, sections included. */
    static List<Key> keys(String yaml) {
        List<Key> keys = new ArrayList<>();
        Deque<String> path = new ArrayDeque<>();
        Deque<Integer> indents = new ArrayDeque<>();
        StringBuilder comment = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty()) {
                comment.setLength(0);
                continue;
            }
            int indent = line.indexOf(t.charAt(0));
            if (t.startsWith("#")) {
                String text = t.substring(1);
                comment.append(text.startsWith(" ") ? text.substring(1) : text).append('\n');
                continue;
            }
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a key: " + line);
            }
            while (!indents.isEmpty() && indents.peek() >= indent) {
                indents.pop();
                path.pop();
            }
            String key = t.substring(0, colon);
            String value = t.substring(colon + 1).strip();
            List<String> names = new ArrayList<>(path);
            java.util.Collections.reverse(names);
            names.add(key);
            keys.add(
                    new Key(
                            String.join(".", names),
                            value,
                            comment.toString().strip(),
                            path.size()));
            comment.setLength(0);
            if (value.isEmpty()) {
                path.push(key);
                indents.push(indent);
            }
        }
        return keys;
    }

    /** The page. */
    static String render(String yaml) {
        StringBuilder b = new StringBuilder();
        b.append("# Configuration reference\n\n");
        b.append(
                "Every key of the application configuration with its default, generated from"
                        + " `conf/retention-loop.yaml` (the defaults packaged in the jar) by"
                        + " `jobs/lab.sh config-reference`. A file given with `--config`"
                        + " overrides any subset of keys and `--set key=value` single ones;"
                        + " durations are written `500ms`, `30s`, `10min`, `1h`, `7d`. Flink's own"
                        + " settings (memory, slots, state backend, metrics) are in"
                        + " `conf/config.yaml`.\n");
        for (Key k : keys(yaml)) {
            if (k.depth() == 0) {
                b.append("\n## `").append(k.name()).append("`\n\n");
                if (!k.description().isEmpty()) {
                    b.append(paragraph(k.description())).append("\n\n");
                }
                b.append("| key | default | meaning |\n|---|---|---|\n");
                continue;
            }
            String value = k.value().isEmpty() ? "" : "`" + cell(k.value()) + "`";
            b.append("| `")
                    .append(k.name())
                    .append("` | ")
                    .append(value)
                    .append(" | ")
                    .append(cell(paragraph(k.description())))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Comment lines joined into one paragraph; lines that start a list item keep their break. */
    private static String paragraph(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            boolean item = line.startsWith("  ") || t.matches("^[a-z0-9-]+ +- .*");
            if (b.length() > 0) {
                b.append(item ? "<br>" : " ");
            }
            b.append(t);
        }
        return b.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("*", "\\*");
    }
}
