package io.github.cdcmonitoring.localstack;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A notification receiver of the test's own: an HTTP server on 127.0.0.1 that keeps every webhook request Alertmanager
 * sends ({@link LocalStack.Builder#alertWebhook} adds its URL to every receiver of a derived alertmanager.yml).
 */
final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One webhook request: when it arrived and Alertmanager's JSON. */
    record Notification(Instant at, JsonNode body) {

        List<JsonNode> alerts() {
            List<JsonNode> alerts = new ArrayList<>();
            body.path("alerts").forEach(alerts::add);
            return alerts;
        }

        boolean has(String alertname, String status) {
            return alerts().stream().anyMatch(a -> alertname.equals(a.path("labels").path("alertname").asText())
                    && status.equals(a.path("status").asText()));
        }

        @Override
        public String toString() {
            List<String> alerts = new ArrayList<>();
            alerts().forEach(a -> alerts.add(a.path("labels").path("alertname").asText() + a.path("labels")
                    .path("job").asText("").transform(j -> j.isEmpty() ? "" : "{job=" + j + "}") + " "
                    + a.path("status").asText()));
            return at + " " + body.path("receiver").asText() + " " + alerts;
        }
    }

    private final List<Notification> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alerts", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new Notification(Instant.now(), JSON.readTree(in.readAllBytes())));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    /** Everything received so far, in order of arrival (a live view: later requests are appended). */
    List<Notification> received() {
        return received;
    }

    /**
     * The first firing notification of {@code alertname} at or after {@code since} carrying the labels given as
     * name/value pairs (e.g. {@code "job", "connect"}), waited for up to {@code limit}.
     */
    Notification awaitFiring(String alertname, Instant since, Duration limit, String... labelPairs) {
        return await(alertname + " " + List.of(labelPairs) + " notified").atMost(limit)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> received.stream().filter(n -> !n.at().isBefore(since) && n.alerts().stream()
                        .anyMatch(a -> "firing".equals(a.path("status").asText())
                                && hasLabels(a.path("labels"), alertname, labelPairs))).findFirst(),
                        Optional::isPresent).orElseThrow();
    }

    private static boolean hasLabels(JsonNode labels, String alertname, String... pairs) {
        boolean all = alertname.equals(labels.path("alertname").asText());
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            all &= pairs[i + 1].equals(labels.path(pairs[i]).asText());
        }
        return all;
    }

    /**
     * Every alert notified between {@code from} and {@code to}, in order of arrival, as {@code name[{job}] status
     * (receiver)}: what an operator's channel would have shown for that stretch.
     */
    List<String> between(Instant from, Instant to) {
        List<String> lines = new ArrayList<>();
        for (Notification n : received) {
            if (!n.at().isBefore(from) && !n.at().isAfter(to)) {
                n.alerts().stream().filter(a -> !aboutTheTestsGenerator(a.path("labels"))).forEach(a -> lines.add(a.path("labels").path("alertname").asText()
                        + a.path("labels").path("job").asText("").transform(j -> j.isEmpty() ? "" : "{job=" + j + "}")
                        + " " + a.path("status").asText() + " (" + n.body().path("receiver").asText() + ")"));
            }
        }
        return lines;
    }

    /**
     * The fault tests replace the stack's generator by their own between faults, so its target is down for a scrape
     * now and then: that is the test's doing, not the fault's, and is left out of what a fault notified.
     */
    private static boolean aboutTheTestsGenerator(JsonNode labels) {
        return "DataGeneratorMetricsAbsent".equals(labels.path("alertname").asText())
                || "data-generator".equals(labels.path("job").asText());
    }

    /** The first notification received at or after {@code since} that carries the alert in this status. */
    Optional<Notification> first(String alertname, String status, Instant since) {
        return received.stream().filter(n -> !n.at().isBefore(since) && n.has(alertname, status)).findFirst();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
