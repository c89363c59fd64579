package io.github.cdcmonitoring.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsTheJmxAgentsOutputWithTypes() {
        PrometheusText text = PrometheusText.parse("""
                # HELP debezium_metrics_committed_transactions_total Debezium counter: transactions committed
                # TYPE debezium_metrics_committed_transactions_total counter
                debezium_metrics_committed_transactions_total{context="streaming",name="cdc",plugin="postgres"} 387.0
                # TYPE kafka_connect_connector_status gauge
                kafka_connect_connector_status{connector="postgres-connector",status="running",} 1.0
                jvm_memory_used_bytes{area="heap"} 1.2345E8
                """);

        assertThat(text.types()).containsEntry("debezium_metrics_committed_transactions_total", "counter")
                .containsEntry("kafka_connect_connector_status", "gauge");
        assertThat(text.value("debezium_metrics_committed_transactions_total",
                "context", "streaming", "name", "cdc", "plugin", "postgres")).isEqualTo(387.0);
        assertThat(text.find("kafka_connect_connector_status", "status", "running")).isPresent();
        assertThat(text.value("jvm_memory_used_bytes", "area", "heap")).isEqualTo(1.2345E8);
        assertThat(text.series()).contains(
                "kafka_connect_connector_status{connector=postgres-connector, status=running}");
    }

    @Test
    void unescapesBackslashQuoteAndNewlineInLabelValues() {
        PrometheusText text = PrometheusText.parse(
                "m{path=\"C:\\\\tmp\",quote=\"say \\\"hi\\\", {x=1}\",lines=\"a\\nb\"} 2\n");

        assertThat(text.samples()).singleElement().satisfies(s -> assertThat(s.labels()).isEqualTo(Map.of(
                "path", "C:\\tmp", "quote", "say \"hi\", {x=1}", "lines", "a\nb")));
        assertThat(text.value("m", "path", "C:\\tmp", "quote", "say \"hi\", {x=1}", "lines", "a\nb")).isEqualTo(2);
    }

    @Test
    void readsSpecialValuesAndTimestamps() {
        PrometheusText text = PrometheusText.parse("a +Inf\nb -Inf\nc NaN 1700000000000\nd\t3\n");

        assertThat(text.value("a")).isInfinite().isPositive();
        assertThat(text.value("b")).isInfinite().isNegative();
        assertThat(text.value("c")).isNaN();
        assertThat(text.value("d")).isEqualTo(3);
    }

    @Test
    void valueInsistsOnExactlyOneSampleWithExactlyTheseLabels() {
        PrometheusText text = PrometheusText.parse("x{a=\"1\",b=\"2\"} 1\nx{a=\"1\",b=\"3\"} 2\n");

        assertThat(text.value("x", "a", "1", "b", "3")).isEqualTo(2);
        assertThatThrownBy(() -> text.value("x", "a", "1")).hasMessageContaining("0 samples");
        assertThat(text.find("x", "a", "1")).isPresent();
    }

    @Test
    void rejectsWhatIsNotASample() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"1\" 2\n"))
                .hasMessageContaining("line 2").hasMessageContaining("broken");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"bad \\q escape\"} 1\n"))
                .hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\"} one\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("twice");
    }
}
