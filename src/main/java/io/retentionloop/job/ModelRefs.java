package io.retentionloop.job;

import io.retentionloop.value.ModelLoader;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.model.ClvModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Paths;
import java.util.List;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Resolves the configured model into the reference the scorer starts from, at submit time. */
final class ModelRefs {
    private ModelRefs() {}

    /**
     * A relative path becomes an absolute file URI (relative to where the job is submitted); a
     * missing file fails the submission with the key named; the SHA-256 is pinned so every task
     * manager serves exactly the file the submitter saw.
     */
    static ModelRef initial(JobConfig.Value value) {
        String uri = value.modelUri();
        if (URI.create(uri.replace(" ", "%20")).getScheme() == null) {
            uri = Paths.get(uri).toAbsolutePath().toUri().toString();
        }
        Path path = new Path(uri);
        String sha = value.modelSha256();
        try {
            FileSystem fs = FileSystem.get(path.toUri());
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(
                        "value.model-uri: no model at "
                                + uri
                                + " (train one: jobs/train-clv.sh --world conf/world.yaml --out "
                                + value.modelUri()
                                + ")");
            }
            if (sha == null || sha.isBlank()) {
                try (InputStream in = fs.open(path)) {
                    sha = ClvModel.sha256(in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("value.model-uri: cannot read " + uri, e);
        }
        return new ModelRef("initial", uri, sha, 0);
    }

    /**
     * The scorer's loader: models may come from {@code value.model-locations}, or when that is
     * empty from the directory of the initial model only.
     */
    static ModelLoader loader(JobConfig.Value value, ModelRef initial) {
        List<String> locations =
                value.modelLocations() == null || value.modelLocations().isEmpty()
                        ? List.of(ModelLoader.parentOf(initial.uri))
                        : value.modelLocations();
        return new ModelLoader(locations, value.maxModelBytes());
    }
}
