package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdcmonitoring.prometheus.RuleFiles;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The alert expressions of debezium-prometheus/rules, each evaluated as written in its rule file (never a copy)
 * against the real Prometheus of a native stack with the generator writing, before and during real faults: Connect
 * killed, the connector paused while the database is written (nothing then reaches the consumer), a task failing
 * because its database password was rotated, the generator stopped, a task failing while Connect builds it (a
 * producer setting Kafka refuses), the monitoring role losing pg_monitor. The expression being true is what is proven
 * here; the {@code for:} durations are promtool's to test.
 *
 * <p>One stack serves the class. The healthy check runs first, explicitly ordered, because the faults leave traces in
 * rate windows for minutes afterwards (latency of the delayed events, restarts); each fault is undone before the
 * next one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class AlertExpressionsTest {

    /**
     * Alerts whose expression is true on a healthy stack at rest, with the reason. An entry that is not true at rest
     * fails the healthy check, so this list cannot go stale.
     */
    private static final Map<String, String> TRUE_AT_REST = Map.of();

    /** Rule evaluations the healthy stack must pass clean: two minutes at prometheus.yml's 15 s interval. */
    private static final int HEALTHY_EVALUATIONS = 8;

    /** The two sides of DebeziumStalledCapture, printed when it is not true in time. */
    private static final String CAPTURED_RATE = "name:debezium_metrics_captured_events:rate5m";
    private static final String SINCE_LAST_EVENT =
            "debezium_metrics_milli_seconds_since_last_event{context=\"streaming\"}";
    private static final String ROWS_WRITTEN_RATE = "sum(rate(pg_stat_database_tup_inserted[5m])"
            + " + rate(pg_stat_database_tup_updated[5m]) + rate(pg_stat_database_tup_deleted[5m]))";

    private static final String LATENCY_BUCKETS =
            "sum by (table, le) (increase(cdc_end_to_end_latency_seconds_bucket[5m]))";

    private LocalStack stack;
    private PrometheusApi prometheus;
    private List<RuleFiles.Rule> alerts;
    /** Alert name -> the phases in which its expression was seen true; printed at the end for the closing note. */
    private final Map<String, List<String>> trueIn = new TreeMap<>();

    @BeforeAll
    void start() {
        alerts = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules")).stream()
                .filter(RuleFiles.Rule::isAlert).toList();
        stack = LiveMonitoring.start();
        prometheus = new PrometheusApi(stack.prometheusUrl());
        LiveMonitoring.awaitScraped(prometheus);
    }

    @AfterAll
    void stop() {
        StringBuilder report = new StringBuilder("alert expressions seen true, by phase:\n");
        for (RuleFiles.Rule alert : alerts == null ? List.<RuleFiles.Rule>of() : alerts) {
            report.append("  ").append(alert.name()).append(": ")
                    .append(trueIn.getOrDefault(alert.name(), List.of("never"))).append('\n');
        }
        System.out.println(report);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void healthyStackHasNoTrueAlertExpression() {
        // Right after start some are briefly true (absent() before the first change event); wait for them to clear.
        await("no alert expression true on the healthy stack").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    Map<String, List<PrometheusApi.Series>> unexpected = new TreeMap<>(trueAlerts());
                    unexpected.keySet().removeAll(TRUE_AT_REST.keySet());
                    assertThat(unexpected).as(() -> "alert expressions true on a healthy stack; end-to-end latency "
                            + "buckets now: " + prometheus.query(LATENCY_BUCKETS)).isEmpty();
                });
        // One clean moment is not a healthy stack: a flapping alert would pass it. From here on every rule evaluation
        // must be clean. Prometheus's rule engine writes an ALERTS sample (pending or firing) at every evaluation in
        // which an alert's expression is true, so ALERTS over the window holds every evaluation, not a few polls.
        Instant windowStart = Instant.now();
        Map<String, List<PrometheusApi.Series>> trueInWindow =
                LiveAlerts.pendingOrFiringSince(prometheus, windowStart, HEALTHY_EVALUATIONS);
        long windowSeconds = Duration.between(windowStart, Instant.now()).toSeconds();
        note("healthy (" + windowSeconds + " s of rule evaluations)", trueInWindow);
        Map<String, List<PrometheusApi.Series>> unexpected = new TreeMap<>(trueInWindow);
        unexpected.keySet().removeAll(TRUE_AT_REST.keySet());
        assertThat(unexpected).as("alerts pending or firing at some evaluation during " + windowSeconds
                + " s of a healthy stack").isEmpty();
        assertThat(trueInWindow.keySet()).as("alerts listed as true at rest").containsAll(TRUE_AT_REST.keySet());
    }

    @Test
    @Order(3)
    void connectKilledMakesTheTargetDownAndAbsentExpressionsTrue() {
        RuleFiles.Rule targetDown = alert("PrometheusTargetDown");
        stack.connect().kill();
        try {
            await("PrometheusTargetDown true for job connect").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(prometheus.query(targetDown.expr()))
                            .extracting(s -> s.label("job")).contains("connect"));
            // The README's runbook names these too: without the Connect target its series go stale, and absent()
            // turns true (their for: is promtool's to test).
            for (String name : List.of("DebeziumStreamingMetricsAbsent", "ConnectStatusMetricsAbsent")) {
                RuleFiles.Rule absent = alert(name);
                await(name + " true while Connect is down").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(3))
                        .untilAsserted(() -> assertThat(prometheus.query(absent.expr())).as(absent.expr()).isNotEmpty());
            }
            note("Connect killed", trueAlerts());
        } finally {
            stack.connect().start();
            awaitConnector("RUNNING", Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(2)
    void connectorPausedWhileWritingStallsCaptureAndRetainsWal() throws SQLException {
        RuleFiles.Rule stalled = alert("DebeziumStalledCapture");
        RuleFiles.Rule notWriting = alert("ConnectSourceTaskStalled");
        String slot = stack.connectorConfig().get("slot.name");
        String retained = "pg_replication_slots_pg_wal_lsn_diff{slot_name=\"" + slot + "\"}";
        double before = await("retained WAL of " + slot).atMost(Duration.ofMinutes(1))
                .until(() -> prometheus.query(retained), series -> !series.isEmpty()).get(0).value();

        assertThat(stack.rest().put("/connectors/" + stack.connectorName() + "/pause").status()).isEqualTo(202);
        try {
            awaitConnector("PAUSED", Duration.ofMinutes(1));
            // Pausing stops Connect from polling, but Debezium keeps reading the slot into its own queue
            // (max.queue.size 16384) until that is full: only then are no more events seen. One transaction of
            // 20,000 rows fills it at once; the generator keeps writing at its modest rate meanwhile.
            try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO users (name, email) SELECT 'paused ' || i, 'paused' || i || "
                        + "'@example.com' FROM generate_series(1, 20000) AS i");
            }
            await("retained WAL of " + slot + " rises above " + before).atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(prometheus.query(retained)).extracting(PrometheusApi.Series::value)
                            .anySatisfy(v -> assertThat(v).isGreaterThan(before)));
            // Debezium stops seeing events only once its queue is full; from then on the time since its last event
            // passes the rule's threshold within minutes (the rate(...[5m]) branch empties later).
            String queueUsage = "name:debezium_metrics_queue_usage:ratio{name=\"" + stack.topicPrefix() + "\"}";
            await("Debezium's queue full while paused").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(prometheus.query(queueUsage))
                            .as(() -> "queue usage now " + prometheus.query(queueUsage))
                            .extracting(PrometheusApi.Series::value).anySatisfy(v -> assertThat(v).isEqualTo(1.0)));
            await("DebeziumStalledCapture true").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(prometheus.query(stalled.expr()))
                            .as(() -> "ms since the last event " + prometheus.query(SINCE_LAST_EVENT)
                                    + ", events captured/s " + prometheus.query(CAPTURED_RATE)
                                    + ", rows written/s " + prometheus.query(ROWS_WRITTEN_RATE)
                                    + ", queue usage " + prometheus.query(queueUsage))
                            .extracting(s -> s.label("name")).contains(stack.topicPrefix()));
            // Seen from Kafka the stall shows within a minute of the pause (rate(...[1m])): long true by now.
            assertThat(prometheus.query(notWriting.expr())).as("ConnectSourceTaskStalled while paused")
                    .extracting(s -> s.label("connector") + "/" + s.label("task"))
                    .containsExactly(stack.connectorName() + "/0");
            // Nothing of the written tables reaches the change exporter: their latency histogram is empty (NaN, never
            // high), and the end-to-end alert fires on the age of the newest change consumed instead.
            RuleFiles.Rule late = alert("CdcEndToEndLatencyHigh");
            await("CdcEndToEndLatencyHigh true for public.users while nothing is consumed")
                    .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(prometheus.query(late.expr()))
                            .as(() -> "newest change age " + prometheus.query("cdc_newest_change_age_seconds"))
                            .anySatisfy(series -> {
                                assertThat(series.label("schema")).isEqualTo("public");
                                assertThat(series.label("table")).isEqualTo("users");
                                assertThat(series.value()).isGreaterThan(120);
                            }));
            note("connector paused while writing", trueAlerts());
        } finally {
            stack.rest().put("/connectors/" + stack.connectorName() + "/resume");
            awaitConnector("RUNNING", Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(4)
    void rotatedDatabasePasswordFailsTheTask() throws SQLException {
        RuleFiles.Rule taskFailed = alert("ConnectTaskFailed");
        String connector = stack.connectorName();
        // The incident: the capture role's password is changed in PostgreSQL but not in the connector. The running
        // task keeps its session; the next start (a restart, a rebalance, a crash) cannot log in and the task fails.
        setCapturePassword("rotated-" + UUID.randomUUID());
        try {
            assertThat(stack.rest().post("/connectors/" + connector + "/tasks/0/restart").status()).isEqualTo(204);
            awaitTask("FAILED", Duration.ofMinutes(2));
            // The worker counts the failed task too (kafka_connect_worker_connector_failed_task_count); the rule's
            // `or on (connector, instance)` must still give one series, the task's, so the failure notifies once.
            String workerCount = "kafka_connect_worker_connector_failed_task_count{connector=\"" + connector + "\"} > 0";
            await("ConnectTaskFailed true for task 0 of " + connector + ", once, while the worker counts it too")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> {
                        assertThat(prometheus.query(workerCount)).as(workerCount).isNotEmpty();
                        assertThat(prometheus.query(taskFailed.expr()))
                                .filteredOn(s -> connector.equals(s.label("connector")))
                                .singleElement().satisfies(s -> {
                                    assertThat(s.label("task")).isEqualTo("0");
                                    assertThat(s.label("status")).isEqualTo("failed");
                                    assertThat(s.label("job")).isEqualTo("connect");
                                });
                    });
            note("task failed", trueAlerts());
        } finally {
            setCapturePassword(stack.postgres().capturePassword());
            stack.rest().post("/connectors/" + connector + "/tasks/0/restart");
            awaitConnector("RUNNING", Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(5)
    void generatorStoppedMakesItsTargetDownAndItsMetricsAbsent() {
        RuleFiles.Rule targetDown = alert("PrometheusTargetDown");
        RuleFiles.Rule absent = alert("DataGeneratorMetricsAbsent");
        stack.generator().stop();
        try {
            await("PrometheusTargetDown true for job data-generator, DataGeneratorMetricsAbsent true")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> {
                        assertThat(prometheus.query(targetDown.expr())).extracting(s -> s.label("job"))
                                .contains("data-generator");
                        assertThat(prometheus.query(absent.expr())).isNotEmpty();
                    });
            note("generator stopped", trueAlerts());
        } finally {
            stack.generator().start();
        }
        await("the generator scraped again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(prometheus.query(absent.expr())).isEmpty());
    }

    @Test
    @Order(6)
    void taskFailingWhileBuiltLeavesARunningConnectorWithoutTasks() {
        RuleFiles.Rule withoutTasks = alert("ConnectConnectorWithoutTasks");
        RuleFiles.Rule taskFailed = alert("ConnectTaskFailed");
        String connector = stack.connectorName();
        ConnectRest.Response current = stack.rest().get("/connectors/" + connector + "/config");
        assertThat(current.ok()).as("GET config: %s", current.body()).isTrue();
        JsonNode original = current.json();
        // A producer setting the connector's validation lets through (the worker allows client overrides) but Kafka's
        // producer refuses: Connect fails the task while building it, before the task has metrics of its own, and
        // drops it from the worker's per-connector counts.
        ObjectNode broken = original.deepCopy();
        broken.put("producer.override.compression.type", "bogus");
        Instant fault = Instant.now();
        ConnectRest.Response put = stack.rest().put("/connectors/" + connector + "/config", broken);
        assertThat(put.ok()).as("PUT config: HTTP %s %s", put.status(), put.body()).isTrue();
        try {
            awaitTask("FAILED", Duration.ofMinutes(2));
            assertThat(status().path("tasks").path(0).path("trace").asText()).contains("compression.type");
            await("ConnectConnectorWithoutTasks true for " + connector).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(prometheus.query(withoutTasks.expr())).singleElement()
                            .satisfies(s -> {
                                assertThat(s.label("connector")).isEqualTo(connector);
                                assertThat(s.label("status")).isEqualTo("running");
                                assertThat(s.label("job")).isEqualTo("connect");
                            }));
            System.out.println("task failed while built: ConnectConnectorWithoutTasks true "
                    + Duration.between(fault, Instant.now()).toMillis() / 1000.0 + " s after the config was put");
            // Why the alert exists: neither the task's status nor the worker's count shows this failure.
            assertThat(prometheus.query(taskFailed.expr())).as("ConnectTaskFailed for a task that failed while built")
                    .noneMatch(s -> connector.equals(s.label("connector")));
            note("task failed while built", trueAlerts());
        } finally {
            stack.rest().put("/connectors/" + connector + "/config", original);
            awaitConnector("RUNNING", Duration.ofMinutes(2));
        }
        await("ConnectConnectorWithoutTasks false once the task runs").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(prometheus.query(withoutTasks.expr())).isEmpty());
    }

    @Test
    @Order(7)
    void monitoringRoleWithoutPgMonitorMakesPostgresExporterScrapeErrorTrue() throws SQLException {
        RuleFiles.Rule scrapeError = alert("PostgresExporterScrapeError");
        RuleFiles.Rule down = alert("PostgresDown");
        String role = ComposeFile.read(LiveMonitoring.repoFile("docker-compose.yml"),
                RepoFiles.locate().dotEnv().asMap()).serviceEnvironment("postgres-exporter").get("DATA_SOURCE_USER");
        String failed = "pg_scrape_collector_success == 0";
        // The incident: the monitoring role loses its pg_monitor membership (a privilege clean-up). It still logs in,
        // so pg_up stays 1, but the collectors needing pg_monitor (pg_ls_waldir() for `wal`) fail.
        Instant fault = Instant.now();
        grantPgMonitor(role, false);
        try {
            await("PostgresExporterScrapeError true").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(prometheus.query(scrapeError.expr()))
                            .as(() -> "failed collectors " + prometheus.query(failed)).singleElement()
                            .satisfies(s -> assertThat(s.label("job")).isEqualTo("postgres-exporter")));
            System.out.println("pg_monitor revoked: PostgresExporterScrapeError true "
                    + Duration.between(fault, Instant.now()).toMillis() / 1000.0 + " s after; failed collectors: "
                    + prometheus.query(failed).stream().map(s -> s.label("collector")).toList());
            assertThat(prometheus.query(down.expr())).as("PostgresDown while only privileges are missing").isEmpty();
            note("monitoring role without pg_monitor", trueAlerts());
        } finally {
            grantPgMonitor(role, true);
        }
        await("PostgresExporterScrapeError false once the role is a member again").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(prometheus.query(scrapeError.expr())).isEmpty());
    }

    private void grantPgMonitor(String role, boolean grant) throws SQLException {
        String quoted = "\"" + role.replace("\"", "\"\"") + "\"";
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute(grant ? "GRANT pg_monitor TO " + quoted : "REVOKE pg_monitor FROM " + quoted);
        }
    }

    private void setCapturePassword(String password) throws SQLException {
        String role = stack.connectorConfig().get("database.user");
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE \"" + role.replace("\"", "\"\"") + "\" PASSWORD '" + password.replace("'", "''")
                    + "'");
        }
    }

    private RuleFiles.Rule alert(String name) {
        return alerts.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no alert named " + name + " in debezium-prometheus/rules"));
    }

    /** Every alert whose expression returns at least one series now, with those series. */
    private Map<String, List<PrometheusApi.Series>> trueAlerts() {
        Map<String, List<PrometheusApi.Series>> result = new TreeMap<>();
        for (RuleFiles.Rule alert : alerts) {
            List<PrometheusApi.Series> series = prometheus.query(alert.expr());
            if (!series.isEmpty()) {
                result.put(alert.name(), series);
            }
        }
        return result;
    }

    private void note(String phase, Map<String, List<PrometheusApi.Series>> trueNow) {
        trueNow.keySet().forEach(name -> trueIn.computeIfAbsent(name, n -> new ArrayList<>()).add(phase));
        System.out.println(phase + ": alert expressions true: " + trueNow);
    }

    private void awaitConnector(String state, Duration timeout) {
        await("connector " + stack.connectorName() + " and its tasks " + state).atMost(timeout)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode status = status();
                    assertThat(status.path("connector").path("state").asText()).isEqualTo(state);
                    assertThat(status.path("tasks")).isNotEmpty()
                            .allSatisfy(t -> assertThat(t.path("state").asText()).isEqualTo(state));
                });
    }

    private void awaitTask(String state, Duration timeout) {
        await("task 0 of " + stack.connectorName() + " " + state).atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(status().path("tasks").path(0).path("state").asText())
                        .isEqualTo(state));
    }

    private JsonNode status() {
        ConnectRest.Response response = stack.rest().get("/connectors/" + stack.connectorName() + "/status");
        assertThat(response.ok()).as("GET status: HTTP %s %s", response.status(), response.body()).isTrue();
        return response.json();
    }
}
