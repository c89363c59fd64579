package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A small client of the Kafka Connect REST API: the readiness check and what tests read (GET only). */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** An HTTP answer: status and body. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status / 100 == 2;
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    private final String baseUrl;
    private final HttpClient client;

    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A PUT without a body, e.g. {@code /connectors/<name>/pause} or {@code .../resume}. */
    public Response put(String path) {
        return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    /** A PUT with a JSON body. */
    public Response put(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** A POST without a body, e.g. {@code /connectors/<name>/tasks/0/restart}. */
    public Response post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A DELETE, e.g. {@code /connectors/<name>}. */
    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /** Connector names, or empty while the worker is not serving yet. */
    public Optional<List<String>> connectors() {
        Response response;
        try {
            response = get("/connectors");
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
        if (!response.ok()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        response.json().forEach(n -> names.add(n.asText()));
        return Optional.of(names);
    }

    /**
     * Waits until the connector and all its tasks (at least one) are RUNNING, e.g. after a resume or a worker restart;
     * throws with the last status on timeout.
     */
    public void awaitRunning(String connector, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("no answer");
        Waits.until(timeout, Duration.ofMillis(250), () -> {
            try {
                Response response = get("/connectors/" + connector + "/status");
                last.set("HTTP " + response.status() + " " + response.body());
                return response.ok() && running(response.json());
            } catch (UncheckedIOException e) {
                last.set(e.getMessage()); // the worker is (re)starting
                return false;
            }
        }, () -> connector + " not RUNNING after " + timeout.toSeconds() + " s: " + last.get());
    }

    private static boolean running(JsonNode status) {
        if (!"RUNNING".equals(status.path("connector").path("state").asText()) || status.path("tasks").isEmpty()) {
            return false;
        }
        for (JsonNode task : status.path("tasks")) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach Kafka Connect at " + baseUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

}
