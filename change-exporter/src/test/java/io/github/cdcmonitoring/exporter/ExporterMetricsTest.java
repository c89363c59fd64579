package io.github.cdcmonitoring.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What /metrics shows for known inputs, with a clock the test controls. */
class ExporterMetricsTest {

    private static final long TS = 1_764_471_000_000L;

    private final AtomicLong clock = new AtomicLong(TS + 60_000);
    private final ExporterMetrics metrics = new ExporterMetrics(clock::get);

    @AfterEach
    void close() {
        metrics.close();
    }

    private String scrape() throws Exception {
        metrics.serve(0);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void latenciesAreMeasuredFromSourceTsMsAndSnapshotReadsAreLeftOut() throws Exception {
        metrics.change("cdc.public.orders", new ParsedRecord.Change("public", "orders", "c", TS), TS + 30, TS + 700);
        metrics.change("cdc.public.orders", new ParsedRecord.Change("public", "orders", "u", TS + 1000), TS + 1004,
                TS + 1040);
        metrics.change("cdc.public.orders", new ParsedRecord.Change("public", "orders", "r", TS - 3_600_000),
                TS - 3_500_000, TS + 2000);

        String text = scrape();

        assertThat(text)
                .contains("cdc_change_events_total{op=\"c\",schema=\"public\",table=\"orders\",topic=\"cdc.public.orders\"} 1.0")
                .contains("cdc_change_events_total{op=\"r\",schema=\"public\",table=\"orders\",topic=\"cdc.public.orders\"} 1.0")
                .contains("cdc_change_events_total{op=\"d\",schema=\"public\",table=\"orders\",topic=\"cdc.public.orders\"} 0.0")
                // 0.7 s and 0.04 s: the snapshot read (an hour "old") is not observed
                .contains("cdc_end_to_end_latency_seconds_count{schema=\"public\",table=\"orders\"} 2")
                .contains("cdc_end_to_end_latency_seconds_sum{schema=\"public\",table=\"orders\"} 0.74")
                .contains("cdc_end_to_end_latency_seconds_bucket{schema=\"public\",table=\"orders\",le=\"0.05\"} 1")
                .contains("cdc_end_to_end_latency_seconds_bucket{schema=\"public\",table=\"orders\",le=\"0.5\"} 1")
                .contains("cdc_end_to_end_latency_seconds_bucket{schema=\"public\",table=\"orders\",le=\"1.0\"} 2")
                // 0.03 s and 0.004 s
                .contains("cdc_capture_latency_seconds_count{schema=\"public\",table=\"orders\"} 2")
                .contains("cdc_capture_latency_seconds_sum{schema=\"public\",table=\"orders\"} 0.034")
                .contains("cdc_capture_latency_seconds_bucket{schema=\"public\",table=\"orders\",le=\"0.005\"} 1")
                // now (TS + 60 s) minus the newest source.ts_ms (TS + 1 s)
                .contains("cdc_newest_change_age_seconds{schema=\"public\",table=\"orders\"} 59.0");
    }

    @Test
    void newestChangeIsTheLargestTimestampNotTheLastConsumed() throws Exception {
        metrics.change("cdc.public.users", new ParsedRecord.Change("public", "users", "c", TS + 5000), TS + 5001,
                TS + 5002);
        metrics.change("cdc.public.users", new ParsedRecord.Change("public", "users", "u", TS + 2000), TS + 2001,
                TS + 5003);

        assertThat(scrape()).contains("cdc_newest_change_age_seconds{schema=\"public\",table=\"users\"} 55.0");
    }

    @Test
    void aClockBehindTheDatabaseCountsAsZeroNotNegative() throws Exception {
        metrics.change("cdc.public.users", new ParsedRecord.Change("public", "users", "c", TS), TS - 3, TS - 2);

        assertThat(scrape()).contains("cdc_end_to_end_latency_seconds_sum{schema=\"public\",table=\"users\"} 0.0")
                .contains("cdc_capture_latency_seconds_sum{schema=\"public\",table=\"users\"} 0.0");
    }

    @Test
    void tombstonesUnparsableHeartbeatsAndLag() throws Exception {
        metrics.topicAssigned("cdc.public.garbage");
        metrics.topicAssigned("cdc.public.users");
        metrics.tombstone("cdc.public.users", "public", "users");
        metrics.unparsable("cdc.public.garbage");
        metrics.unparsable("cdc.public.garbage");
        metrics.heartbeat();
        metrics.lag(new TopicPartition("cdc.public.users", 0), 17);
        metrics.lag(new TopicPartition("cdc.public.orders", 2), 3);
        metrics.partitionRevoked(new TopicPartition("cdc.public.orders", 2));

        assertThat(scrape())
                .contains("cdc_tombstones_total{schema=\"public\",table=\"users\",topic=\"cdc.public.users\"} 1.0")
                .contains("cdc_change_events_total{op=\"d\",schema=\"public\",table=\"users\",topic=\"cdc.public.users\"} 0.0")
                .contains("cdc_unparsable_records_total{topic=\"cdc.public.garbage\"} 2.0")
                .contains("cdc_unparsable_records_total{topic=\"cdc.public.users\"} 0.0")
                .contains("cdc_heartbeat_records_total 1.0")
                .contains("cdc_consumer_lag_records{partition=\"0\",topic=\"cdc.public.users\"} 17.0")
                .doesNotContain("cdc.public.orders");
        assertThat(metrics.totalLag()).isEqualTo(17);
    }

    @Test
    void beforeAnyRecordOnlyTheUnlabelledSeriesExist() throws Exception {
        // A labelled family has no series (and is not shown) until its first table or topic is known.
        assertThat(scrape()).contains("cdc_heartbeat_records_total 0.0")
                .doesNotContain("cdc_end_to_end_latency_seconds");
    }

    @Test
    void tombstoneTopicsNameTheirTable() {
        assertThat(ChangeExporter.tableFromTopic("cdc.inventory.products")).containsExactly("inventory", "products");
        assertThat(ChangeExporter.tableFromTopic("orders")).containsExactly("", "orders");
    }
}
