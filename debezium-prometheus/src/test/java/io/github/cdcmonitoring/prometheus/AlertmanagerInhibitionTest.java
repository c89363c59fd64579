package io.github.cdcmonitoring.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One root cause notifies once: the installed Alertmanager runs on the shipped alertmanager.yml (loopback port, its
 * storage in a temporary folder, no cluster), alerts are posted to {@code /api/v2/alerts} as Prometheus posts them,
 * and Alertmanager's own API says which are inhibited and by what. Each case posts the cause, an alert it explains and
 * an alert it does not explain, and requires the first to be suppressed by the cause and the second to stay active.
 */
class AlertmanagerInhibitionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path storage;

    private Process alertmanager;
    private String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Path binary = InstalledProgram.locate("prometheus-alertmanager", "alertmanager");
        alertmanager = new ProcessBuilder(binary.toString(),
                "--config.file=" + Shipped.alertmanagerYml(),
                "--storage.path=" + storage.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                // An empty address turns the gossip cluster off (it would listen on 0.0.0.0:9094).
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(storage.resolve("alertmanager.log").toFile()).start();
        await("alertmanager ready").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .failFast("alertmanager exited", () -> !alertmanager.isAlive())
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
    }

    private String log() {
        try {
            return Files.readString(storage.resolve("alertmanager.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void postgresDownSilencesTheCaptureStallItCauses() throws Exception {
        post(alert("PostgresDown", "critical", "job", "postgres-exporter", "instance", "postgres-exporter:9187"),
                alert("DebeziumStalledCapture", "critical", "name", "cdc"),
                alert("DebeziumConnectorDisconnected", "critical", "name", "cdc", "job", "connect"),
                alert("CdcWrittenButNotCaptured", "critical", "schema", "public", "table", "orders"),
                // Not caused by PostgreSQL being down: still notifies.
                alert("ChangeExporterUnparsableRecords", "warning", "job", "change-exporter"));

        awaitInhibitedBy("DebeziumStalledCapture", "PostgresDown");
        awaitInhibitedBy("DebeziumConnectorDisconnected", "PostgresDown");
        awaitInhibitedBy("CdcWrittenButNotCaptured", "PostgresDown");
        assertActive("PostgresDown");
        assertActive("ChangeExporterUnparsableRecords");
    }

    @Test
    void connectTargetDownSilencesTheAbsentAlertsButAnotherTargetDoesNot() throws Exception {
        post(alert("PrometheusTargetDown", "critical", "job", "connect", "instance", "connect:8080"),
                alert("DebeziumStreamingMetricsAbsent", "warning", "context", "streaming"),
                alert("ConnectStatusMetricsAbsent", "warning"),
                alert("PostgresReplicationSlotInactive", "warning", "slot_name", "debezium_slot"),
                // The change exporter's absent alert has another cause.
                alert("ChangeExporterEventsAbsent", "warning"));

        awaitInhibitedBy("DebeziumStreamingMetricsAbsent", "PrometheusTargetDown");
        awaitInhibitedBy("ConnectStatusMetricsAbsent", "PrometheusTargetDown");
        awaitInhibitedBy("PostgresReplicationSlotInactive", "PrometheusTargetDown");
        assertActive("PrometheusTargetDown");
        assertActive("ChangeExporterEventsAbsent");
    }

    @Test
    void anotherJobsTargetDownDoesNotSilenceConnectsAbsentAlerts() throws Exception {
        post(alert("PrometheusTargetDown", "critical", "job", "data-generator", "instance", "data-generator:9400"),
                alert("ConnectStatusMetricsAbsent", "warning"));

        awaitState("PrometheusTargetDown", "active");
        // The source is known to Alertmanager (listed above) and still does not inhibit: job must be connect.
        assertActive("ConnectStatusMetricsAbsent");
    }

    @Test
    void aKafkaBrokerDownSilencesItsOwnTargetDownOnly() throws Exception {
        post(alert("KafkaBrokerDown", "critical", "job", "kafka", "instance", "kafka-1:9404"),
                alert("PrometheusTargetDown", "critical", "job", "kafka", "instance", "kafka-1:9404"),
                // Another broker's target down is not explained by this one (equal: [instance]).
                alert("PrometheusTargetDown", "critical", "job", "kafka", "instance", "kafka-2:9404"));

        awaitInhibitedBy(Map.of("alertname", "PrometheusTargetDown", "instance", "kafka-1:9404"), "KafkaBrokerDown");
        assertState(Map.of("alertname", "PrometheusTargetDown", "instance", "kafka-2:9404"), "active");
        assertActive("KafkaBrokerDown");
    }

    @Test
    void aLostSlotSilencesItsOwnRetainedWalWarningsOnly() throws Exception {
        post(alert("PostgresReplicationSlotLost", "critical", "slot_name", "debezium_slot", "database", "testDB"),
                alert("PostgresReplicationSlotWalRetained", "warning", "slot_name", "debezium_slot", "database", "testDB"),
                alert("PostgresReplicationSlotWalLimitPredicted", "critical", "slot_name", "debezium_slot"),
                // Another slot's WAL is not explained by this slot's loss (equal: [slot_name]).
                alert("PostgresReplicationSlotWalRetained", "warning", "slot_name", "standby_slot", "database", "testDB"));

        awaitInhibitedBy(Map.of("alertname", "PostgresReplicationSlotWalRetained", "slot_name", "debezium_slot"),
                "PostgresReplicationSlotLost");
        awaitInhibitedBy(Map.of("alertname", "PostgresReplicationSlotWalLimitPredicted"), "PostgresReplicationSlotLost");
        assertState(Map.of("alertname", "PostgresReplicationSlotWalRetained", "slot_name", "standby_slot"), "active");
        assertActive("PostgresReplicationSlotLost");
    }

    @Test
    void anAlmostFullDataFilesystemSilencesItsFillingUpWarning() throws Exception {
        post(alert("PostgresWalFilesystemAlmostFull", "critical", "instance", "node-exporter:9100", "mountpoint",
                        "/pgdata"),
                alert("PostgresWalFilesystemFillingUp", "warning", "instance", "node-exporter:9100", "mountpoint",
                        "/pgdata"),
                // Another machine's filesystem filling up is not explained (equal: [instance, mountpoint]).
                alert("PostgresWalFilesystemFillingUp", "warning", "instance", "other:9100", "mountpoint", "/pgdata"));

        awaitInhibitedBy(Map.of("alertname", "PostgresWalFilesystemFillingUp", "instance", "node-exporter:9100"),
                "PostgresWalFilesystemAlmostFull");
        assertState(Map.of("alertname", "PostgresWalFilesystemFillingUp", "instance", "other:9100"), "active");
        assertActive("PostgresWalFilesystemAlmostFull");
    }

    private static ObjectNode alert(String name, String severity, String... labelPairs) {
        ObjectNode alert = JSON.createObjectNode();
        ObjectNode labels = alert.putObject("labels");
        labels.put("alertname", name);
        labels.put("severity", severity);
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        alert.putObject("annotations").put("summary", name + " (test)");
        alert.put("startsAt", Instant.now().toString());
        return alert;
    }

    private void post(ObjectNode... alerts) throws Exception {
        ArrayNode body = JSON.createArrayNode();
        for (ObjectNode alert : alerts) {
            body.add(alert);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST /api/v2/alerts: %s", response.body()).isEqualTo(200);
    }

    /** Every alert Alertmanager holds, inhibited or not. */
    private JsonNode alerts() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /api/v2/alerts: %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static boolean matches(JsonNode alert, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(alert.path("labels").path(e.getKey()).asText()));
    }

    private JsonNode find(JsonNode alerts, Map<String, String> labels) {
        List<JsonNode> found = new ArrayList<>();
        alerts.forEach(a -> {
            if (matches(a, labels)) {
                found.add(a);
            }
        });
        assertThat(found).as("exactly one alert %s in %s", labels, alerts).hasSize(1);
        return found.get(0);
    }

    private void awaitInhibitedBy(String target, String source) throws Exception {
        awaitInhibitedBy(Map.of("alertname", target), source);
    }

    /** Waits until the target is suppressed and inhibited by the fingerprint of the source alert. */
    private void awaitInhibitedBy(Map<String, String> target, String source) throws Exception {
        JsonNode alerts = await(target + " inhibited").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(this::alerts, listed -> {
                    JsonNode status = find(listed, target).path("status");
                    return "suppressed".equals(status.path("state").asText())
                            && status.path("inhibitedBy").size() > 0;
                });
        String sourceFingerprint = find(alerts, Map.of("alertname", source)).path("fingerprint").asText();
        List<String> by = new ArrayList<>();
        find(alerts, target).path("status").path("inhibitedBy").forEach(f -> by.add(f.asText()));
        assertThat(by).as("%s inhibited by %s", target, source).containsExactly(sourceFingerprint);
    }

    private void assertActive(String alertname) throws Exception {
        assertState(Map.of("alertname", alertname), "active");
    }

    private void assertState(Map<String, String> labels, String state) throws Exception {
        JsonNode status = find(alerts(), labels).path("status");
        assertThat(status.path("state").asText()).as("%s: %s", labels, status).isEqualTo(state);
        assertThat(status.path("inhibitedBy")).as("%s inhibited by", labels).isEmpty();
    }

    private void awaitState(String alertname, String state) throws Exception {
        await(alertname + " " + state).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(this::alerts, listed -> state.equals(find(listed, Map.of("alertname", alertname))
                        .path("status").path("state").asText()));
    }
}
