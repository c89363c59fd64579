package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.generator.DataGenerator;
import io.github.cdcmonitoring.repo.Waits;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The change exporter's jar, run as a process against the real pipeline (PostgreSQL, Debezium on Connect, Kafka) with
 * the data generator writing. Every expected figure comes from the topics, read by this test itself with
 * {@link TopicReader} and parsed here, never from the exporter's own numbers. The tests build on each other in order:
 * <ol>
 *   <li>counts by table and operation, and latencies that agree with the records' own {@code source.ts_ms};</li>
 *   <li>garbage and unexpected JSON on a matching topic are counted and skipped, later records still count;</li>
 *   <li>after SIGTERM and a restart with the same group, only the new events are counted.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeExporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SNAPSHOT_USERS = 12;
    private static final int SNAPSHOT_ORDERS = 20;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXPORTER_START = Duration.ofSeconds(60);
    private static final String GROUP = "change-exporter-test";
    private static final String GARBAGE_TOPIC = "cdc.public.garbage";

    private static LocalStack stack;
    private static TopicReader reader;
    private static String usersTopic;
    private static String ordersTopic;
    private static String heartbeatTopic;
    private static ExporterProcess exporter;
    /** What the generator committed so far (users/orders, c/u/d), to know when the topics hold every event. */
    private static final Map<String, Long> committed = new TreeMap<>();

    @BeforeAll
    static void startStackWithSnapshotRows() throws Exception {
        ExporterProcess.jar(); // fail at once, before the stack starts, if the jar was not built
        stack = LocalStack.builder().registerConnector(false).start();
        usersTopic = stack.topic("public.users");
        ordersTopic = stack.topic("public.orders");
        heartbeatTopic = "__debezium-heartbeat." + stack.topicPrefix();
        // Rows written before registration arrive as snapshot reads (op r), which the latency histograms must skip.
        SnapshotRows.insert(stack, "snap", SNAPSHOT_USERS, SNAPSHOT_ORDERS);
        ConnectorRegistration.Result registration = stack.registerConnector();
        assertThat(registration.succeeded()).as(registration.output()).isTrue();
        reader = TopicReader.of(stack, usersTopic, ordersTopic, heartbeatTopic);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (exporter != null) {
                exporter.stop(Duration.ofSeconds(30));
            }
        } finally {
            if (exporter != null) {
                exporter.close();
            }
            if (reader != null) {
                reader.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    @Order(1)
    void countsAndLatenciesAgreeWithTheRecordsThemselves() throws Exception {
        // A backlog first: these events are in Kafka seconds before the exporter starts, so its end-to-end latency
        // for them must exceed the capture leg by that much. An exporter that measured the record timestamp instead
        // of its own consume time, or observed snapshot reads, fails the bounds below.
        runGenerator(Duration.ofSeconds(8));
        List<ConsumerRecord<String, String>> backlog = drain();
        assertThat(count(backlog, usersTopic, "r")).isEqualTo(SNAPSHOT_USERS);
        assertThat(count(backlog, ordersTopic, "r")).isEqualTo(SNAPSHOT_ORDERS);
        // The newest backlog event is at least two seconds old when the exporter starts.
        long newestBacklog = backlog.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        await("the newest backlog event two seconds old").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> System.currentTimeMillis() - newestBacklog >= 2000);

        long exporterStartMillis = System.currentTimeMillis();
        exporter = startExporter("exporter-1");
        awaitCounts(exporter, backlog);
        long backlogDoneMillis = System.currentTimeMillis(); // every backlog event was consumed before this
        Set<String> backlogIds = ids(backlog);
        // Events that wait in Connect: written while the connector is paused, sent to Kafka after the resume. Their
        // capture leg is seconds long, so an exporter that measured only the Kafka leg (consume time minus record
        // timestamp) puts them in the lowest buckets, below their lower bound.
        pauseConnector("pause");
        runGenerator(Duration.ofSeconds(4));
        pauseConnector("resume");
        stack.rest().awaitRunning(stack.connectorName(), Duration.ofSeconds(60));
        runGenerator(Duration.ofSeconds(4)); // and live events, consumed as they arrive
        List<ConsumerRecord<String, String>> records = drain();

        PrometheusText metrics = awaitCounts(exporter, records);
        long settledFromMillis = System.currentTimeMillis();
        PrometheusText settled = PrometheusText.parse(exporter.scrape());
        long doneMillis = System.currentTimeMillis();
        assertCountsEqual(settled, records);

        for (String topic : List.of(usersTopic, ordersTopic)) {
            List<Event> events = events(records, topic);
            String table = events.get(0).table();
            List<Event> streamed = events.stream().filter(e -> !e.op().equals("r")).toList(); // not snapshot reads
            assertThat(streamed).as("non-snapshot events on " + topic).hasSizeGreaterThan(50);

            // Capture leg: the record timestamp is in the record, so the histogram must match exactly.
            Histogram capture = Histogram.of(settled, "cdc_capture_latency_seconds", table);
            assertThat(capture.count()).as(table + " capture count = non-snapshot events")
                    .isEqualTo(streamed.size());
            assertThat(capture.sum()).as(table + " capture sum").isCloseTo(
                    streamed.stream().mapToLong(Event::captureMillis).sum() / 1000.0, within(streamed.size()));
            capture.buckets().forEach((le, observed) -> assertThat(observed).as(table + " capture le=" + le)
                    .isEqualTo(streamed.stream().filter(e -> e.captureMillis() / 1000.0 <= le).count()));

            // End to end: consumed no earlier than the record was written and the exporter was started, no later
            // than the scrape that showed its count complete (the backlog's, or the final one).
            long[] low = streamed.stream()
                    .mapToLong(e -> Math.max(e.recordMillis(), exporterStartMillis) - e.sourceMillis()).toArray();
            long[] high = streamed.stream()
                    .mapToLong(e -> (backlogIds.contains(e.id()) ? backlogDoneMillis : doneMillis) - e.sourceMillis())
                    .toArray();
            Histogram endToEnd = Histogram.of(settled, "cdc_end_to_end_latency_seconds", table);
            assertThat(endToEnd.count()).as(table + " end-to-end count = non-snapshot events")
                    .isEqualTo(streamed.size());
            assertThat(endToEnd.sum()).as(table + " end-to-end sum, seconds")
                    .isBetween(sum(low) / 1000.0 - 1e-6, sum(high) / 1000.0 + 1e-6);
            endToEnd.buckets().forEach((le, observed) -> assertThat(observed).as(table + " end-to-end le=" + le)
                    .isBetween(countAtMost(high, le), countAtMost(low, le)));
            // The bounds can tell a wrong measure from the right one: the backlog makes "consumed" and "written to
            // Kafka" seconds apart, the pause makes "written to Kafka" and "committed" seconds apart.
            assertThat(sum(low) - streamed.stream().mapToLong(Event::captureMillis).sum())
                    .as(table + ": the backlog puts the lower bound above the capture leg").isGreaterThan(1000L * 50);
            assertThat(streamed.stream().filter(e -> e.captureMillis() > 1000).count())
                    .as(table + ": events held up by the pause").isGreaterThan(20);
            System.out.printf("%s: %d events, capture sum %.3f s, end-to-end sum %.3f s within [%.3f, %.3f]%n", table,
                    streamed.size(), capture.sum(), endToEnd.sum(), sum(low) / 1000.0, sum(high) / 1000.0);

            long newest = events.stream().mapToLong(Event::sourceMillis).max().orElseThrow();
            double age = settled.find("cdc_newest_change_age_seconds", "table", table).orElseThrow().value();
            // Computed at the scrape: now minus the largest source.ts_ms of the table (snapshot reads included).
            assertThat(age).as(table + " newest change age").isBetween((settledFromMillis - newest) / 1000.0 - 0.001,
                    (doneMillis - newest) / 1000.0 + 0.001);
        }
        assertThat(metrics.find("cdc_heartbeat_records_total")).isPresent();
        awaitZeroLag(exporter, List.of(usersTopic, ordersTopic));
    }

    @Test
    @Order(2)
    void garbageAndUnexpectedJsonAreCountedAndSkipped() throws Exception {
        long now = System.currentTimeMillis();
        List<byte[]> unparsable = List.of(
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x13, (byte) 0x80, '{'},
                bytes("[1,2]"),
                bytes("{\"op\":\"x\"}"),
                bytes("{\"foo\":1}"),
                bytes("{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"schema\":\"public\",\"table\":\"garbage\"}}"));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] value : unparsable) {
                producer.send(new ProducerRecord<>(GARBAGE_TOPIC, bytes("{\"id\":1}"), value)).get();
            }
            // Then good records on the same topic: a change with an embedded schema, its tombstone, a heartbeat.
            producer.send(new ProducerRecord<>(GARBAGE_TOPIC, bytes("{\"id\":1}"), bytes("{\"schema\":{\"type\":"
                    + "\"struct\",\"optional\":false,\"name\":\"cdc.public.garbage.Envelope\"},\"payload\":{\"before\":"
                    + "null,\"after\":{\"id\":1},\"source\":{\"ts_ms\":" + now + ",\"schema\":\"public\",\"table\":"
                    + "\"garbage\"},\"op\":\"c\",\"ts_ms\":" + now + "}}"))).get();
            producer.send(new ProducerRecord<>(GARBAGE_TOPIC, bytes("{\"id\":1}"), null)).get();
            producer.send(new ProducerRecord<>(GARBAGE_TOPIC, null, bytes("{\"ts_ms\":" + now + "}"))).get();
        }
        // And good records on the table topics after the garbage.
        runGenerator(Duration.ofSeconds(4));
        List<ConsumerRecord<String, String>> records = drain();
        long heartbeatsBefore = topicRecords(records, heartbeatTopic);

        awaitCounts(exporter, records);
        awaitMetric(exporter, "cdc_change_events_total", 1.0, "topic", GARBAGE_TOPIC, "op", "c");
        // The heartbeat topic is a partition of its own: wait until the exporter has read what this test had read.
        PrometheusText metrics = awaitMetric(exporter, "cdc_heartbeat_records_total", heartbeatsBefore + 1.0);
        long heartbeatsAfter = topicRecords(reader.pollUntilIdle(Duration.ofMillis(200), Duration.ofSeconds(2)),
                heartbeatTopic) + heartbeatsBefore;

        assertThat(exporter.isAlive()).isTrue();
        assertCountsEqual(metrics, drainedSoFar());
        assertThat(value(metrics, "cdc_unparsable_records_total", "topic", GARBAGE_TOPIC))
                .isEqualTo(unparsable.size());
        assertThat(value(metrics, "cdc_unparsable_records_total", "topic", usersTopic)).isZero();
        assertThat(value(metrics, "cdc_unparsable_records_total", "topic", ordersTopic)).isZero();
        assertThat(value(metrics, "cdc_change_events_total", "topic", GARBAGE_TOPIC, "schema", "public",
                "table", "garbage", "op", "c")).isEqualTo(1);
        assertThat(value(metrics, "cdc_tombstones_total", "topic", GARBAGE_TOPIC, "schema", "public",
                "table", "garbage")).isEqualTo(1);
        // Debezium's own heartbeats (the pattern includes their topic) plus the one written above.
        assertThat(value(metrics, "cdc_heartbeat_records_total"))
                .isBetween(heartbeatsBefore + 1.0, heartbeatsAfter + 1.0);
        assertThat(exporter.output()).anyMatch(line -> line.contains("skipped unparsable record " + GARBAGE_TOPIC));
    }

    @Test
    @Order(3)
    void afterSigtermAndRestartOnlyNewEventsAreCounted() throws Exception {
        Set<String> countedBefore = ids(drainedSoFar());

        int status = exporter.stop(Duration.ofSeconds(30));
        assertThat(status).as("exit status after SIGTERM").isZero();
        assertThat(exporter.output()).anyMatch(line -> line.contains("summary: "));
        exporter.close();
        exporter = null;

        runGenerator(Duration.ofSeconds(4)); // written while the exporter is down
        List<ConsumerRecord<String, String>> fresh = drain().stream()
                .filter(r -> !countedBefore.contains(id(r)))
                .filter(r -> !r.topic().equals(heartbeatTopic))
                .toList();
        assertThat(fresh).as("events written while the exporter was down").hasSizeGreaterThan(50);

        exporter = startExporter("exporter-2");
        awaitCounts(exporter, fresh);
        // Lag is end offset minus position, refreshed after the polled records are counted: at 0 on every topic the
        // exporter has read to the end, so whatever a restart from the wrong place would read again is counted by now.
        awaitZeroLag(exporter, List.of(usersTopic, ordersTopic, GARBAGE_TOPIC));
        PrometheusText metrics = PrometheusText.parse(exporter.scrape());
        assertCountsEqual(metrics, fresh);
        assertThat(value(metrics, "cdc_unparsable_records_total", "topic", GARBAGE_TOPIC))
                .as("the garbage was committed, not read again").isZero();
        for (String table : List.of("users", "orders")) {
            assertThat(value(metrics, "cdc_change_events_total", "table", table, "op", "r"))
                    .as("snapshot reads of " + table + " are not counted again").isZero();
            assertThat(Histogram.of(metrics, "cdc_end_to_end_latency_seconds", table).count())
                    .isEqualTo(fresh.stream().filter(r -> r.value() != null && isTable(r, table)).count());
        }
    }

    // --- expected figures, from the records themselves ----------------------------------------------------------

    /** A change event as this test reads it from the record: bare payload (the connector ships no schemas). */
    private record Event(String id, String topic, String schema, String table, String op, long sourceMillis,
                         long recordMillis) {
        long captureMillis() {
            return Math.max(0, recordMillis - sourceMillis);
        }
    }

    private static List<Event> events(List<ConsumerRecord<String, String>> records, String topic) {
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.topic().equals(topic) && record.value() != null) {
                JsonNode value = read(record.value());
                JsonNode source = value.get("source");
                events.add(new Event(id(record), topic, source.get("schema").asText(), source.get("table").asText(),
                        value.get("op").asText(), source.get("ts_ms").asLong(), record.timestamp()));
            }
        }
        return events;
    }

    private static String id(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private static Set<String> ids(List<ConsumerRecord<String, String>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(id(r)));
        return ids;
    }

    private static boolean isTable(ConsumerRecord<String, String> record, String table) {
        return record.topic().endsWith("." + table);
    }

    /**
     * The exporter's counters, compared series by series with the test's own count of the table topics: change
     * events by topic, schema, table and op, and tombstones. Series of the garbage topic are checked separately.
     */
    private static void assertCountsEqual(PrometheusText metrics, List<ConsumerRecord<String, String>> records) {
        assertThat(exporterCounts(metrics)).isEqualTo(expectedCounts(records));
    }

    private static Map<String, Long> expectedCounts(List<ConsumerRecord<String, String>> records) {
        Map<String, Long> counts = new TreeMap<>();
        for (String topic : List.of(usersTopic, ordersTopic)) {
            for (Event e : events(records, topic)) {
                counts.merge("events " + e.topic() + " " + e.schema() + "." + e.table() + " " + e.op(), 1L, Long::sum);
            }
            String table = topic.substring(topic.lastIndexOf('.') + 1);
            long tombstones = records.stream().filter(r -> r.topic().equals(topic) && r.value() == null).count();
            if (tombstones > 0) {
                counts.put("tombstones " + topic + " public." + table, tombstones);
            }
        }
        return counts;
    }

    private static Map<String, Long> exporterCounts(PrometheusText metrics) {
        Map<String, Long> counts = new TreeMap<>();
        for (PrometheusText.Sample s : metrics.named("cdc_change_events_total")) {
            if (s.value() != 0 && !s.has("topic", GARBAGE_TOPIC)) {
                counts.put("events " + s.labels().get("topic") + " " + s.labels().get("schema") + "."
                        + s.labels().get("table") + " " + s.labels().get("op"), (long) s.value());
            }
        }
        for (PrometheusText.Sample s : metrics.named("cdc_tombstones_total")) {
            if (s.value() != 0 && !s.has("topic", GARBAGE_TOPIC)) {
                counts.put("tombstones " + s.labels().get("topic") + " " + s.labels().get("schema") + "."
                        + s.labels().get("table"), (long) s.value());
            }
        }
        return counts;
    }

    /** Scrapes until the exporter's counts reach the expected ones (or pass them: then the assertion shows how). */
    private static PrometheusText awaitCounts(ExporterProcess process, List<ConsumerRecord<String, String>> records) {
        Map<String, Long> expected = expectedCounts(records);
        await("the exporter's counts of " + records.size() + " records").atMost(COUNT_TIMEOUT)
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(process.isAlive()).as("change exporter running").isTrue();
                    Map<String, Long> actual = exporterCounts(PrometheusText.parse(process.scrape()));
                    assertThat(actual.equals(expected) || exceeds(actual, expected))
                            .as("exporter counts %s reach %s", actual, expected).isTrue();
                });
        return PrometheusText.parse(process.scrape());
    }

    private static boolean exceeds(Map<String, Long> actual, Map<String, Long> expected) {
        return actual.entrySet().stream().anyMatch(e -> e.getValue() > expected.getOrDefault(e.getKey(), 0L));
    }

    private static PrometheusText awaitMetric(ExporterProcess process, String name, double expected, String... labels) {
        return await(name + " " + List.of(labels) + " at " + expected + " or more").atMost(COUNT_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> PrometheusText.parse(process.scrape()),
                        metrics -> metrics.find(name, labels).map(s -> s.value() >= expected).orElse(false));
    }

    private static void awaitZeroLag(ExporterProcess process, List<String> topics) {
        await("consumer lag 0 for " + topics).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    PrometheusText metrics = PrometheusText.parse(process.scrape());
                    assertThat(topics).as("consumer lag: " + metrics.named("cdc_consumer_lag_records"))
                            .allMatch(topic -> metrics.find("cdc_consumer_lag_records", "topic", topic,
                                    "partition", "0").map(s -> s.value() == 0).orElse(false));
                });
    }

    private static double value(PrometheusText metrics, String name, String... labels) {
        return metrics.find(name, labels).orElseThrow(() -> new AssertionError("no " + name + " " + List.of(labels)
                + " in " + metrics.named(name))).value();
    }

    /** A classic histogram's series for one table: buckets by upper bound (without +Inf), count and sum. */
    private record Histogram(Map<Double, Long> buckets, long count, double sum) {
        static Histogram of(PrometheusText metrics, String name, String table) {
            Map<Double, Long> buckets = new TreeMap<>();
            for (PrometheusText.Sample s : metrics.named(name + "_bucket")) {
                if (s.has("table", table) && !s.has("le", "+Inf")) {
                    buckets.put(Double.parseDouble(s.labels().get("le")), (long) s.value());
                }
            }
            assertThat(buckets).as(name + " buckets of " + table).hasSize(14);
            return new Histogram(buckets, (long) value(metrics, name + "_count", "table", table),
                    value(metrics, name + "_sum", "table", table));
        }
    }

    private static long countAtMost(long[] millis, double le) {
        long n = 0;
        for (long m : millis) {
            if (m / 1000.0 <= le) {
                n++;
            }
        }
        return n;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    private static org.assertj.core.data.Offset<Double> within(int events) {
        // The exporter adds doubles one by one; the test sums milliseconds exactly and divides once.
        return org.assertj.core.data.Offset.offset(1e-9 * events + 1e-9);
    }

    private static long count(List<ConsumerRecord<String, String>> records, String topic, String op) {
        return events(records, topic).stream().filter(e -> e.op().equals(op)).count();
    }

    private static long topicRecords(List<ConsumerRecord<String, String>> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).count();
    }

    // --- the pipeline -------------------------------------------------------------------------------------------

    private static ExporterProcess startExporter(String name) throws IOException {
        return ExporterProcess.start(name, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                // Debezium's heartbeat topic too, to see its records counted apart and ignored.
                "CHANGE_EXPORTER_TOPIC_PATTERN", "cdc\\..*|__debezium-heartbeat\\..*",
                "CHANGE_EXPORTER_GROUP_ID", GROUP,
                "CHANGE_EXPORTER_METRICS_PORT", "0",
                "CHANGE_EXPORTER_KAFKA_WAIT_SECONDS", "60"), EXPORTER_START);
    }

    private static void pauseConnector(String action) {
        ConnectRest.Response response = stack.rest().put("/connectors/" + stack.connectorName() + "/" + action,
                JSON.createObjectNode());
        assertThat(response.status()).as(action + ": " + response.body()).isEqualTo(202);
    }

    /** Operations per second of the test's generator runs. */
    private static final int GENERATOR_RATE = 60;

    /**
     * Runs the generator at a steady rate until it has committed the operations of {@code duration} at that rate (it
     * stops by itself), and remembers what it committed.
     */
    private static void runGenerator(Duration duration) throws Exception {
        try (DataGenerator generator = StackGenerator.committing(stack, GENERATOR_RATE,
                duration.toSeconds() * GENERATOR_RATE)) {
            generator.run();
            CommittedCounts counts = generator.counts();
            for (String table : List.of("users", "orders")) {
                committed.merge(table + " c", counts.rows(table, "insert"), Long::sum);
                committed.merge(table + " u", counts.rows(table, "update"), Long::sum);
                committed.merge(table + " d", counts.rows(table, "delete"), Long::sum);
            }
        }
    }

    /** Reads the topics until every committed change and the snapshot have arrived (bounded); returns all records. */
    private static List<ConsumerRecord<String, String>> drain() {
        Waits.within(DRAIN_TIMEOUT, Duration.ofMillis(1), () -> {
            reader.pollUntilIdle(Duration.ofMillis(500), Duration.ofSeconds(5));
            return complete();
        });
        assertThat(complete()).as("every committed change on the topics within " + DRAIN_TIMEOUT).isTrue();
        return drainedSoFar();
    }

    private static boolean complete() {
        List<ConsumerRecord<String, String>> records = reader.records();
        if (count(records, usersTopic, "r") < SNAPSHOT_USERS || count(records, ordersTopic, "r") < SNAPSHOT_ORDERS) {
            return false;
        }
        for (Map.Entry<String, Long> e : committed.entrySet()) {
            String[] tableOp = e.getKey().split(" ");
            String topic = tableOp[0].equals("users") ? usersTopic : ordersTopic;
            if (count(records, topic, tableOp[1]) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<ConsumerRecord<String, String>> drainedSoFar() {
        return List.copyOf(reader.records());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
