package io.retentionloop.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shaded job jar, target/retention-loop-VERSION-job.jar, as {@code mvn package} builds it.
 * Surefire runs the tests before the package phase, so on a clean checkout (or after a change) the
 * jar is built here with the project's own shade configuration: {@code mvn jar:jar
 * shade:shade@job-jar} on the classes the build just compiled (no recompilation, no tests).
 */
final class JobJar {
    private JobJar() {}

    static Path ensureBuilt(Path logDir) throws Exception {
        Path root = StandaloneCluster.ROOT;
        String version =
                StandaloneCluster.pomProperty(
                        Files.readString(root.resolve("pom.xml"))
                                .replaceFirst("(?s).*?<artifactId>retention-loop</artifactId>", ""),
                        "version");
        Path jar = root.resolve("target/retention-loop-" + version + "-job.jar");
        if (Files.exists(jar)
                && Files.getLastModifiedTime(jar).compareTo(newest(root.resolve("target/classes")))
                        > 0) {
            return jar;
        }
        StandaloneCluster.run(
                StandaloneCluster.mvn(
                        "-Dspotless.check.skip=true", "jar:jar", "shade:shade@job-jar"),
                logDir.resolve("job-jar.log"));
        return jar;
    }

    private static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<FileTime> times =
                    files.filter(Files::isRegularFile)
                            .map(
                                    p -> {
                                        try {
                                            return Files.getLastModifiedTime(p);
                                        } catch (IOException e) {
                                            throw new IllegalStateException(e);
                                        }
                                    })
                            .toList();
            return times.stream().max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }
}
