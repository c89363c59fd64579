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

        /** Whether it carries the alert in this status, with the labels given as name/value pairs. */
        boolean has(String alertname, String status, String... labelPairs) {
            return alerts().stream().anyMatch(a -> status.equals(a.path("status").asText())
                    && hasLabels(a.path("labels"), alertname, labelPairs));
        }

        @Override
        public String toString() {
            return at + " " + body.path("receiver").asText() + " " + alerts().stream().map(WebhookReceiver::describe)
                    .toList();
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
                .until(() -> first(alertname, "firing", since, labelPairs), Optional::isPresent).orElseThrow();
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
                n.alerts().stream().filter(a -> !aboutTheTestsGenerator(a.path("labels")))
                        .forEach(a -> lines.add(describe(a) + " (" + n.body().path("receiver").asText() + ")"));
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
    Optional<Notification> first(String alertname, String status, Instant since, String... labelPairs) {
        return received.stream().filter(n -> !n.at().isBefore(since) && n.has(alertname, status, labelPairs))
                .findFirst();
    }

    /** An alert of a notification as {@code name[{job=...}] status}. */
    private static String describe(JsonNode alert) {
        String job = alert.path("labels").path("job").asText("");
        return alert.path("labels").path("alertname").asText() + (job.isEmpty() ? "" : "{job=" + job + "}") + " "
                + alert.path("status").asText();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
