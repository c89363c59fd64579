package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlMetricNamesTest {

    @Test
    void findsSelectorsAndSkipsFunctionsKeywordsLabelsAndDurations() {
        String expr = """
                histogram_quantile(0.99, sum by (le, table) (rate(cdc_end_to_end_latency_seconds_bucket{table=~"$table"}[$__rate_interval])))
                > on (instance) group_left (name) debezium_metrics_connected{context="streaming", name="x{y}"} offset 5m
                and ignoring(job) up == bool 1 unless max without (le) (foo:bar:rate5m) / 1e3
                or label_replace(pg_up, "dst", "$1", "src", "(.*)") * count_values("v", x_total) # comment metric_in_comment
                """;
        assertThat(PromqlMetricNames.of(expr)).containsExactly("cdc_end_to_end_latency_seconds_bucket",
                "debezium_metrics_connected", "up", "foo:bar:rate5m", "pg_up", "x_total");
    }

    @Test
    void aggregationWithTrailingGroupingAndNoMetric() {
        assertThat(PromqlMetricNames.of("sum(rate(a_total[5m])) by (x) > 0.5")).containsExactly("a_total");
        assertThat(PromqlMetricNames.of("vector(1) + time() - 1h")).isEmpty();
        assertThat(PromqlMetricNames.of("absent(b{c=\"d\"})")).containsExactly("b");
    }
}
