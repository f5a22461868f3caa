package io.retentionloop.learner.ope;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MineThatData e-mail experiment (Hillstrom 2008): 64,000 customers randomly assigned, 1/3
 * each, to no e-mail, a men's or a women's merchandise e-mail; outcomes over the next two weeks.
 * Because assignment was random with known propensity, it is logged bandit data with μ(a|x) = 1/3.
 *
 * <p>Context encoding ({@link #FEATURES}, 12 values, unscaled):
 *
 * <ol start="0">
 *   <li>{@code recency}: months since last purchase (1–12)
 *   <li>{@code history_segment}: the ordinal of the past-year spend bucket, 1 ("$0 - $100") to 7
 *       ("$1,000 +")
 *   <li>{@code log_history}: ln(1 + past-year spend in $) (spend is heavy tailed, up to ~$3,345)
 *   <li>{@code mens}: bought men's merchandise in the past year (0/1)
 *   <li>{@code womens}: bought women's merchandise in the past year (0/1)
 *   <li>{@code zip_rural}, {@code zip_surburban}, {@code zip_urban}: one-hot of {@code zip_code}
 *   <li>{@code newbie}: new customer in the past twelve months (0/1)
 *   <li>{@code channel_multichannel}, {@code channel_phone}, {@code channel_web}: one-hot of the
 *       purchase channel
 * </ol>
 */
public final class Hillstrom {
    /** Names of the context features, in order. */
    public static final List<String> FEATURES =
            List.of(
                    "recency",
                    "history_segment",
                    "log_history",
                    "mens",
                    "womens",
                    "zip_rural",
                    "zip_surburban",
                    "zip_urban",
                    "newbie",
                    "channel_multichannel",
                    "channel_phone",
                    "channel_web");

    /** The arms, as action indices 0, 1, 2. */
    public enum Arm {
        NO_EMAIL("No E-Mail"),
        MENS_EMAIL("Mens E-Mail"),
        WOMENS_EMAIL("Womens E-Mail");

        private final String label;

        Arm(String label) {
            this.label = label;
        }

        /** The label used in the data's {@code segment} column. */
        public String label() {
            return label;
        }

        /** Whether this arm sends an e-mail (and so costs the e-mail cost). */
        public boolean sendsEmail() {
            return this != NO_EMAIL;
        }

        static Arm ofLabel(String label) {
            for (Arm a : values()) {
                if (a.label.equals(label)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown segment '" + label + "'");
        }
    }

    /** The outcome used as reward. */
    public enum Reward {
        /** Dollars spent in the two weeks, minus the e-mail cost for the e-mail arms. */
        SPEND,
        /** Visited the website in the two weeks (0/1); e-mails cost nothing in this unit. */
        VISIT;

        /** Parses "spend" or "visit". */
        public static Reward parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** Number of arms. */
    public static final int ARMS = Arm.values().length;

    /** The randomization probability of every arm. */
    public static final double PROPENSITY = 1.0 / ARMS;

    /** Where the data lives relative to the project root. */
    public static final Path DEFAULT_PATH = Path.of("../shared/data/hillstrom/hillstrom.csv");

    /** One customer of the experiment. */
    public record Customer(
            int recency,
            int historySegment,
            double history,
            boolean mens,
            boolean womens,
            String zipCode,
            boolean newbie,
            String channel,
            Arm arm,
            boolean visit,
            boolean conversion,
            double spend) {

        /** The context vector described on {@link Hillstrom}. */
        public double[] context() {
            return new double[] {
                recency,
                historySegment,
                Math.log1p(history),
                mens ? 1 : 0,
                womens ? 1 : 0,
                zipCode.equals("Rural") ? 1 : 0,
                zipCode.equals("Surburban") ? 1 : 0,
                zipCode.equals("Urban") ? 1 : 0,
                newbie ? 1 : 0,
                channel.equals("Multichannel") ? 1 : 0,
                channel.equals("Phone") ? 1 : 0,
                channel.equals("Web") ? 1 : 0
            };
        }

        /** The reward this customer yielded under the arm they were assigned. */
        public double reward(Reward reward, double emailCost) {
            return switch (reward) {
                case SPEND -> spend - (arm.sendsEmail() ? emailCost : 0);
                case VISIT -> visit ? 1 : 0;
            };
        }

        /** This customer as a logged decision with propensity 1/3. */
        public LoggedDecision decision(Reward reward, double emailCost) {
            return new LoggedDecision(
                    arm.ordinal(), PROPENSITY, reward(reward, emailCost), context());
        }
    }

    private Hillstrom() {}

    /** Reads the CSV (header line, 12 columns; {@code history_segment} may be quoted). */
    public static List<Customer> load(Path csv) {
        List<Customer> out = new ArrayList<>(64_000);
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.startsWith("recency,history_segment,history")) {
                throw new IllegalArgumentException(
                        csv + ": not the Hillstrom CSV (header " + header + ")");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(splitCsv(line)));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            csv + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        return out;
    }

    private static Customer parse(List<String> f) {
        if (f.size() != 12) {
            throw new IllegalArgumentException("expected 12 columns, got " + f.size());
        }
        String zip = f.get(5);
        String channel = f.get(7);
        if (!List.of("Rural", "Surburban", "Urban").contains(zip)) {
            throw new IllegalArgumentException("unknown zip_code '" + zip + "'");
        }
        if (!List.of("Multichannel", "Phone", "Web").contains(channel)) {
            throw new IllegalArgumentException("unknown channel '" + channel + "'");
        }
        return new Customer(
                Integer.parseInt(f.get(0)),
                Integer.parseInt(f.get(1).substring(0, f.get(1).indexOf(')'))),
                Double.parseDouble(f.get(2)),
                flag(f.get(3)),
                flag(f.get(4)),
                zip,
                flag(f.get(6)),
                channel,
                Arm.ofLabel(f.get(8)),
                flag(f.get(9)),
                flag(f.get(10)),
                Double.parseDouble(f.get(11)));
    }

    private static boolean flag(String s) {
        return switch (s) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IllegalArgumentException("expected 0/1, got '" + s + "'");
        };
    }

    /** Splits one CSV line, honouring double quotes (history_segment "6) $750 - $1,000"). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>(12);
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** The mean reward of each arm's customers (the arm's actual value in this sample). */
    public static double[] armMeans(List<Customer> customers, Reward reward, double emailCost) {
        double[] sum = new double[ARMS];
        int[] n = new int[ARMS];
        for (Customer c : customers) {
            sum[c.arm().ordinal()] += c.reward(reward, emailCost);
            n[c.arm().ordinal()]++;
        }
        double[] mean = new double[ARMS];
        for (int a = 0; a < ARMS; a++) {
            mean[a] = n[a] == 0 ? Double.NaN : sum[a] / n[a];
        }
        return mean;
    }

    /** Every customer as a logged decision. */
    public static List<LoggedDecision> decisions(
            List<Customer> customers, Reward reward, double emailCost) {
        List<LoggedDecision> out = new ArrayList<>(customers.size());
        for (Customer c : customers) {
            out.add(c.decision(reward, emailCost));
        }
        return out;
    }
}
