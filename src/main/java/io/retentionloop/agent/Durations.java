package io.retentionloop.agent;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the config files write them: {@code 14d}, {@code 12h}, {@code 30min}, {@code 0}. */
final class Durations {

    private static final Pattern FORMAT =
            Pattern.compile("(\\d+)\\s*(ms|s|sec|min|m|h|d|day|days)?", Pattern.CASE_INSENSITIVE);

    private Durations() {}

    /**
     * Parses {@code text}; {@code key} names it in the error.
     *
     * @throws IllegalArgumentException e.g. {@code actions[1].cooldown must be a duration such as
     *     14d, 12h or 30min, was 'soon'}
     */
    static Duration parse(String key, String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    key + " must be a duration such as 14d, 12h or 30min, was '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "sec" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest form that parses back to {@code d}: {@code 14d}, {@code 36h}, {@code 0}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "min", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
