package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The parts of Prometheus's HTTP API the live tests use: instant queries, label values, scrape targets. */
final class PrometheusApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One series of an instant query's answer. */
    record Series(Map<String, String> labels, double value) {

        String label(String name) {
            return labels.get(name);
        }
    }

    /** One scrape target: its job, health ("up", "down", "unknown") and last error. */
    record Target(String job, String health, String lastError) {
    }

    private final String baseUrl;

    PrometheusApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** GET /api/v1/query: the series of an instant vector (a scalar answers as one series without labels). */
    List<Series> query(String expr) {
        JsonNode data = get("/api/v1/query?query=" + encode(expr), expr);
        List<Series> series = new ArrayList<>();
        String type = data.path("resultType").asText();
        if ("scalar".equals(type)) {
            series.add(new Series(Map.of(), data.path("result").path(1).asDouble()));
            return series;
        }
        for (JsonNode item : data.path("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            item.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            series.add(new Series(labels, Double.parseDouble(item.path("value").path(1).asText())));
        }
        return series;
    }

    /** GET /api/v1/label/{label}/values, restricted to series matching {@code match} when it is not null. */
    Set<String> labelValues(String label, String match) {
        String path = "/api/v1/label/" + encode(label) + "/values" + (match == null ? "" : "?match[]=" + encode(match));
        Set<String> values = new TreeSet<>();
        get(path, label).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Every metric name Prometheus holds (from /api/v1/label/__name__/values). */
    Set<String> metricNames() {
        return labelValues("__name__", null);
    }

    /** GET /api/v1/targets: the active targets. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (JsonNode target : get("/api/v1/targets?state=active", "targets").path("activeTargets")) {
            targets.add(new Target(target.path("labels").path("job").asText(), target.path("health").asText(),
                    target.path("lastError").asText()));
        }
        return targets;
    }

    /** The names of the alerting rules Prometheus loaded, one per rule (from /api/v1/rules?type=alert). */
    List<String> alertingRuleNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode group : get("/api/v1/rules?type=alert", "alerting rules").path("groups")) {
            group.path("rules").forEach(rule -> names.add(rule.path("name").asText()));
        }
        return names;
    }

    /** The earliest of the rule groups' last evaluation times (an unevaluated group counts as never). */
    Instant oldestRuleEvaluation() {
        Instant oldest = Instant.MAX;
        for (JsonNode group : get("/api/v1/rules", "rules").path("groups")) {
            Instant last = OffsetDateTime.parse(group.path("lastEvaluation").asText("0001-01-01T00:00:00Z")).toInstant();
            oldest = last.isBefore(oldest) ? last : oldest;
        }
        return oldest;
    }

    private JsonNode get(String path, String what) {
        String body = HttpScraper.get(baseUrl + path);
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus answered no JSON for " + what + ": " + body, e);
        }
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException("Prometheus refused " + what + ": " + answer.path("error").asText());
        }
        return answer.path("data");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
