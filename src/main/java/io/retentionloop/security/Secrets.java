package io.retentionloop.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Secret configuration values: recognizing the keys that hold them, masking them wherever the
 * configuration or a command line is printed, and resolving the {@code ${env:NAME}} and {@code
 * ${file:/path}} references that keep them out of files and command lines.
 */
public final class Secrets {
    private Secrets() {}

    /** What a masked value prints as. */
    public static final String MASK = "***";

    /**
     * Keys whose values are secret: anything naming a password, secret, JAAS config, token or
     * credential ({@code sasl.jaas.config}, {@code ssl.key.password}, {@code
     * ssl.keystore.password}), or ending in a {@code key} word ({@code ssl.keystore.key}, {@code
     * hmac-key}); not {@code key.serializer} or {@code ssl.keystore.location}.
     */
    private static final Pattern SECRET_KEY =
            Pattern.compile("password|passwd|secret|jaas|token|credential|private|(?:^|[._-])key$");

    /** A {@code KEY=VALUE} argument, optionally {@code -DKEY=VALUE} or {@code --set=KEY=VALUE}. */
    private static final Pattern ASSIGNMENT = Pattern.compile("^(-D|--[a-z-]+=)?([^=\\s]+)=");

    /** True when {@code key} (a config key, Kafka property or dotted path) holds a secret. */
    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** {@code value}, or {@link #MASK} when {@code key} holds a secret. */
    public static String mask(String key, String value) {
        return isSecretKey(key) ? MASK : value;
    }

    /**
     * {@code args} with the value of every {@code KEY=VALUE} argument (also {@code -DKEY=VALUE},
     * {@code --set=KEY=VALUE}) whose key holds a secret replaced by {@link #MASK}, for printing a
     * command line.
     */
    public static List<String> maskArgs(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            out.add(maskAssignment(a));
        }
        return out;
    }

    /** {@code KEY=VALUE} with the value masked when the key holds a secret. */
    public static String maskAssignment(String arg) {
        var m = ASSIGNMENT.matcher(arg);
        if (m.find() && isSecretKey(m.group(2))) {
            return arg.substring(0, m.end()) + MASK;
        }
        return arg;
    }

    /**
     * Resolves every {@code ${env:NAME}} and {@code ${file:/path}} in {@code value} (the whole
     * value or embedded, e.g. in a JAAS config), reading the environment and files; a file's
     * trailing line break is dropped. Anything else, {@code ${...}} of other kinds included, stays
     * as it is. A missing variable or unreadable file fails naming {@code key} and the variable or
     * file, never a value.
     */
    public static String resolve(String key, String value) {
        return resolve(key, value, System::getenv);
    }

    /** {@link #resolve(String, String)} against the variables {@code env} returns. */
    public static String resolve(String key, String value, UnaryOperator<String> env) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = nextReference(value, i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            out.append(value, i, start);
            int end = value.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException(
                        key + ": unterminated ${env:...} or ${file:...} reference");
            }
            String ref = value.substring(start + 2, end);
            if (ref.startsWith("env:")) {
                String name = ref.substring(4);
                String v = name.isEmpty() ? null : env.apply(name);
                if (v == null) {
                    throw new IllegalArgumentException(
                            key + ": environment variable " + name + " is not set");
                }
                out.append(v);
            } else {
                out.append(readFile(key, ref.substring(5)));
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static int nextReference(String value, int from) {
        int env = value.indexOf("${env:", from);
        int file = value.indexOf("${file:", from);
        return env < 0 ? file : file < 0 ? env : Math.min(env, file);
    }

    private static String readFile(String key, String path) {
        try {
            String text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            return text.endsWith("\r\n")
                    ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    key
                            + ": cannot read secret file "
                            + path
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
    }
}
