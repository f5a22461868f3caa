package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        List<SqlScript.Statement> s =
                SqlScript.parse(
                        "-- a comment; not a statement\n"
                                + "SET 'k' = 'a;b';\n"
                                + "\n"
                                + "CREATE TABLE t (`x;y` INT) /* ; */ WITH ('c' = 'it''s;');\n"
                                + "SELECT 1; -- trailing\n",
                        "f.sql");
        assertThat(s)
                .extracting(SqlScript.Statement::sql)
                .containsExactly(
                        "SET 'k' = 'a;b'",
                        "CREATE TABLE t (`x;y` INT)   WITH ('c' = 'it''s;')",
                        "SELECT 1");
        assertThat(s).extracting(SqlScript.Statement::line).containsExactly(2, 4, 5);
        assertThat(s)
                .extracting(SqlScript.Statement::keyword)
                .containsExactly("SET", "CREATE", "SELECT");
        assertThat(s.get(1).where()).isEqualTo("f.sql:4");
    }

    @Test
    void keepsAStatementSetTogether() {
        List<SqlScript.Statement> s =
                SqlScript.parse(
                        "EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n"
                                + "  -- the second one\n  INSERT INTO b SELECT 2;\nEND;\nSELECT 3;",
                        "f.sql");
        assertThat(s).hasSize(2);
        assertThat(s.get(0).sql())
                .isEqualTo(
                        "EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT 1;\n"
                                + "INSERT INTO b SELECT 2;\nEND");
        assertThat(s.get(0).keyword()).isEqualTo("EXECUTE");
        assertThat(s.get(1).line()).isEqualTo(7);
    }

    @Test
    void rejectsUnfinishedInput() {
        assertThatThrownBy(() -> SqlScript.parse("SELECT 1", "f.sql"))
                .hasMessageContaining("f.sql:1: statement does not end with ;");
        assertThatThrownBy(() -> SqlScript.parse("SELECT 'x;", "f.sql"))
                .hasMessageContaining("not closed");
        assertThatThrownBy(
                        () ->
                                SqlScript.parse(
                                        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1;",
                                        "f.sql"))
                .hasMessageContaining("without END");
    }

    @Test
    void substitutesVariablesAndNamesAMissingOne() {
        assertThat(
                        SqlScript.substitute(
                                "'${topics.events}' and ${a-b}",
                                Map.of("topics.events", "ev", "a-b", "$1")))
                .isEqualTo("'ev' and $1");
        assertThatThrownBy(() -> SqlScript.substitute("${nope}", Map.of()))
                .hasMessageContaining("no value for ${nope}");
    }

    @Test
    void configDurationsAndInstantsGetSqlForms() {
        Map<String, String> v =
                new java.util.HashMap<>(
                        Map.of(
                                "events.max-future-skew", "1d",
                                "events.min-event-time", "1990-01-01T00:00:00Z",
                                "agent.daily-budget", "1000",
                                "topics.events", "events"));
        SqlRunner.addSqlForms(v);
        assertThat(v)
                .containsEntry("events.max-future-skew-seconds", "86400")
                .containsEntry("events.min-event-time-millis", "631152000000")
                .doesNotContainKey("agent.daily-budget-seconds")
                .hasSize(6);
    }

    @Test
    void everyShippedSqlFileParses() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("sql"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                assertThat(SqlScript.parse(Files.readString(f), f.toString()))
                        .as(f.toString())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void formatsNumbersAndNulls() {
        assertThat(ResultTable.format(null)).isEqualTo("NULL");
        assertThat(ResultTable.format(1.23456)).isEqualTo("1.2346");
        assertThat(ResultTable.format(42L)).isEqualTo("42");
        assertThat(ResultTable.format(113.35)).isEqualTo("113.35");
        assertThat(ResultTable.format(50.0)).isEqualTo("50.00");
        assertThat(
                        new ResultTable(List.of("a", "n"))
                                .render(List.of(org.apache.flink.types.Row.of("x", 5L))))
                .isEqualTo("+---+---+\n| a | n |\n+---+---+\n| x | 5 |\n+---+---+\n1 row\n");
    }
}
