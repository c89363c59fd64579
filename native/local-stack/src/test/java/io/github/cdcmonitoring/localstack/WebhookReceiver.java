package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
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

    /** The first notification received at or after {@code since} that carries the alert in this status. */
    Optional<Notification> first(String alertname, String status, Instant since) {
        return received.stream().filter(n -> !n.at().isBefore(since) && n.has(alertname, status)).findFirst();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
