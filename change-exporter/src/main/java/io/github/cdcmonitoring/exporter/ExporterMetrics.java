package io.github.cdcmonitoring.exporter;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.github.cdcmonitoring.service.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The exporter's Prometheus metrics, in a registry of its own, served at {@code /metrics}. Names and labels are a
 * interface the rules and dashboards rely on (see the module README):
 * <ul>
 *   <li>{@code cdc_change_events_total{topic,schema,table,op}}, op c|u|d|r; {@code cdc_tombstones_total{topic,schema,
 *       table}}; {@code cdc_unparsable_records_total{topic}}; {@code cdc_heartbeat_records_total}</li>
 *   <li>{@code cdc_end_to_end_latency_seconds{schema,table}} (consume time minus source.ts_ms) and
 *       {@code cdc_capture_latency_seconds{schema,table}} (record timestamp minus source.ts_ms), classic histograms,
 *       snapshot reads not observed</li>
 *   <li>{@code cdc_newest_change_age_seconds{schema,table}}, {@code cdc_consumer_lag_records{topic,partition}}</li>
 * </ul>
 * Called from the consumer thread only, except the scrape, which reads thread-safe state.
 */
final class ExporterMetrics implements AutoCloseable {

    static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private record Table(String schema, String table) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LongSupplier clockMillis;
    private final Counter changeEvents;
    private final Counter tombstones;
    private final Counter unparsable;
    private final Counter heartbeats;
    private final Histogram endToEndLatency;
    private final Histogram captureLatency;
    /** Largest source.ts_ms consumed per table: the newest change, whatever order the partitions arrive in. */
    private final Map<Table, Long> newestChangeMillis = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Map<String, Boolean> knownTopicTables = new ConcurrentHashMap<>();
    private final MetricsEndpoint endpoint = new MetricsEndpoint(registry);

    ExporterMetrics(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        changeEvents = Counter.builder()
                .name("cdc_change_events_total")
                .help("Debezium change events consumed, by topic, source table and operation (c, u, d, r)")
                .labelNames("topic", "schema", "table", "op")
                .withoutExemplars()
                .register(registry);
        tombstones = Counter.builder()
                .name("cdc_tombstones_total")
                .help("Tombstone records (null value after a delete) consumed, by topic and table")
                .labelNames("topic", "schema", "table")
                .withoutExemplars()
                .register(registry);
        unparsable = Counter.builder()
                .name("cdc_unparsable_records_total")
                .help("Records skipped because they could not be read as Debezium JSON change events")
                .labelNames("topic")
                .withoutExemplars()
                .register(registry);
        heartbeats = Counter.builder()
                .name("cdc_heartbeat_records_total")
                .help("Debezium heartbeat records consumed and ignored")
                .withoutExemplars()
                .register(registry);
        endToEndLatency = latencyHistogram("cdc_end_to_end_latency_seconds",
                "Time from the source commit (source.ts_ms) until the exporter consumed the change; snapshot reads "
                        + "not included");
        captureLatency = latencyHistogram("cdc_capture_latency_seconds",
                "Time from the source commit (source.ts_ms) until the change was written to Kafka (record "
                        + "timestamp); snapshot reads not included");
        GaugeWithCallback.builder()
                .name("cdc_newest_change_age_seconds")
                .unit(Unit.SECONDS)
                .help("Time since the source commit of the newest change consumed for the table")
                .labelNames("schema", "table")
                .callback(callback -> {
                    long now = clockMillis.getAsLong();
                    newestChangeMillis.forEach((table, ts) ->
                            callback.call(Math.max(0, now - ts) / 1000.0, table.schema(), table.table()));
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("cdc_consumer_lag_records")
                .help("Records in the partition not consumed yet (log end offset minus the consumer's position)")
                .labelNames("topic", "partition")
                .callback(callback -> lag.forEach((partition, records) ->
                        callback.call(records, partition.topic(), Integer.toString(partition.partition()))))
                .register(registry);
    }

    private Histogram latencyHistogram(String name, String help) {
        return Histogram.builder()
                .name(name)
                .unit(Unit.SECONDS)
                .help(help)
                .labelNames("schema", "table")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    /** Starts the HTTP server on all interfaces (other containers scrape it); port 0 picks a free one. */
    void serve(int port) {
        endpoint.serve(port);
    }

    /** The port /metrics is served on, or 0 while not serving. */
    int port() {
        return endpoint.port();
    }

    /** A topic the consumer was assigned: its unparsable counter exists from then on, at 0. */
    void topicAssigned(String topic) {
        unparsable.initLabelValues(topic);
    }

    /**
     * A change event consumed at {@code consumedAtMillis} (wall clock) from a record stamped
     * {@code recordTimestampMillis} by Kafka.
     */
    void change(String topic, ParsedRecord.Change change, long recordTimestampMillis, long consumedAtMillis) {
        initTable(topic, change.schema(), change.table());
        changeEvents.labelValues(topic, change.schema(), change.table(), change.op()).inc();
        newestChangeMillis.merge(new Table(change.schema(), change.table()), change.sourceTsMs(), Math::max);
        if (change.isSnapshotRead()) {
            return;
        }
        // Clocks of different hosts can disagree by a few milliseconds: a change never arrives before it happened,
        // so a negative difference is skew and counts as 0 rather than pulling the sum below the truth.
        endToEndLatency.labelValues(change.schema(), change.table())
                .observe(Math.max(0, consumedAtMillis - change.sourceTsMs()) / 1000.0);
        captureLatency.labelValues(change.schema(), change.table())
                .observe(Math.max(0, recordTimestampMillis - change.sourceTsMs()) / 1000.0);
    }

    void tombstone(String topic, String schema, String table) {
        initTable(topic, schema, table);
        tombstones.labelValues(topic, schema, table).inc();
    }

    void unparsable(String topic) {
        unparsable.labelValues(topic).inc();
    }

    void heartbeat() {
        heartbeats.inc();
    }

    /** Every series of a table exists at 0 once the table has been seen, so rate() and increase() work. */
    private void initTable(String topic, String schema, String table) {
        if (knownTopicTables.putIfAbsent(topic + '\u0000' + schema + '\u0000' + table, Boolean.TRUE) == null) {
            for (String op : new String[] {"c", "u", "d", "r"}) {
                changeEvents.initLabelValues(topic, schema, table, op);
            }
            tombstones.initLabelValues(topic, schema, table);
            endToEndLatency.initLabelValues(schema, table);
            captureLatency.initLabelValues(schema, table);
        }
    }

    void lag(TopicPartition partition, long records) {
        lag.put(partition, Math.max(0, records));
    }

    /** A partition taken away by a rebalance: another consumer reports its lag now. */
    void partitionRevoked(TopicPartition partition) {
        lag.remove(partition);
    }

    long totalLag() {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
