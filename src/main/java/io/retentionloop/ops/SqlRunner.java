package io.retentionloop.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.KafkaIO;
import io.retentionloop.security.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs Flink SQL scripts, like the Flink Kubernetes Operator's SQL runner: {@code SET 'k' = 'v';}
 * configures the session, DDL and {@code INSERT} / {@code EXECUTE STATEMENT SET BEGIN ... END;} run
 * as they are, and the rows of a {@code SELECT} are printed as a table. Several files run in one
 * session, in order (the report files of {@code sql/} after {@code sql/00-tables.sql}).
 *
 * <p>Scripts may use {@code ${name}} variables: every key of the application configuration ({@code
 * ${kafka.bootstrap-servers}}, {@code ${topics.interventions}}, {@code ${agent.daily-budget}} ...),
 * {@code ${scan.bounded.mode}} and {@code ${report.out-dir}}, and every key set with {@code SET} or
 * {@code -D}. A value given on the command line wins over a {@code SET} of the same key in a file.
 *
 * <p>{@code ${kafka.client-options}} expands to the job's Kafka client properties ({@code
 * kafka.properties} and {@code kafka.properties-file} of the config, {@code ${env:...}} and {@code
 * ${file:...}} resolved, see {@link KafkaIO#clientProperties}) as {@code 'properties.KEY' =
 * 'VALUE',} table options, so the tables reach a secured broker as the job does. Their secret
 * values are masked in everything the runner prints.
 *
 * <p>By default the Kafka tables are read up to their current end ({@code scan.bounded.mode =
 * latest-offset}) in batch mode, so a report prints final figures and ends. {@code --follow} runs
 * in streaming mode over unbounded tables instead: continuous {@code INSERT}s and statement sets.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Run Flink SQL files (sql/*.sql) against the job's Kafka topics and print the results.",
            "Statements: SET 'key' = 'value'; DDL; SELECT (printed as a table); INSERT; "
                    + "EXECUTE STATEMENT SET BEGIN ... END;. ${name} in a statement is replaced "
                    + "by a variable: any application config key, scan.bounded.mode, "
                    + "report.out-dir, or a key set with SET or -D."
        })
public final class SqlRunner implements Callable<Integer> {

    private static final Pattern SET =
            Pattern.compile(
                    "^SET(?:\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)')?\\s*$",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "SQL files, run in order in one session.")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--bootstrap-servers",
            description = "Kafka brokers (default: kafka.bootstrap-servers of the config).")
    String bootstrapServers;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Application config (conf/retention-loop.yaml format) whose keys become"
                            + " variables; default: the packaged defaults.")
    Path config;

    @Option(
            names = {"-D", "--define"},
            paramLabel = "KEY=VALUE",
            description =
                    "A variable or Flink setting, winning over a SET of the same key in a file,"
                            + " e.g. -D report.daily-budget=500. kafka.properties.KEY and"
                            + " kafka.properties-file also set the tables' Kafka client"
                            + " properties, as the job's --set does; secrets as"
                            + " '$${env:NAME}' or '$${file:/path}'. Repeatable.")
    Map<String, String> defines = new LinkedHashMap<>();

    @Option(
            names = "--follow",
            description =
                    "Streaming mode over unbounded tables (continuous INSERTs and statement"
                            + " sets; SELECTs print changes until stopped). Default: batch mode"
                            + " up to the topics' current end.")
    boolean follow;

    @Option(
            names = "--out-dir",
            defaultValue = Home.DEFAULT + "/target/reports",
            description = "Directory for ${report.out-dir} (default ${DEFAULT-VALUE}).")
    Path outDir;

    /** The rows of one query, as returned to callers (tests) and printed. */
    public record Result(SqlScript.Statement statement, List<String> columns, List<Row> rows) {

        /** The index of a column by name. */
        public int column(String name) {
            int i = columns.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no column " + name + " in " + columns);
            }
            return i;
        }
    }

    /** The variable holding the Kafka client properties as table options. */
    static final String CLIENT_OPTIONS = "kafka.client-options";

    /** Options the table definitions set themselves. */
    private static final Set<String> OWN_OPTIONS = Set.of("bootstrap.servers", "isolation.level");

    private final Map<String, String> variables = new TreeMap<>();

    /** Values never printed: the secret client properties (resolved) and their option text. */
    private final Set<String> secrets = new HashSet<>();

    private final Map<String, String> pinned = new TreeMap<>();
    private final Configuration settings = new Configuration();
    private TableEnvironment env;
    private PrintStream out = System.out;
    private PrintStream log = System.err;

    @Override
    public Integer call() throws Exception {
        run();
        return 0;
    }

    /** Sends tables to {@code out} and progress to {@code log} (both stdout/stderr by default). */
    public SqlRunner printTo(PrintStream out, PrintStream log) {
        this.out = out;
        this.log = log;
        return this;
    }

    /** Runs every file in order and returns the results of the queries. */
    public List<Result> run() throws Exception {
        initVariables();
        List<Result> results = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            for (SqlScript.Statement s : SqlScript.parse(text, file.toString())) {
                Result r = execute(s);
                if (r != null) {
                    results.add(r);
                }
            }
        }
        return results;
    }

    private void initVariables() throws IOException {
        flatten(applicationConfig(), "", variables);
        addSqlForms(variables);
        variables.putIfAbsent(
                "agent.daily-budget", String.valueOf(JobConfig.defaults().agent().dailyBudget()));
        variables.put("scan.bounded.mode", follow ? "unbounded" : "latest-offset");
        variables.put("report.out-dir", outDir.toAbsolutePath().normalize().toUri().toString());
        if (bootstrapServers != null) {
            pinned.put("kafka.bootstrap-servers", bootstrapServers);
        }
        pinned.putAll(defines);
        variables.putAll(pinned);
        variables.put(CLIENT_OPTIONS, clientOptions());
        // reports are small: one slot each keeps a 2-core machine responsive
        settings.setString("parallelism.default", "1");
        // application keys are variables only; Kafka client properties may be secrets
        pinned.forEach(
                (k, v) -> {
                    if (!k.startsWith("kafka.")) {
                        settings.setString(k, v);
                    }
                });
        log("%s; Kafka at %s", mode(), variables.get("kafka.bootstrap-servers"));
    }

    /**
     * The job's Kafka client properties (the config file and the {@code -D kafka.properties.*} /
     * {@code -D kafka.properties-file} given here) as table options, one per line, each ending in a
     * comma; empty when there are none.
     */
    private String clientOptions() {
        List<String> overrides = new ArrayList<>();
        pinned.forEach(
                (k, v) -> {
                    if (k.startsWith("kafka.properties.") || k.equals("kafka.properties-file")) {
                        overrides.add(k + "=" + v);
                    }
                });
        Properties client = KafkaIO.clientProperties(JobConfig.load(config, overrides).kafka());
        StringBuilder options = new StringBuilder();
        for (String key : new TreeSet<>(client.stringPropertyNames())) {
            if (OWN_OPTIONS.contains(key)) {
                continue;
            }
            String value = client.getProperty(key);
            if (Secrets.isSecretKey(key) && !value.isEmpty()) {
                secrets.add(value);
                secrets.add(value.replace("'", "''"));
            }
            options.append("'properties.")
                    .append(key.replace("'", "''"))
                    .append("' = '")
                    .append(value.replace("'", "''"))
                    .append("',\n  ");
        }
        return options.toString();
    }

    /** {@code text} with every secret value masked, for printing. */
    String scrub(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, Secrets.MASK);
        }
        return out;
    }

    /**
     * SQL cannot read {@code 1d} or an ISO instant: a duration ({@code 30s}, {@code 1d}) is also
     * given in seconds as {@code key-seconds}, an instant in epoch millis as {@code key-millis}.
     */
    static void addSqlForms(Map<String, String> variables) {
        for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
            String v = e.getValue().strip();
            if (v.matches("\\d+\\s*[a-z]+")) {
                try {
                    long seconds = TimeUtils.parseDuration(v).toSeconds();
                    variables.put(e.getKey() + "-seconds", String.valueOf(seconds));
                } catch (IllegalArgumentException notADuration) {
                    // e.g. a size like 64mb: no seconds
                }
            } else if (v.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                try {
                    long millis = Instant.parse(v).toEpochMilli();
                    variables.put(e.getKey() + "-millis", String.valueOf(millis));
                } catch (DateTimeParseException notAnInstant) {
                    // a local date-time: no millis
                }
            }
        }
    }

    private Result execute(SqlScript.Statement s) throws Exception {
        String sql;
        try {
            sql = SqlScript.substitute(s.sql(), variables);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.where() + ": " + e.getMessage(), e);
        }
        String keyword = s.keyword();
        if (keyword.equals("SET")) {
            set(s, sql);
            return null;
        }
        long t0 = System.nanoTime();
        TableResult result;
        try {
            result = env().executeSql(sql);
        } catch (RuntimeException e) {
            // Flink's message may quote the table's options; the cause chain is left out for that
            throw new IllegalArgumentException(
                    scrub(s.where() + ": " + rootMessage(e) + "\n  in: " + firstLine(sql)));
        }
        try {
            if (keyword.equals("INSERT") || keyword.equals("EXECUTE")) {
                String job =
                        result.getJobClient().map(c -> c.getJobID().toString()).orElse("(none)");
                log("%s: job %s running: %s", s.where(), job, firstLine(sql));
                result.await();
                log("%s: job %s finished in %.1f s", s.where(), job, seconds(t0));
                return null;
            }
            if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                Result r = query(s, result);
                log("%s: %d rows in %.1f s", s.where(), r.rows().size(), seconds(t0));
                return r;
            }
        } catch (Exception e) {
            throw new IllegalStateException(scrub(s.where() + ": " + rootMessage(e)));
        }
        log("%s: %s", s.where(), firstLine(sql));
        return null;
    }

    private void set(SqlScript.Statement s, String sql) {
        Matcher m = SET.matcher(sql);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    s.where() + ": expected SET 'key' = 'value'; got " + firstLine(sql));
        }
        if (m.group(1) == null) {
            variables.forEach(
                    (k, v) -> out.println("'" + k + "' = '" + scrub(Secrets.mask(k, v)) + "'"));
            return;
        }
        String key = m.group(1).replace("''", "'");
        String value = m.group(2).replace("''", "'");
        if (pinned.containsKey(key)) {
            log(
                    "%s: keeping %s = %s from the command line",
                    s.where(), key, Secrets.mask(key, pinned.get(key)));
            return;
        }
        if (key.equals("execution.runtime-mode")) {
            throw new IllegalArgumentException(
                    s.where()
                            + ": the runtime mode is chosen on the command line (--follow for"
                            + " streaming)");
        }
        variables.put(key, value);
        settings.setString(key, value);
        if (env != null) {
            env.getConfig().set(key, value);
        }
    }

    private Result query(SqlScript.Statement s, TableResult result) throws Exception {
        List<String> columns = result.getResolvedSchema().getColumnNames();
        List<Row> rows = new ArrayList<>();
        ResultTable table = new ResultTable(columns);
        try (CloseableIterator<Row> it = result.collect()) {
            if (follow) {
                // an unbounded query never ends: print every change as it arrives
                out.println(table.header(true));
                while (it.hasNext()) {
                    Row r = it.next();
                    rows.add(r);
                    out.println(scrub(table.changeLine(r)));
                }
            } else {
                it.forEachRemaining(rows::add);
            }
        }
        if (!follow) {
            out.println("-- " + s.where());
            out.print(scrub(table.render(rows)));
            out.println();
        }
        return new Result(s, columns, rows);
    }

    private TableEnvironment env() {
        if (env == null) {
            EnvironmentSettings.Builder b = EnvironmentSettings.newInstance();
            (follow ? b.inStreamingMode() : b.inBatchMode()).withConfiguration(settings);
            env = TableEnvironment.create(b.build());
        }
        return env;
    }

    private String mode() {
        return follow
                ? "streaming mode, unbounded topics"
                : "batch mode, topics read up to their current end";
    }

    /** The packaged application defaults with {@code --config} merged over them. */
    private JsonNode applicationConfig() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode tree;
        try (InputStream in = JobConfig.class.getResourceAsStream(JobConfig.DEFAULTS_RESOURCE)) {
            tree = in == null ? yaml.createObjectNode() : (ObjectNode) yaml.readTree(in);
        }
        if (config != null) {
            JsonNode user = yaml.readTree(config.toFile());
            if (user instanceof ObjectNode o) {
                merge(tree, o);
            } else if (user != null && !user.isNull() && !user.isMissingNode()) {
                throw new IllegalArgumentException(config + " is not a YAML mapping");
            }
        }
        return tree;
    }

    private static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (base.get(e.getKey()) instanceof ObjectNode b
                    && e.getValue() instanceof ObjectNode o) {
                merge(b, o);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> into) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(e -> flatten(e.getValue(), prefix + e.getKey() + ".", into));
        } else if (!node.isArray() && !node.isNull()) {
            into.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }

    private void log(String format, Object... args) {
        log.println(scrub("[sql] " + String.format(Locale.ROOT, format, args)));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 100) + " ..." : line;
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return message;
    }
}
