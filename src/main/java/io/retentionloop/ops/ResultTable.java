package io.retentionloop.ops;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.types.Row;

/**
 * Prints query rows as a plain-text table (numbers right-aligned, doubles with two to four
 * decimals, NULL for missing values), the way the SQL client's tableau mode does.
 */
final class ResultTable {
    private final List<String> columns;

    ResultTable(List<String> columns) {
        this.columns = columns;
    }

    /** The whole table with a row count. */
    String render(List<Row> rows) {
        int[] width = new int[columns.size()];
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < width.length; c++) {
            width[c] = columns.get(c).length();
        }
        for (Row r : rows) {
            String[] line = new String[width.length];
            for (int c = 0; c < width.length; c++) {
                line[c] = format(r.getField(c));
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder b = new StringBuilder();
        String rule = rule(width);
        b.append(rule);
        b.append(line(columns.toArray(String[]::new), width, null));
        b.append(rule);
        for (int i = 0; i < rows.size(); i++) {
            b.append(line(cells.get(i), width, rows.get(i)));
        }
        b.append(rule);
        b.append(rows.size()).append(rows.size() == 1 ? " row\n" : " rows\n");
        return b.toString();
    }

    /** The column names of a change log (streaming results), {@code op} first. */
    String header(boolean withOp) {
        return (withOp ? "op | " : "") + String.join(" | ", columns);
    }

    /** One change of a streaming result: {@code +I | 2025-01-13 | email | 12}. */
    String changeLine(Row r) {
        StringBuilder b = new StringBuilder(r.getKind().shortString());
        for (int c = 0; c < columns.size(); c++) {
            b.append(" | ").append(format(r.getField(c)));
        }
        return b.toString();
    }

    static String format(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return String.valueOf(d);
            }
            // four decimals at most, two at least: 113.35, 50.00, 0.5604
            BigDecimal b = BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP);
            b = b.stripTrailingZeros();
            return b.setScale(Math.max(2, b.scale()), RoundingMode.UNNECESSARY).toPlainString();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof LocalDateTime t) {
            return t.toString().replace('T', ' ');
        }
        return v.toString();
    }

    private static String rule(int[] width) {
        StringBuilder b = new StringBuilder("+");
        for (int w : width) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.append('\n').toString();
    }

    private static String line(String[] cells, int[] width, Row row) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < width.length; c++) {
            boolean right = row != null && row.getField(c) instanceof Number;
            String pad = " ".repeat(width[c] - cells[c].length());
            b.append(' ').append(right ? pad + cells[c] : cells[c] + pad).append(" |");
        }
        return b.append('\n').toString();
    }
}
