package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The replication slot's limits, driven for real on the native stack with the data generator writing, and seen the
 * way a user sees them: through postgres-exporter/queries.yml, Prometheus and the alert expressions as written in
 * debezium-prometheus/rules. The server's settings are changed with {@code ALTER SYSTEM} on this test's own server
 * (its postgresql.auto.conf), never in a copy of postgresql.conf:
 * <ol>
 *   <li>logical decoding spills: {@code logical_decoding_work_mem} at its minimum, 64 kB, and eleven transactions
 *       of 2,000 rows each, decoded while the connector streams, go through pg_replslot/ and fire
 *       PostgresLogicalDecodingSpilling;</li>
 *   <li>the slot lost: the connector stopped, {@code max_slot_wal_keep_size} lowered to 64 MB (the shipped
 *       {@code wal_keep_size}), WAL written past it: PostgresReplicationSlotUnreserved; then a checkpoint removes that
 *       WAL: PostgresReplicationSlotLost, while the retained-WAL alert, reading a series that is NaN for a lost slot,
 *       goes quiet.</li>
 * </ol>
 * Alertmanager notifies a webhook of the test's own ({@link WebhookReceiver}); as in {@link AlertNotificationTest}, the
 * stack runs with every {@code for:} divided by {@value AlertNotificationTest#DIVISOR}, so the times to notification
 * printed are the divided stack's ({@code group_wait} is the shipped one). The slot is lost at the end: this class has
 * a stack of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationSlotLimitsTest {

    private static final int SPILLING_TRANSACTIONS = 11;
    private static final int ROWS_PER_TRANSACTION = 2_000;
    /** WAL written past the lowered limit: twice it, in 1 MiB messages. */
    private static final int WAL_MIB = 128;
    private static final Duration ALERT_WAIT = Duration.ofMinutes(3);

    private LocalStack stack;
    private WebhookReceiver receiver;
    private LiveAlerts alerts;
    private String connector;
    private Predicate<PrometheusApi.Series> ourSlot;

    @BeforeAll
    void start() throws IOException {
        receiver = new WebhookReceiver();
        stack = LiveMonitoring.startNotifying(receiver);
        alerts = new LiveAlerts(stack);
        LiveMonitoring.awaitScraped(alerts.prometheus());
        connector = stack.connectorName();
        ourSlot = LiveAlerts.labelled("slot_name", stack.connectorConfig().get("slot.name"));
    }

    @AfterAll
    void stop() {
        // The stack, then the receiver; a resource never created (null) is skipped.
        try (WebhookReceiver closingReceiver = receiver; LocalStack closingStack = stack) {
            System.out.println("closing the stack");
        }
    }

    @Test
    @Order(1)
    void largeTransactionsSpillToDiskAndFireTheSpillAlert() throws SQLException {
        String spilled = "cdc_slot_decoding_spilled_transactions_total{slot_name=\""
                + stack.connectorConfig().get("slot.name") + "\"}";
        assertThat(alerts.prometheus().query(spilled)).as(spilled + " before").singleElement()
                .satisfies(s -> assertThat(s.value()).isZero());
        long start = System.nanoTime();
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET logical_decoding_work_mem = '64kB'");
            s.execute("SELECT pg_reload_conf()");
            for (int i = 0; i < SPILLING_TRANSACTIONS; i++) {
                s.executeUpdate("INSERT INTO users (name, email) SELECT 'spill " + i + "-' || n, 'spill" + i + "-' || n "
                        + "|| '@example.com' FROM generate_series(1, " + ROWS_PER_TRANSACTION + ") AS n");
            }
        }
        Instant startedAt = Instant.now().minusNanos(System.nanoTime() - start);
        alerts.awaitTrue("PostgresLogicalDecodingSpilling", ourSlot, ALERT_WAIT);
        double trueAfter = (System.nanoTime() - start) / 1e9;
        double count = alerts.prometheus().query(spilled).get(0).value();
        WebhookReceiver.Notification notified = awaitNotified("PostgresLogicalDecodingSpilling", startedAt);
        System.out.printf(Locale.ROOT, "RELIABILITY | logical decoding spills: logical_decoding_work_mem 64kB, %d "
                        + "transactions of %d rows | PostgresLogicalDecodingSpilling true after %.0f s | %s = %.0f | "
                        + "notified (receiver %s) %.0f s after the first transaction%n",
                SPILLING_TRANSACTIONS, ROWS_PER_TRANSACTION, trueAfter, spilled, count,
                notified.body().path("receiver").asText(), secondsBetween(startedAt, notified.at()));
        assertThat(count).as(spilled).isGreaterThanOrEqualTo(SPILLING_TRANSACTIONS);
    }

    @Test
    @Order(2)
    void slotPastItsWalLimitIsUnreservedThenLostAndTheLostAlertStays() throws SQLException {
        Instant stoppedAt = Instant.now();
        assertThat(stack.rest().put("/connectors/" + connector + "/stop").ok()).isTrue();
        await("connector STOPPED").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> "STOPPED".equals(connectorState()));
        long start = System.nanoTime();
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            // No timed checkpoint in between: the slot stays unreserved until this test's CHECKPOINT.
            s.execute("ALTER SYSTEM SET checkpoint_timeout = '1h'");
            s.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '64MB'");
            s.execute("SELECT pg_reload_conf()");
            for (int i = 0; i < WAL_MIB; i++) {
                s.execute("SELECT pg_logical_emit_message(false, 'wal-filler', repeat('x', 1048576))");
            }
        }
        alerts.awaitTrue("PostgresReplicationSlotUnreserved", ourSlot, ALERT_WAIT);
        double unreservedAfter = (System.nanoTime() - start) / 1e9;

        Instant checkpointAt = Instant.now();
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT"); // removes the WAL past the limit: PostgreSQL invalidates the slot
        }
        alerts.awaitTrue("PostgresReplicationSlotLost", ourSlot, ALERT_WAIT);
        double lostAfter = (System.nanoTime() - start) / 1e9;
        assertThat(alerts.trueSeries("PostgresReplicationSlotUnreserved")).as("unreserved once lost")
                .noneMatch(ourSlot);
        // Why the lost alert is needed: the retained-WAL alert reads pg_replication_slots_pg_wal_lsn_diff, NaN now.
        assertThat(alerts.trueSeries("PostgresReplicationSlotWalRetained")).as("retained-WAL alert on a lost slot")
                .noneMatch(ourSlot);
        assertThat(alerts.prometheus().query("pg_replication_slots_pg_wal_lsn_diff{slot_name=\""
                + stack.connectorConfig().get("slot.name") + "\"}")).singleElement()
                .satisfies(s -> assertThat(s.value()).as("retained WAL of a lost slot").isNaN());

        // While capture is broken: the connector still stopped, nobody has looked yet.
        Map<String, List<Map<String, String>>> alsoTrue = alerts.trueNow();
        alsoTrue.remove("PostgresLogicalDecodingSpilling"); // the previous test's
        WebhookReceiver.Notification lost = awaitNotified("PostgresReplicationSlotLost", checkpointAt);
        assertThat(lost.body().path("receiver").asText()).as("receiver of the lost slot").isEqualTo("critical");
        Map<String, Integer> notifiedSinceStop = new TreeMap<>();
        receiver.received().stream().filter(n -> !n.at().isBefore(stoppedAt)).forEach(n -> n.alerts().forEach(a ->
                notifiedSinceStop.merge(a.path("labels").path("alertname").asText() + " "
                        + a.path("status").asText(), 1, Integer::sum)));
        System.out.printf(Locale.ROOT, "RELIABILITY | slot past max_slot_wal_keep_size (64MB via ALTER SYSTEM, "
                        + "connector stopped, %d MiB of WAL, then CHECKPOINT) | PostgresReplicationSlotUnreserved true "
                        + "after %.0f s, PostgresReplicationSlotLost after %.0f s; PostgresReplicationSlotWalRetained "
                        + "quiet (retained WAL NaN) | alert expressions true then: %s | PostgresReplicationSlotLost "
                        + "notified (receiver critical) %.0f s after the checkpoint; notified since the stop: %s%n",
                WAL_MIB, unreservedAfter, lostAfter, alsoTrue.keySet(), secondsBetween(checkpointAt, lost.at()),
                notifiedSinceStop);
    }

    private String connectorState() {
        return stack.rest().get("/connectors/" + connector + "/status").json().path("connector").path("state")
                .asText();
    }


    /** The first notification of the alert firing since {@code since} (bounded; the shipped group_wait included). */
    private WebhookReceiver.Notification awaitNotified(String alert, Instant since) {
        return receiver.awaitFiring(alert, since, Duration.ofMinutes(3));
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
