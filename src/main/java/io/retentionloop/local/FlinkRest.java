package io.retentionloop.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small client of Flink's REST API: job vertices and their metrics summed over subtasks. */
public final class FlinkRest {
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    public FlinkRest(URI base) {
        this.base = base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(base.resolve(path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return mapper.readTree(r.body());
    }

    /**
     * Every metric of the job whose id ends with one of {@code suffixes}, summed over subtasks and
     * over vertices, keyed by the full metric id (operator name included).
     */
    public Map<String, Double> sumMetrics(String jobId, List<String> suffixes)
            throws IOException, InterruptedException {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode v : get("/jobs/" + jobId).get("vertices")) {
            String vertex = "/jobs/" + jobId + "/vertices/" + v.get("id").asText();
            List<String> wanted = new ArrayList<>();
            for (JsonNode m : get(vertex + "/subtasks/metrics")) {
                String id = m.get("id").asText();
                if (suffixes.stream().anyMatch(id::endsWith)) {
                    wanted.add(id);
                }
            }
            if (wanted.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", wanted), StandardCharsets.UTF_8);
            for (JsonNode m : get(vertex + "/subtasks/metrics?agg=sum&get=" + query)) {
                out.merge(m.get("id").asText(), m.get("sum").asDouble(), Double::sum);
            }
        }
        return out;
    }

    /** Sum of all metrics whose id ends with {@code suffix}. */
    public static double total(Map<String, Double> metrics, String suffix) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().endsWith(suffix))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }
}
