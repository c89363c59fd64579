package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text the change exporter and the JMX exporter really serve (format of ExporterMetricsTest and FACTS). */
class ChangeExporterScrapeTest {

    @Test
    void readsTheLeLabelNotTheEndOfTable() {
        String metrics = """
                # TYPE cdc_end_to_end_latency_seconds histogram
                cdc_end_to_end_latency_seconds_bucket{schema="public",table="users",le="0.005"} 1
                cdc_end_to_end_latency_seconds_bucket{schema="public",table="users",le="0.05"} 4
                cdc_end_to_end_latency_seconds_bucket{schema="public",table="users",le="+Inf"} 5
                cdc_end_to_end_latency_seconds_bucket{schema="public",table="orders",le="0.05"} 2
                cdc_end_to_end_latency_seconds_count{schema="public",table="users"} 5
                """;
        assertThat(ChangeExporterProcess.latencyBuckets(PrometheusText.parse(metrics))).containsEntry(0.005, 1.0).containsEntry(0.05, 6.0)
                .containsEntry(Double.POSITIVE_INFINITY, 5.0).hasSize(3);
    }

    @Test
    void readsDebeziumsStreamingLagOnly() {
        String metrics = """
                debezium_metrics_milli_seconds_behind_source{context="streaming",name="cdc",plugin="postgres"} 12.0
                debezium_metrics_milli_seconds_behind_source_p99{context="streaming",name="cdc",plugin="postgres"} 40.0
                debezium_metrics_milli_seconds_behind_source{context="snapshot",name="cdc",plugin="postgres"} -1.0
                """;
        assertThat(MilliSecondsBehindSource.read(PrometheusText.parse(metrics))).isEqualTo(Map.of("current", 12.0, "p99", 40.0));
    }
}
