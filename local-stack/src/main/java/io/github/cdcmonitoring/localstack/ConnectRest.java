package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small client of the Kafka Connect REST API, for readiness checks and for tests. */
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

    public String baseUrl() {
        return baseUrl;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response put(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /**
     * PUT /connector-plugins/{class}/config/validate: Connect's (and the connector's) verdict on a configuration
     * without storing it. The answer's {@code error_count} and per-setting {@code errors} say what is wrong.
     */
    public JsonNode validate(ObjectNode config) {
        String connectorClass = config.path("connector.class").asText();
        Response response = put("/connector-plugins/" + encode(connectorClass) + "/config/validate", config);
        if (!response.ok()) {
            throw new IllegalStateException("validate answered HTTP " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    /** Every {@code "setting: message"} of a validate answer, empty when the configuration is valid. */
    public static List<String> validationErrors(JsonNode validation) {
        List<String> errors = new ArrayList<>();
        for (JsonNode config : validation.path("configs")) {
            JsonNode value = config.path("value");
            for (JsonNode error : value.path("errors")) {
                errors.add(value.path("name").asText() + ": " + error.asText());
            }
        }
        return errors;
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

    /** GET /connectors/{name}/status, or empty if Connect does not know the connector. */
    public Optional<JsonNode> status(String connector) {
        Response response = get("/connectors/" + encode(connector) + "/status");
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (!response.ok()) {
            throw new IllegalStateException("status of " + connector + ": HTTP " + response.status() + " "
                    + response.body());
        }
        return Optional.of(response.json());
    }

    /** True when the connector and all its tasks (at least one) are RUNNING. */
    public boolean isRunning(String connector) {
        return status(connector).map(s -> "RUNNING".equals(s.path("connector").path("state").asText())
                && !s.path("tasks").isEmpty()
                && allTasksRunning(s.path("tasks"))).orElse(false);
    }

    private static boolean allTasksRunning(JsonNode tasks) {
        for (JsonNode task : tasks) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@link #isRunning}; throws with the last status (and any task trace) on timeout. */
    public void awaitRunning(String connector, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (isRunning(connector)) {
                    return;
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                // the worker is restarting or still starting; keep asking until the deadline
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(connector + " not RUNNING after " + timeout.toSeconds()
                            + " s: " + e.getMessage(), e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(connector + " not RUNNING after " + timeout.toSeconds() + " s: "
                        + status(connector).map(JsonNode::toString).orElse("unknown connector"));
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
