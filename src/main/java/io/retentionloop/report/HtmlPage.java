package io.retentionloop.report;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One self-contained HTML page of a report (no scripts, no external files): a title, then headings,
 * paragraphs, tables and {@link SvgChart charts} in the order they are added, under one style sheet
 * that keeps text readable and tables and charts inside the page on any screen. Callers pass plain
 * text; the page escapes it.
 */
public final class HtmlPage {
    /** The style of every report: wide tables scroll in their own box, charts scale down. */
    static final String CSS =
            "body{font-family:sans-serif;color:#222;max-width:1200px;margin:24px auto;padding:0 16px}"
                    + "p{max-width:80ch}"
                    + ".table{max-width:100%;overflow-x:auto;margin:12px 0}"
                    + "table{border-collapse:collapse}"
                    + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
                    + "th{background:#f3f3f3}"
                    + "td.n{text-align:right;font-variant-numeric:tabular-nums}"
                    + "svg{max-width:100%;height:auto;vertical-align:top}"
                    + "pre{background:#f7f7f7;padding:1em;max-width:100%;overflow-x:auto}";

    private static final Pattern NUMBER =
            Pattern.compile("[-+−≥≤ ]*(\\d[\\d,]*(\\.\\d+)?([eE][-+]?\\d+)?%?|NaN|Infinity)");

    private final String title;
    private final StringBuilder body = new StringBuilder();

    /** A page under {@code title}, shown as its title and its first heading. */
    public HtmlPage(String title) {
        this.title = title;
    }

    /** A section heading. */
    public HtmlPage heading(String text) {
        body.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage paragraph(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** Text as it is, in a fixed-width font (e.g. settings as JSON). */
    public HtmlPage preformatted(String text) {
        body.append("<pre>").append(esc(text)).append("</pre>\n");
        return this;
    }

    /**
     * A table with a header row; numbers are aligned right, other cells left. A table wider than
     * the page scrolls sideways in its own box.
     */
    public HtmlPage table(List<String> header, List<List<String>> rows) {
        body.append("<div class='table'><table>\n<tr>");
        header.forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String cell : row) {
                body.append(NUMBER.matcher(cell).matches() ? "<td class='n'>" : "<td>")
                        .append(esc(cell))
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table></div>\n");
        return this;
    }

    /** Charts side by side as far as the page is wide, one under the other on a narrow screen. */
    public HtmlPage charts(SvgChart... charts) {
        body.append("<div class='charts'>\n");
        for (SvgChart c : charts) {
            body.append(c.render());
        }
        body.append("</div>\n");
        return this;
    }

    /** The whole page. */
    public String render() {
        return "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>"
                + esc(title)
                + "</title>\n<style>"
                + CSS
                + "</style></head><body>\n<h1>"
                + esc(title)
                + "</h1>\n"
                + body
                + "</body></html>\n";
    }

    /** Text made safe for HTML and SVG content and quoted attributes. */
    public static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
