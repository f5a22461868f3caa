package io.retentionloop.job;

import java.nio.file.Path;

/**
 * The project's directory, for the files a command finds there by default ({@code conf/}, {@code
 * target/}). The {@code jobs/} scripts set it ({@code -Dretentionloop.home}) and run the command in
 * the caller's directory, so a path the user gives is the caller's; without it, the working
 * directory is the project's.
 */
public final class Home {
    /** The system property that names it; picocli defaults read it as {@value #DEFAULT}. */
    public static final String PROPERTY = "retentionloop.home";

    /** The prefix of a default path in an option: {@code DEFAULT + "/conf/world.yaml"}. */
    public static final String DEFAULT = "${sys:" + PROPERTY + ":-.}";

    private Home() {}

    /** {@code relative} under the project's directory. */
    public static Path resolve(String relative) {
        return Path.of(System.getProperty(PROPERTY, ".")).resolve(relative).normalize();
    }
}
