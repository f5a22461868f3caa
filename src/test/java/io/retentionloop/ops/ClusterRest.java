package io.retentionloop.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.cli.ClusterMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The REST calls the jobs/ scripts make (upload, run, stop with savepoint, poll), in Java. */
final class ClusterRest {
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    ClusterRest(String base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    /** POST /jars/upload (multipart, like {@code curl -F jarfile=@JAR}); returns the jar id. */
    String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "----retention-loop-" + UUID.randomUUID();
        String head =
                "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName()
                        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        JsonNode r =
                send(
                        HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                                .timeout(Duration.ofMinutes(2))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(
                                        HttpRequest.BodyPublishers.concat(
                                                HttpRequest.BodyPublishers.ofString(head),
                                                HttpRequest.BodyPublishers.ofFile(jar),
                                                HttpRequest.BodyPublishers.ofString(tail))));
        return Path.of(r.get("filename").asText()).getFileName().toString();
    }

    /** POST /jars/{id}/run with ClusterMain, as jobs/submit.sh and restore.sh do. */
    String run(String jarId, int parallelism, String savepoint, List<String> args)
            throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.put("entryClass", ClusterMain.class.getName());
        body.putPOJO("programArgsList", args);
        body.put("parallelism", parallelism);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        return post("/jars/" + jarId + "/run", body).get("jobid").asText();
    }

    /** Waits until the job and every one of its tasks is RUNNING. */
    void awaitAllTasksRunning(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode j = get("/jobs/" + job);
            boolean running = j.get("state").asText().equals("RUNNING");
            for (JsonNode v : j.get("vertices")) {
                running &= v.get("status").asText().equals("RUNNING");
            }
            if (running) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " not fully RUNNING: " + j);
            }
            Thread.sleep(250);
        }
    }

    /** Stop-with-savepoint into {@code dir}; returns the savepoint path once it completed. */
    String stopWithSavepoint(String job, String dir, Duration timeout) throws Exception {
        ObjectNode body = json.createObjectNode();
        body.put("drain", false);
        body.put("targetDirectory", dir);
        String trigger = post("/jobs/" + job + "/stop", body).get("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = get("/jobs/" + job + "/savepoints/" + trigger);
            if (s.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode location = s.path("operation").path("location");
                if (location.isMissingNode()) {
                    throw new AssertionError("savepoint failed: " + s);
                }
                return location.asText();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("savepoint of " + job + " not done within " + timeout);
    }

    String jobState(String job) throws IOException, InterruptedException {
        return get("/jobs/" + job).get("state").asText();
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        request.build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    request.build().method()
                            + " "
                            + request.build().uri()
                            + " -> "
                            + r.statusCode()
                            + ": "
                            + r.body());
        }
        return json.readTree(r.body());
    }
}
