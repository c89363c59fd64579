package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.generator.DataGenerator;
import io.github.cdcmonitoring.generator.GeneratorConfig;
import io.github.cdcmonitoring.postgres.RepoFiles;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on real components: PostgreSQL (repo config) -> Debezium on Kafka Connect -> Kafka, with the
 * data generator writing. The tests build on each other in order, on one stack: snapshot, streaming without loss,
 * the connector's metrics, then a Connect crash.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcPipelineTest {

    private static final int SNAPSHOT_USERS = 25;
    private static final int SNAPSHOT_ORDERS = 40;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

    private static LocalStack stack;
    private static TopicReader reader;
    private static String usersTopic;
    private static String ordersTopic;
    /** What the connector must have produced so far, per table and op (r, c, u, d). */
    private static final Map<String, Long> expected = new HashMap<>();

    @BeforeAll
    static void startStackWithoutConnector() {
        stack = LocalStack.builder().registerConnector(false).start();
        usersTopic = stack.topic("public.users");
        ordersTopic = stack.topic("public.orders");
        reader = stack.topicReader(usersTopic, ordersTopic);
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void rowsThatExistBeforeRegistrationArriveAsSnapshotReads() throws SQLException {
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (name, email) SELECT 'before ' || i, 'before' || i || '@example.com' "
                    + "FROM generate_series(1, " + SNAPSHOT_USERS + ") i");
            s.execute("INSERT INTO orders (user_id, product_name, quantity) SELECT 1 + i % " + SNAPSHOT_USERS
                    + ", 'widget', i FROM generate_series(1, " + SNAPSHOT_ORDERS + ") i");
        }
        ConnectorRegistration.Result registration = stack.registerConnector();
        assertThat(registration.succeeded()).as(registration.output()).isTrue();
        expect("users", "r", SNAPSHOT_USERS);
        expect("orders", "r", SNAPSHOT_ORDERS);

        Drained drained = drain();
        assertThat(drained.users.events("r")).isEqualTo(SNAPSHOT_USERS);
        assertThat(drained.orders.events("r")).isEqualTo(SNAPSHOT_ORDERS);
        assertThat(drained.users.events("c") + drained.orders.events("c")).isZero();
        drained.assertMatchesTables();
    }

    @Test
    @Order(2)
    void streamingMixedWorkloadLosesNothing() throws Exception {
        CommittedCounts counts = runGenerator(Duration.ofSeconds(30), null);
        assertThat(counts.rows("users", "delete")).as("the workload deletes users").isPositive();
        assertThat(counts.rows("orders", "update")).as("the workload updates orders").isPositive();
        expectAll(counts);

        Drained drained = drain();
        drained.assertMatchesTables();
        drained.assertEventCountsAsExpected();
        assertThat(drained.duplicates()).as("no crash, so no event sent twice").isZero();
        System.out.printf("streaming: %d users + %d orders events, state equal to the tables, lost 0%n",
                drained.users.events("c") + drained.users.events("u") + drained.users.events("d"),
                drained.orders.events("c") + drained.orders.events("u") + drained.orders.events("d"));
    }

    @Test
    @Order(3)
    void metricsShowAConnectedRunningConnectorThatSawEveryEvent() {
        Drained drained = drain();
        long streamed = 0;
        for (ChangeStream table : List.of(drained.users, drained.orders)) {
            streamed += table.events("c") + table.events("u") + table.events("d");
        }
        long streamedEvents = streamed;
        PrometheusText metrics = new PrometheusText(stack.scrapeMetrics());
        String server = stack.topicPrefix();
        String connector = stack.connectorName();

        assertThat(metrics.find("debezium_metrics_connected", "context", "streaming", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("debezium_metrics_snapshot_completed", "context", "snapshot", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("debezium_metrics_events_seen_total", "context", "snapshot", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo((double) (SNAPSHOT_USERS + SNAPSHOT_ORDERS)));
        // Debezium counts the heartbeat table's changes as seen and then filtered: what reached the topics is the difference.
        double seen = metrics.find("debezium_metrics_events_seen_total", "context", "streaming", "name", server)
                .orElseThrow().value();
        double filtered = metrics.find("debezium_metrics_events_filtered_total", "context", "streaming", "name", server)
                .orElseThrow().value();
        assertThat(seen - filtered).isEqualTo((double) streamedEvents);
        assertThat(metrics.find("debezium_metrics_rows_scanned", "table", "public.users"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo((double) SNAPSHOT_USERS));
        assertThat(metrics.find("kafka_connect_connector_status", "connector", connector, "status", "running"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("kafka_connect_connector_task_status", "connector", connector, "task", "0",
                "status", "running")).hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
    }

    @Test
    @Order(4)
    void everyJmxExporterRuleMatchesARealMBean() throws Exception {
        List<JmxRule> rules = JmxRule.readAll(RepoFiles.locate().file("debezium-jmx-exporter/config.yml"));
        PrometheusText metrics = new PrometheusText(stack.scrapeMetrics());
        assertThat(rules).hasSizeGreaterThan(10);
        assertThat(rules).allSatisfy(rule -> assertThat(rule.matchesAnyFamilyIn(metrics))
                .as("rule %s (%s) produced no series", rule.name(), rule.pattern()).isTrue());
    }

    @Test
    @Order(5)
    void connectKilledMidStreamLosesNothingAndDuplicatesAreCounted() throws Exception {
        CommittedCounts counts = runGenerator(Duration.ofSeconds(25), () -> {
            sleep(Duration.ofSeconds(8));
            stack.connect().kill();
            sleep(Duration.ofSeconds(2));
            stack.connect().start();
        });
        expectAll(counts);

        Drained drained = drain();
        drained.assertMatchesTables();
        drained.assertEventCountsAsExpected();
        System.out.printf("crash: lost 0, duplicates %d (events re-sent after the SIGKILL)%n", drained.duplicates());
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private record Drained(ChangeStream users, ChangeStream orders) {

        long duplicates() {
            return users.duplicates() + orders.duplicates();
        }

        void assertMatchesTables() {
            try (Connection c = stack.postgres().connect()) {
                assertThat(TableState.USERS.rebuilt(users)).isEqualTo(TableState.USERS.select(c));
                assertThat(TableState.ORDERS.rebuilt(orders)).isEqualTo(TableState.ORDERS.select(c));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        void assertEventCountsAsExpected() {
            for (String op : List.of("r", "c", "u", "d")) {
                assertThat(users.distinct(op)).as("users " + op + " events").isEqualTo(expected("users", op));
                assertThat(orders.distinct(op)).as("orders " + op + " events").isEqualTo(expected("orders", op));
            }
        }
    }

    /** Reads the topics until every expected event has arrived (bounded), then a little longer to catch extras. */
    private static Drained drain() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        Drained drained;
        do {
            reader.pollUntilIdle(Duration.ofMillis(500), Duration.ofSeconds(5));
            drained = current();
        } while (!reachedExpected(drained) && System.nanoTime() < deadline);
        reader.pollUntilIdle(Duration.ofSeconds(2), Duration.ofSeconds(10));
        return current();
    }

    private static Drained current() {
        List<ConsumerRecord<String, String>> records = reader.records();
        return new Drained(ChangeStream.of(records, usersTopic), ChangeStream.of(records, ordersTopic));
    }

    private static boolean reachedExpected(Drained drained) {
        for (String op : List.of("r", "c", "u", "d")) {
            if (drained.users.distinct(op) < expected("users", op) || drained.orders.distinct(op) < expected("orders", op)) {
                return false;
            }
        }
        return true;
    }

    private static long expected(String table, String op) {
        return expected.getOrDefault(table + "/" + op, 0L);
    }

    private static void expect(String table, String op, long more) {
        expected.merge(table + "/" + op, more, Long::sum);
    }

    private static void expectAll(CommittedCounts counts) {
        for (String table : List.of("users", "orders")) {
            expect(table, "c", counts.rows(table, "insert"));
            expect(table, "u", counts.rows(table, "update"));
            expect(table, "d", counts.rows(table, "delete"));
        }
    }

    /** Runs the generator at a steady rate for the given time (while {@code during} runs alongside), then stops it. */
    private static CommittedCounts runGenerator(Duration duration, Runnable during) throws Exception {
        Map<String, String> env = Map.of(
                "PGHOST", stack.postgres().host(),
                "PGPORT", Integer.toString(stack.postgres().port()),
                "PGDATABASE", stack.postgres().database(),
                "PGUSER", stack.postgres().superuser(),
                "PGPASSWORD", stack.postgres().superuserPassword(),
                "GENERATOR_RATE", "150",
                "GENERATOR_THREADS", "2",
                "GENERATOR_MIX", "users=25,orders=45,updates=20,deletes=10",
                "GENERATOR_METRICS_PORT", "0");
        try (DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(env))) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(generator::run);
            CompletableFuture<Void> alongside = during == null
                    ? CompletableFuture.completedFuture(null) : CompletableFuture.runAsync(during);
            sleep(duration);
            alongside.get();
            generator.stop();
            running.get();
            System.out.println("generator: " + generator.counts());
            return generator.counts();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
