package io.retentionloop.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink SQL script split into statements, the way the SQL client reads a file: statements end
 * with {@code ;} outside quotes and comments, and an {@code EXECUTE STATEMENT SET BEGIN ... END;}
 * block is one statement. Each statement remembers the line it starts on, for error messages.
 */
public final class SqlScript {

    /** One statement: its text without comments, and where it starts in the file. */
    public record Statement(String sql, String source, int line) {

        /** The first keyword, upper case ({@code SET}, {@code CREATE}, {@code SELECT} ...). */
        public String keyword() {
            Matcher m = Pattern.compile("^\\s*\\(*\\s*([A-Za-z]+)").matcher(sql);
            return m.find() ? m.group(1).toUpperCase(Locale.ROOT) : "";
        }

        /** {@code source:line}, e.g. {@code sql/20-uplift.sql:14}. */
        public String where() {
            return source + ":" + line;
        }
    }

    private static final Pattern STATEMENT_SET_START =
            Pattern.compile(
                    "^\\s*EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern END = Pattern.compile("^\\s*END\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SqlScript() {}

    /**
     * Splits {@code text} into statements. Comments ({@code --} to the end of the line, {@code /*
     * ... *&#47;}) are dropped; quoted strings ({@code '...'} with {@code ''} inside) and quoted
     * identifiers ({@code `...`}) are kept as written.
     *
     * @throws IllegalArgumentException on an unterminated string, comment or statement set, or text
     *     after the last {@code ;}
     */
    public static List<Statement> parse(String text, String source) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        StringBuilder block = null; // an open EXECUTE STATEMENT SET BEGIN ... END
        int blockLine = 0;
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            source + ":" + line + ": comment not closed with */");
                }
                String comment = text.substring(i, end + 2);
                line += count(comment, '\n');
                current.append(' ');
                i = end + 2;
                continue;
            }
            if (c == '\'' || c == '`' || c == '"') {
                int end = closingQuote(text, i, c);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            source + ":" + line + ": " + c + " not closed");
                }
                if (startLine < 0) {
                    startLine = line;
                }
                String quoted = text.substring(i, end + 1);
                current.append(quoted);
                line += count(quoted, '\n');
                i = end + 1;
                continue;
            }
            if (c == ';') {
                String sql = current.toString().strip();
                current.setLength(0);
                if (block != null) {
                    block.append(sql).append(";\n");
                    if (END.matcher(sql).matches()) {
                        String whole = block.toString().strip();
                        // Flink's parser takes the block without the final ';'
                        out.add(
                                new Statement(
                                        whole.substring(0, whole.length() - 1), source, blockLine));
                        block = null;
                    }
                } else if (STATEMENT_SET_START.matcher(sql).find()) {
                    block = new StringBuilder(sql).append(";\n");
                    blockLine = startLine;
                } else if (!sql.isEmpty()) {
                    out.add(new Statement(sql, source, startLine));
                }
                startLine = -1;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            } else if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            current.append(c);
            i++;
        }
        if (block != null) {
            throw new IllegalArgumentException(
                    source + ":" + blockLine + ": EXECUTE STATEMENT SET without END;");
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException(
                    source + ":" + startLine + ": statement does not end with ;");
        }
        return out;
    }

    /**
     * Replaces every {@code ${name}} in {@code sql} by its value.
     *
     * @throws IllegalArgumentException naming the first variable that has no value
     */
    public static String substitute(String sql, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(
                        "no value for ${"
                                + m.group(1)
                                + "}: SET '"
                                + m.group(1)
                                + "' = '...'; before it, or -D "
                                + m.group(1)
                                + "=...");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int closingQuote(String text, int open, char quote) {
        for (int j = open + 1; j < text.length(); j++) {
            if (text.charAt(j) == quote) {
                if (j + 1 < text.length() && text.charAt(j + 1) == quote) {
                    j++; // doubled quote inside the string
                    continue;
                }
                return j;
            }
        }
        return -1;
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int j = 0; j < s.length(); j++) {
            if (s.charAt(j) == c) {
                k++;
            }
        }
        return k;
    }
}
