package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Faults in the connector's life, the change exporter and the data, on one native stack with monitoring and the data
 * generator writing at a fixed rate throughout each: a long transaction and a schema change, the connector paused,
 * deleted and registered again, stopped until the slot's retained WAL passes the disk-pressure threshold, its task
 * left FAILED, and the change exporter killed. Each fault is undone before the next, and each ends with the
 * reconciliation (state rebuilt from the topics equals the tables, distinct events equal the generator's committed
 * counts, lost 0, duplicates counted), the time from the fault to the first change captured after it, and the alert
 * expression that tells the operator, evaluated as written in debezium-prometheus/rules by the stack's Prometheus:
 * true during the fault, false after the recovery. Alertmanager notifies a webhook of the test's own through the
 * shipped alertmanager.yml, the {@code for:} durations divided as in {@link AlertNotificationTest}: each fault is held
 * until that alert's firing notification has arrived, and everything notified until the recovery is reported. One
 * "RELIABILITY |" line per fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OperationalFaultsTest {

    /** Operations per second of the generator during every fault: fixed, modest on a shared 2-core machine. */
    private static final int RATE = 50;
    private static final long OPS_BEFORE_FAULT = 100;
    private static final long OPS_AFTER_RECOVERY = 150;
    private static final int LONG_TRANSACTION_ROWS = 5000;
    /** How far the change exporter's committed offsets may trail its kill: it commits once a second. */
    private static final Duration COMMITTED_LAG_LIMIT = Duration.ofSeconds(10);
    private static final String NEW_COLUMN = "nickname";
    private static final Duration CAPTURE_WAIT = Duration.ofSeconds(90);
    private static final Duration STATE_WAIT = Duration.ofSeconds(60);
    /**
     * The shipped scrape interval is 15 s: a fault shows in an expression after the next scrape of its target, so a
     * minute leaves room for a busy 2-core machine.
     */
    private static final Duration ALERT_WAIT = Duration.ofSeconds(60);
    /** How long a FAILED task is watched not being restarted by anything but the runbook command: a scrape interval. */
    private static final Duration FAILED_HOLD = Duration.ofSeconds(15);
    /**
     * Up to the divided for: of the slowest root cause here (5m -> 30 s), a scrape and an evaluation, and the shipped
     * group_wait of warnings (1 minute).
     */
    private static final Duration NOTIFY_WAIT = Duration.ofMinutes(2);
    /** The change exporter's consumer group: ExporterConfig's default, which the stack does not override. */
    private static final String EXPORTER_GROUP = "change-exporter";
    private static final String REPRODUCE = "./mvnw -pl native/local-stack -am verify -DskipITs "
            + "-Dtest=OperationalFaultsTest -Dsurefire.failIfNoSpecifiedTests=false";
    /** The generator's summary line (DataGenerator.summary()), as the stack's generator logs it when it stops. */
    private static final Pattern SUMMARY = Pattern.compile("users: (\\d+) inserted, (\\d+) updated, (\\d+) deleted; "
            + "orders: (\\d+) inserted, (\\d+) updated, (\\d+) deleted");

    private WebhookReceiver receiver;
    private LocalStack stack;
    private LiveAlerts alerts;
    private Reconciliation reconciliation;
    private ReplicationSlot slot;
    private String connector;
    private int generatorPort;
    private long duplicatesSoFar;

    @BeforeAll
    void start() throws IOException {
        receiver = new WebhookReceiver();
        stack = LiveMonitoring.startNotifying(receiver);
        connector = stack.connectorName();
        slot = new ReplicationSlot(stack);
        alerts = new LiveAlerts(stack);
        reconciliation = new Reconciliation(stack);
        // The stack's generator process tells its exact counts only in the summary it logs when it stops. From here
        // on the test runs the same generator in its own JVM, for exact counts at any time, serving /metrics on the
        // same port: Prometheus scrapes it as it scraped the process.
        generatorPort = URI.create(stack.generatorMetricsUrl()).getPort();
        stack.generator().stop();
        expectWhatTheStackGeneratorWrote();
    }

    @AfterAll
    void stop() {
        // Closes the topic reader, then the stack; a resource that was never created (null) is skipped.
        try (WebhookReceiver closingReceiver = receiver; LocalStack closingStack = stack;
             Reconciliation closingReader = reconciliation) {
            System.out.println("closing the stack");
        }
    }

    @Test
    @Order(1)
    void longTransactionAndSchemaChangeWhileWritingArriveWhole() throws Exception {
        long lsnBeforeAlter;
        long lsnAfterAlter;
        long commitMillis;
        long alterMillis;
        Map<String, List<PrometheusApi.Series>> trueDuring;
        List<String> notifiedDuring;
        CommittedCounts counts;
        try {
            try (GeneratorRun writer = writing()) {
                writer.awaitMore(OPS_BEFORE_FAULT);
                Instant begin = Instant.now();
                try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO users (name, email) SELECT 'long-tx ' || i, 'long-tx' || i "
                            + "|| '@example.com' FROM generate_series(1, " + LONG_TRANSACTION_ROWS + ") AS i");
                    commitMillis = System.currentTimeMillis();
                    lsnBeforeAlter = currentLsn(s);
                    s.execute("ALTER TABLE users ADD COLUMN " + NEW_COLUMN + " VARCHAR(100)");
                    alterMillis = System.currentTimeMillis();
                    lsnAfterAlter = currentLsn(s);
                    s.executeUpdate("INSERT INTO users (name, email, " + NEW_COLUMN + ") "
                            + "VALUES ('named', 'named@example.com', 'nick')");
                }
                reconciliation.expect("users", "c", LONG_TRANSACTION_ROWS + 1L);
                writer.awaitMore(OPS_AFTER_RECOVERY);
                // Nothing is wrong, so nothing may alarm: no alert pending or firing at any rule evaluation from
                // before the transaction until after its rows and the ALTER have arrived, the generator writing.
                // Three more evaluations: what the transaction did reaches Prometheus at the next scrape (up to 15 s)
                // and an alert at the evaluation after that (up to 15 s more).
                trueDuring = LiveAlerts.pendingOrFiringSince(alerts.prometheus(), begin, 3);
                notifiedDuring = receiver.between(begin, Instant.now());
                counts = writer.stop();
            }
            assertThat(trueDuring).as("alerts pending or firing at some evaluation during a long transaction and "
                    + "an ALTER TABLE, nothing being wrong").isEmpty();
            assertThat(notifiedDuring).as("notifications during the long transaction and the ALTER TABLE").isEmpty();
            Outcome outcome = reconcile(counts);

            List<ConsumerRecord<String, String>> users = changes(stack.topic("public.users"));
            LongSummary longTx = timestamps(users, e -> e.path("op").asText().equals("c")
                    && e.at("/after/name").asText().startsWith("long-tx "));
            assertThat(longTx.count()).as("rows of the long transaction captured").isEqualTo(LONG_TRANSACTION_ROWS);
            for (ConsumerRecord<String, String> record : users) {
                JsonNode event = JsonText.read(record.value());
                long lsn = event.at("/source/lsn").asLong();
                JsonNode after = event.get("after");
                if (after == null || after.isNull()) {
                    continue; // a delete: its before image holds the key only
                }
                if (lsn < lsnBeforeAlter) {
                    assertThat(after.has(NEW_COLUMN)).as("event at lsn %d, before the ALTER", lsn).isFalse();
                } else if (lsn > lsnAfterAlter) {
                    assertThat(after.has(NEW_COLUMN)).as("event at lsn %d, after the ALTER", lsn).isTrue();
                }
            }
            // The generator may update the row's email meanwhile (it picks users at random): each of its events
            // carries the value too.
            assertThat(users.stream().map(r -> JsonText.read(r.value()))
                    .filter(e -> e.at("/after/name").asText().equals("named"))
                    .map(e -> e.at("/after/" + NEW_COLUMN).asText()).toList())
                    .as("the column's value in every event of the row inserted after the ALTER")
                    .isNotEmpty().containsOnly("nick");
            long firstWithColumn = timestamps(users, e -> e.at("/source/lsn").asLong() > lsnAfterAlter).min();
            report("long transaction (" + LONG_TRANSACTION_ROWS + " rows, one commit) and ALTER TABLE users ADD COLUMN "
                            + "while writing",
                    "no alert pending or firing at any evaluation " + trueDuring.keySet() + "; the column in every later event (value "
                            + "'nick' where set)",
                    String.format(Locale.ROOT, "commit to first row captured %.2f s, to all %d rows %.2f s; ALTER to "
                                    + "first event with the column %.2f s", seconds(longTx.min() - commitMillis),
                            LONG_TRANSACTION_ROWS, seconds(longTx.max() - commitMillis),
                            seconds(firstWithColumn - alterMillis)),
                    "none " + notifiedDuring, outcome);
        } finally {
            try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE users DROP COLUMN IF EXISTS " + NEW_COLUMN); // the schema the others expect
            }
        }
    }

    @Test
    @Order(2)
    void connectorPausedWhileWritingRetainsWalThenResumesLosingNothing() throws Exception {
        Predicate<PrometheusApi.Series> paused = LiveAlerts.labelled("connector", connector)
                .and(LiveAlerts.labelled("status", "paused"));
        FaultTimeline fault;
        long retainedAtPause;
        long retainedPeak;
        long retainedAfter;
        CommittedCounts counts;
        try (GeneratorRun writer = writing()) {
            writer.awaitMore(OPS_BEFORE_FAULT);
            retainedAtPause = slot.retainedBytes();
            fault = FaultTimeline.now();
            assertThat(stack.rest().put("/connectors/" + connector + "/pause").status()).isEqualTo(202);
            awaitConnector("PAUSED");
            fault.alertTrue(alertTrue("ConnectConnectorNotRunning", paused, fault.nanos), alertsTrueNow());
            awaitNotified(fault, "ConnectConnectorNotRunning");
            // The generator kept writing meanwhile: the slot holds that WAL, as Connect commits no offset while paused.
            retainedPeak = slot.retainedBytes();
            assertThat(retainedPeak).as("WAL retained by %s while paused, at the pause %d", slot.name(),
                    retainedAtPause).isGreaterThan(retainedAtPause);

            recover(fault, () -> assertThat(stack.rest().put("/connectors/" + connector + "/resume").status())
                    .isEqualTo(202));
            fault.alertFalse(alertFalse("ConnectConnectorNotRunning", paused, fault.recoveryNanos));
            // The slot advances once Debezium confirms the offsets Connect commits (every 5 s) and PostgreSQL logs
            // its next running-transactions record (every 15 s).
            retainedAfter = await("retained WAL of " + slot.name() + " below " + retainedPeak)
                    .atMost(STATE_WAIT).pollInterval(Duration.ofSeconds(1))
                    .until(slot::retainedBytes, retained -> retained < retainedPeak);
            writer.awaitMore(OPS_AFTER_RECOVERY);
            counts = writer.stop();
        }
        Outcome outcome = reconcile(counts);
        report("connector paused while writing, then resumed", fault.userSees("status PAUSED")
                        + String.format(Locale.ROOT, "; WAL retained by the slot %d KiB at the pause, %d KiB paused, "
                        + "%d KiB after", retainedAtPause / 1024, retainedPeak / 1024, retainedAfter / 1024),
                fault.recoveryTimes(), notifications(fault), outcome);
    }

    @Test
    @Order(3)
    void connectorDeletedAndRegisteredAgainResumesFromItsOffsetsWithoutSnapshot() throws Exception {
        Predicate<PrometheusApi.Series> ourSlot = LiveAlerts.labelled("slot_name", slot.name());
        long snapshotReadsBefore = snapshotReads();
        FaultTimeline fault;
        CommittedCounts counts;
        try (GeneratorRun writer = writing()) {
            writer.awaitMore(OPS_BEFORE_FAULT);
            fault = FaultTimeline.now();
            assertThat(stack.rest().delete("/connectors/" + connector).status()).isEqualTo(204);
            fault.alertTrue(alertTrue("PostgresReplicationSlotInactive", ourSlot, fault.nanos),
                    alertsTrueNow());
            awaitNotified(fault, "PostgresReplicationSlotInactive");
            assertThat(stack.rest().connectors()).hasValueSatisfying(names -> assertThat(names).isEmpty());

            recover(fault, () -> {
                ConnectorRegistration.Result registration = stack.registerConnector();
                assertThat(registration.succeeded()).as(registration.output()).isTrue();
            });
            fault.alertFalse(alertFalse("PostgresReplicationSlotInactive", ourSlot, fault.recoveryNanos));
            writer.awaitMore(OPS_AFTER_RECOVERY);
            counts = writer.stop();
        }
        Outcome outcome = reconcile(counts);
        assertThat(snapshotReads()).as("snapshot (r) events after registering %s again", connector)
                .isEqualTo(snapshotReadsBefore);
        report("connector deleted and registered again with the same name (register-connector.sh)",
                fault.userSees("GET /connectors empty; the slot stays, inactive"),
                fault.recoveryTimes() + "; no new snapshot (r events " + snapshotReadsBefore + " before and after)",
                notifications(fault), outcome);
    }

    @Test
    @Order(4)
    void slotWalPastTheDiskPressureThresholdWhileStoppedFiresTheAlertAndDrainsAfterResume() throws Exception {
        Predicate<PrometheusApi.Series> ourSlot = LiveAlerts.labelled("slot_name", slot.name());
        long threshold = threshold(alerts.rule("PostgresReplicationSlotWalRetained").expr());
        FaultTimeline fault;
        long retainedPeak;
        int switches;
        boolean predictedTrue;
        CommittedCounts counts;
        try (GeneratorRun writer = writing()) {
            writer.awaitMore(OPS_BEFORE_FAULT);
            fault = FaultTimeline.now();
            assertThat(stack.rest().put("/connectors/" + connector + "/stop").ok()).isTrue();
            awaitConnector("STOPPED");
            await("slot " + slot.name() + " inactive").atMost(STATE_WAIT).until(() -> !slot.active());
            switches = fillWalBeyond(threshold);
            retainedPeak = slot.retainedBytes();
            fault.alertTrue(alertTrue("PostgresReplicationSlotWalRetained", ourSlot, fault.nanos),
                    alertsTrueNow());
            awaitNotified(fault, "PostgresReplicationSlotWalRetained");
            predictedTrue = alerts.trueSeries("PostgresReplicationSlotWalLimitPredicted").stream().anyMatch(ourSlot);

            recover(fault, () -> assertThat(stack.rest().put("/connectors/" + connector + "/resume").status())
                    .isEqualTo(202));
            await("retained WAL of " + slot.name() + " back under " + threshold).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> slot.retainedBytes() < threshold);
            fault.alertFalse(alertFalse("PostgresReplicationSlotWalRetained", ourSlot, fault.recoveryNanos));
            writer.awaitMore(OPS_AFTER_RECOVERY);
            counts = writer.stop();
        } finally {
            try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS wal_pressure");
                s.execute("CHECKPOINT"); // lets PostgreSQL remove the segments the slot no longer holds
            }
        }
        Outcome outcome = reconcile(counts);
        assertThat(predictedTrue).as("PostgresReplicationSlotWalLimitPredicted true while %d MiB were retained",
                retainedPeak >> 20).isTrue();
        report(String.format(Locale.ROOT, "connector stopped while writing; %d WAL segment switches make the slot "
                        + "retain %d MiB (threshold %d MiB)", switches, retainedPeak >> 20, threshold >> 20),
                fault.userSees("status STOPPED") + "; PostgresReplicationSlotWalLimitPredicted true too",
                fault.recoveryTimes(), notifications(fault), outcome);
    }

    @Test
    @Order(5)
    void taskLeftFailedStaysFailedUntilTheRunbookCommandRestartsIt() throws Exception {
        Predicate<PrometheusApi.Series> ourTask = LiveAlerts.labelled("connector", connector)
                .and(LiveAlerts.labelled("task", "0"));
        RunbookCommand restart = RunbookCommand.of("ConnectTaskFailed");
        String role = stack.connectorConfig().get("database.user");
        FaultTimeline fault;
        Duration failedFor;
        String loginError;
        CommittedCounts counts;
        try (GeneratorRun writer = writing()) {
            writer.awaitMore(OPS_BEFORE_FAULT);
            // The incident: the capture role may no longer log in. The running task keeps its sessions; its next
            // start cannot log in, and the task ends FAILED (authentication is not a retriable error).
            fault = FaultTimeline.now();
            setLogin(role, false);
            try {
                assertThat(stack.rest().post("/connectors/" + connector + "/tasks/0/restart").status())
                        .isEqualTo(204);
                awaitTask("FAILED");
                // What the user reads in GET .../status: PostgreSQL's own refusal, in the task's trace.
                String trace = status().path("tasks").path(0).path("trace").asText();
                loginError = trace.lines().filter(l -> l.contains("not permitted to log in")).findFirst()
                        .orElseThrow(() -> new AssertionError("the FAILED task's trace does not name the refused "
                                + "login of " + role + ":\n" + trace)).strip();
                fault.alertTrue(alertTrue("ConnectTaskFailed", ourTask, fault.nanos), alertsTrueNow());
                awaitNotified(fault, "ConnectTaskFailed");
            } finally {
                setLogin(role, true);
            }
            // Kafka Connect has no automatic restart of a FAILED task (Debezium's errors.max.retries retries only
            // retriable errors, before a task fails): the login works again, yet the task stays FAILED.
            await("task 0 still FAILED for " + FAILED_HOLD + " after the login works again")
                    .during(FAILED_HOLD).atMost(FAILED_HOLD.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                    .until(this::taskState, "FAILED"::equals);
            failedFor = fault.sinceFault();

            recover(fault, () -> System.out.println("runbook command: " + restart.command() + " -> "
                    + restart.runAgainst(stack.connectUrl()).strip()));
            fault.alertFalse(alertFalse("ConnectTaskFailed", ourTask, fault.recoveryNanos));
            writer.awaitMore(OPS_AFTER_RECOVERY);
            counts = writer.stop();
        }
        Outcome outcome = reconcile(counts);
        report("task FAILED (capture role refused login at the task's restart); not restarted by Connect",
                fault.userSees("task 0 FAILED, its trace reading `" + loginError + "`, still FAILED "
                        + String.format(Locale.ROOT, "%.0f s", seconds(failedFor.toMillis()))
                        + " after the fault, " + FAILED_HOLD.toSeconds() + " s after the login worked again"), "restarted by the runbook's `" + restart.command() + "`; "
                        + fault.recoveryTimes(), notifications(fault), outcome);
    }

    @Test
    @Order(6)
    void changeExporterKilledResumesFromItsCommittedOffsets() throws Exception {
        Predicate<PrometheusApi.Series> exporterJob = LiveAlerts.labelled("job", "change-exporter");
        ServiceProcess exporter = stack.changeExporter();
        PrometheusText lastScrape;
        Map<TopicPartition, Long> committed;
        FaultTimeline fault;
        CommittedCounts counts;
        try (GeneratorRun writer = writing()) {
            writer.awaitMore(OPS_BEFORE_FAULT);
            lastScrape = PrometheusText.scrape(stack.changeExporterMetricsUrl());
            fault = FaultTimeline.now();
            exporter.kill();
            // Dead: its group's committed offsets are final, the position a restart resumes from.
            committed = ConsumerGroupOffsets.committed(stack.bootstrapServers(), EXPORTER_GROUP);
            fault.alertTrue(alertTrue("PrometheusTargetDown", exporterJob, fault.nanos), alertsTrueNow());
            awaitNotified(fault, "PrometheusTargetDown", "job", "change-exporter");

            fault.recovering();
            exporter.start();
            // Both measured from the same polls: the first change the restarted exporter counts, and its target up.
            AtomicLong consumedAt = new AtomicLong();
            AtomicReference<Duration> upAfter = new AtomicReference<>();
            await("a change consumed by the restarted exporter, and PrometheusTargetDown false")
                    .atMost(CAPTURE_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (consumedAt.get() == 0 && !exporterCounts(PrometheusText.scrape(
                                stack.changeExporterMetricsUrl())).isEmpty()) {
                            consumedAt.set(System.currentTimeMillis());
                        }
                        if (upAfter.get() == null && alerts.trueSeries("PrometheusTargetDown").stream()
                                .noneMatch(exporterJob)) {
                            upAfter.set(Duration.ofNanos(System.nanoTime() - fault.recoveryNanos));
                        }
                        return consumedAt.get() != 0 && upAfter.get() != null;
                    });
            fault.captured(consumedAt.get());
            fault.alertFalse(upAfter.get());
            writer.awaitMore(OPS_AFTER_RECOVERY);
            counts = writer.stop();
        }
        Outcome outcome = reconcile(counts);

        // The committed offsets a restart resumes from must be recent: the exporter commits once a second, so no record
        // older than COMMITTED_LAG_LIMIT at the kill may lie at or beyond them. With no commit at all, or another
        // group's offsets, the restart would count everything again, and the equality below would still hold.
        List<TopicPartition> partitionsBeforeKill = reconciliation.reader().records().stream()
                .filter(r -> r.timestamp() < fault.millis).map(r -> new TopicPartition(r.topic(), r.partition()))
                .distinct().toList();
        assertThat(committed.keySet()).as("partitions with an offset committed by group " + EXPORTER_GROUP)
                .containsAll(partitionsBeforeKill);
        long notCommittedInTime = reconciliation.reader().records().stream()
                .filter(r -> r.offset() >= committedOffset(committed, r)
                        && r.timestamp() < fault.millis - COMMITTED_LAG_LIMIT.toMillis())
                .count();
        assertThat(notCommittedInTime).as("records older than %s at the kill beyond the committed offsets",
                COMMITTED_LAG_LIMIT).isZero();

        // Since the restart its counters hold exactly the records at or after the committed offsets: nothing before
        // them counted again, nothing after them skipped.
        Map<String, Long> sinceCommitted = countRecords(r -> r.offset() >= committedOffset(committed, r));
        Map<String, Long> beforeCommitted = countRecords(r -> r.offset() < committedOffset(committed, r));
        PrometheusText afterRestart = await("the restarted exporter's counts equal the records from the committed "
                + "offsets on").atMost(CAPTURE_WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> PrometheusText.scrape(stack.changeExporterMetricsUrl()),
                        metrics -> exporterCounts(metrics).equals(sinceCommitted));
        assertThat(exporterCounts(afterRestart)).isEqualTo(sinceCommitted);
        // What it counted before the kill, at least (its last scrape), beyond the committed offsets: counted again.
        long reRead = 0;
        for (Map.Entry<String, Long> before : exporterCounts(lastScrape).entrySet()) {
            reRead += Math.max(0, before.getValue() - beforeCommitted.getOrDefault(before.getKey(), 0L));
        }
        long total = sinceCommitted.values().stream().mapToLong(Long::longValue).sum();
        report("change exporter killed (SIGKILL) while writing, then started again",
                fault.userSees("its /metrics unreachable"),
                fault.recoveryTimes().replace("captured", "consumed") + String.format(Locale.ROOT,
                        "; resumed at the committed offsets %s: counted %d records since the restart, re-read at "
                                + "least %d (counted before the kill too)", committed.values(), total, reRead),
                notifications(fault), outcome);
    }

    // --- the fault's figures -------------------------------------------------------------------------------------

    /** When a fault began and was undone, and what the operator saw meanwhile. */
    private static final class FaultTimeline {

        final long nanos = System.nanoTime();
        final long millis = System.currentTimeMillis();
        long recoveryNanos;
        long recoveryMillis;
        Duration alertTrueAfter;
        Duration alertFalseAfter;
        Set<String> trueThen;
        long capturedMillis;
        /** The alert that tells the operator, and its first firing notification. */
        String notifiedAlert;
        WebhookReceiver.Notification notification;

        static FaultTimeline now() {
            return new FaultTimeline();
        }

        void alertTrue(Duration after, Set<String> alertsTrue) {
            alertTrueAfter = after;
            trueThen = alertsTrue;
        }

        void recovering() {
            recoveryNanos = System.nanoTime();
            recoveryMillis = System.currentTimeMillis();
        }

        void captured(long millis) {
            capturedMillis = millis;
        }

        void alertFalse(Duration after) {
            alertFalseAfter = after;
        }

        Duration sinceFault() {
            return Duration.ofNanos(System.nanoTime() - nanos);
        }

        String userSees(String status) {
            return String.format(Locale.ROOT, "%s; alert expressions true %.0f s after the fault: %s", status,
                    seconds(alertTrueAfter.toMillis()), trueThen);
        }

        String recoveryTimes() {
            return String.format(Locale.ROOT, "first change captured %.2f s after the fault, %.2f s after the "
                            + "recovery began; alert false %.0f s after it", seconds(capturedMillis - millis),
                    seconds(capturedMillis - recoveryMillis), seconds(alertFalseAfter.toMillis()));
        }
    }

    private record Outcome(long lost, long duplicates, long changeEvents) {
    }

    /** Adds the generator's counts to what is expected, drains the topics and checks them against the tables. */
    private Outcome reconcile(CommittedCounts counts) {
        reconciliation.expectAll(counts);
        Reconciliation.Drained drained = reconciliation.drain();
        drained.assertMatchesTables();
        drained.assertEventCountsAsExpected();
        assertThat(drained.lost()).as("lost").isZero();
        long duplicates = drained.duplicates() - duplicatesSoFar;
        duplicatesSoFar = drained.duplicates();
        return new Outcome(drained.lost(), duplicates, drained.changeEvents());
    }

    private void report(String fault, String userSees, String recovery, String notified, Outcome outcome) {
        System.out.printf(Locale.ROOT, "RELIABILITY | %s | %s | %s | %s | lost %d | duplicates %d | %s%n", fault,
                userSees, recovery, notified, outcome.lost(), outcome.duplicates(), REPRODUCE);
        System.out.printf(Locale.ROOT, "  (%d distinct change events in the topics so far, equal to the tables)%n",
                outcome.changeEvents());
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Holds the fault until Alertmanager has notified the alert firing (through the shipped routes). */
    private void awaitNotified(FaultTimeline fault, String alert, String... labelPairs) {
        fault.notifiedAlert = alert;
        fault.notification = receiver.awaitFiring(alert, Instant.ofEpochMilli(fault.millis), NOTIFY_WAIT, labelPairs);
    }

    /** The first notification's alert and time, and everything notified from the fault until now. */
    private String notifications(FaultTimeline fault) {
        return String.format(Locale.ROOT, "%s notified %.1f s after the fault; delivered until recovered: %s",
                fault.notifiedAlert, seconds(fault.notification.at().toEpochMilli() - fault.millis),
                receiver.between(Instant.ofEpochMilli(fault.millis), Instant.now()));
    }

    /** Waits until the alert's expression is true for a matching series; the time since {@code sinceNanos}. */
    private Duration alertTrue(String alert, Predicate<PrometheusApi.Series> series, long sinceNanos) {
        alerts.awaitTrue(alert, series, ALERT_WAIT);
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /** Waits until the alert's expression is false for every matching series; the time since {@code sinceNanos}. */
    private Duration alertFalse(String alert, Predicate<PrometheusApi.Series> series, long sinceNanos) {
        alerts.awaitFalse(alert, series, ALERT_WAIT);
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /**
     * The alerts whose expression is true now, less those about the generator alone: the test stops its generator
     * for each reconciliation and starts a new one for the next fault, and a scrape in that gap finds its target down
     * until the next scrape.
     */
    private Set<String> alertsTrueNow() {
        Set<String> names = new TreeSet<>();
        alerts.trueNow().forEach((alert, series) -> {
            boolean generatorOnly = alert.equals("DataGeneratorMetricsAbsent")
                    || series.stream().allMatch(labels -> "data-generator".equals(labels.get("job")));
            if (!generatorOnly) {
                names.add(alert);
            }
        });
        return names;
    }

    private GeneratorRun writing() {
        return GeneratorRun.start(StackGenerator.writingInto(stack, RATE, generatorPort));
    }

    private void expectWhatTheStackGeneratorWrote() throws IOException {
        String log = Files.readString(stack.generator().logFile());
        Matcher m = SUMMARY.matcher(log);
        if (!m.find()) {
            throw new AssertionError("no summary line in the stack generator's log " + stack.generator().logFile()
                    + ":\n" + stack.generator().tail(20));
        }
        String[] tableOps = {"users/c", "users/u", "users/d", "orders/c", "orders/u", "orders/d"};
        for (int i = 0; i < tableOps.length; i++) {
            String[] tableOp = tableOps[i].split("/");
            reconciliation.expect(tableOp[0], tableOp[1], Long.parseLong(m.group(i + 1)));
        }
        System.out.println("the stack's generator before the faults: " + m.group());
    }

    /** Undoes a fault of the connector: the action, then until it runs and the first change is captured again. */
    private void recover(FaultTimeline fault, Runnable action) {
        fault.recovering();
        action.run();
        stack.rest().awaitRunning(connector, STATE_WAIT);
        fault.captured(firstChangeCapturedSince(fault.recoveryMillis));
    }

    /**
     * The Kafka timestamp of the first change written to the table topics at or after {@code millis} (the recovery's
     * start), once it has arrived: when the pipeline captured again. The record timestamp is the time Connect's
     * producer sent it; a change committed during the fault counts, as it is captured only now.
     */
    private long firstChangeCapturedSince(long millis) {
        Predicate<ConsumerRecord<String, String>> since = r -> r.value() != null && r.timestamp() >= millis;
        reconciliation.reader().awaitFirst(since, CAPTURE_WAIT)
                .orElseThrow(() -> new AssertionError("no change captured within " + CAPTURE_WAIT
                        + " of the recovery"));
        return reconciliation.reader().records().stream().filter(since)
                .mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
    }

    /** Change events (not tombstones) read so far from one topic. */
    private List<ConsumerRecord<String, String>> changes(String topic) {
        return reconciliation.reader().records().stream()
                .filter(r -> r.topic().equals(topic) && r.value() != null).toList();
    }

    private record LongSummary(long count, long min, long max) {
    }

    /** Count, earliest and latest Kafka timestamp of the events {@code which} accepts. */
    private static LongSummary timestamps(List<ConsumerRecord<String, String>> records, Predicate<JsonNode> which) {
        var stats = records.stream().filter(r -> which.test(JsonText.read(r.value())))
                .mapToLong(ConsumerRecord::timestamp).summaryStatistics();
        return new LongSummary(stats.getCount(), stats.getMin(), stats.getMax());
    }

    private long snapshotReads() {
        Reconciliation.Drained now = reconciliation.current();
        return now.users().events("r") + now.orders().events("r");
    }

    /** Records read from the table topics, counted as the change exporter labels them: "topic op" or tombstones. */
    private Map<String, Long> countRecords(Predicate<ConsumerRecord<String, String>> which) {
        Map<String, Long> counts = new TreeMap<>();
        for (ConsumerRecord<String, String> record : reconciliation.reader().records()) {
            if (which.test(record)) {
                String kind = record.value() == null ? "tombstone"
                        : JsonText.read(record.value()).get("op").asText();
                counts.merge(record.topic() + " " + kind, 1L, Long::sum);
            }
        }
        return counts;
    }

    /** The change exporter's non-zero counts in the same form: change events by topic and op, and tombstones. */
    private static Map<String, Long> exporterCounts(PrometheusText metrics) {
        Map<String, Long> counts = new TreeMap<>();
        for (PrometheusText.Sample s : metrics.named("cdc_change_events_total")) {
            if (s.value() > 0) {
                counts.put(s.labels().get("topic") + " " + s.labels().get("op"), (long) s.value());
            }
        }
        for (PrometheusText.Sample s : metrics.named("cdc_tombstones_total")) {
            if (s.value() > 0) {
                counts.put(s.labels().get("topic") + " tombstone", (long) s.value());
            }
        }
        return counts;
    }

    private static long committedOffset(Map<TopicPartition, Long> committed, ConsumerRecord<?, ?> record) {
        return committed.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L);
    }

    /**
     * Forces WAL segment switches (each after a write, or PostgreSQL skips it) until the slot retains more than
     * {@code bytes}: a segment's worth of WAL per switch, in seconds instead of the hours real writes would take.
     */
    private int fillWalBeyond(long bytes) throws SQLException {
        int switches = 0;
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wal_pressure (id BIGSERIAL PRIMARY KEY)"); // not captured: in no publication
            long segment;
            try (ResultSet rs = s.executeQuery("SELECT pg_size_bytes(current_setting('wal_segment_size'))")) {
                rs.next();
                segment = rs.getLong(1);
            }
            long maxSwitches = bytes / segment + 16;
            while (slot.retainedBytes() <= bytes) {
                assertThat(switches).as("WAL switches without passing %d bytes", bytes).isLessThan((int) maxSwitches);
                s.execute("INSERT INTO wal_pressure DEFAULT VALUES");
                s.execute("SELECT pg_switch_wal()");
                switches++;
            }
        }
        return switches;
    }

    /**
     * The number an alert expression {@code metric > N ...} compares with (the first such comparison; what follows may
     * join the connector map): the threshold, as defined in the rule.
     */
    private static long threshold(String expr) {
        Matcher m = Pattern.compile(">\\s*([0-9]+)(?:\\s|$)").matcher(expr.strip());
        assertThat(m.find()).as("a '> N' threshold in %s", expr).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long currentLsn(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void setLogin(String role, boolean login) throws SQLException {
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE \"" + role.replace("\"", "\"\"") + "\" " + (login ? "LOGIN" : "NOLOGIN"));
        }
    }

    private void awaitConnector(String state) {
        await("connector " + connector + " " + state).atMost(STATE_WAIT).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> status().path("connector").path("state").asText(), state::equals);
    }

    private void awaitTask(String state) {
        await("task 0 of " + connector + " " + state).atMost(STATE_WAIT).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(this::taskState, state::equals);
    }

    private String taskState() {
        return status().path("tasks").path(0).path("state").asText();
    }

    private JsonNode status() {
        ConnectRest.Response response = stack.rest().get("/connectors/" + connector + "/status");
        assertThat(response.ok()).as("GET status: HTTP %s %s", response.status(), response.body()).isTrue();
        return response.json();
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
