package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The few reads of Alertmanager's API v2 and metrics the live tests need. */
final class AlertmanagerApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;

    AlertmanagerApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    private JsonNode alerts() {
        try {
            return JSON.readTree(HttpScraper.get(baseUrl + "/api/v2/alerts"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the alerts Alertmanager holds as inhibited now. */
    Set<String> inhibited() {
        return inhibitedWithCause().keySet();
    }

    /** Inhibited alert name -> the names of the alerts inhibiting it. */
    Map<String, Set<String>> inhibitedWithCause() {
        JsonNode alerts = alerts();
        Map<String, String> nameByFingerprint = new TreeMap<>();
        alerts.forEach(a -> nameByFingerprint.put(a.path("fingerprint").asText(),
                a.path("labels").path("alertname").asText()));
        Map<String, Set<String>> result = new TreeMap<>();
        alerts.forEach(a -> {
            if (a.path("status").path("inhibitedBy").size() > 0) {
                Set<String> by = result.computeIfAbsent(a.path("labels").path("alertname").asText(),
                        k -> new TreeSet<>());
                a.path("status").path("inhibitedBy").forEach(f -> by.add(nameByFingerprint.getOrDefault(f.asText(),
                        f.asText())));
            }
        });
        return result;
    }

    /** Names of the alerts Alertmanager holds as firing (active or suppressed). */
    Set<String> activeOrSuppressed() {
        Set<String> names = new TreeSet<>();
        alerts().forEach(a -> names.add(a.path("labels").path("alertname").asText()));
        return names;
    }

    /** alertmanager_notifications_total{integration="webhook"}: notifications it sent to webhooks. */
    double webhookSent() {
        return PrometheusText.parse(HttpScraper.get(baseUrl + "/metrics")).named("alertmanager_notifications_total")
                .stream().filter(s -> s.has("integration", "webhook")).mapToDouble(PrometheusText.Sample::value).sum();
    }
}
