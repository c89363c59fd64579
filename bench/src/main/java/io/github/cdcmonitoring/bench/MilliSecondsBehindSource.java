package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Debezium's own view of its lag, MilliSecondsBehindSource and its Min/Max/Average/P50/P95/P99 companions of the
 * streaming context, as the JMX exporter publishes them from the Connect JVM.
 */
final class MilliSecondsBehindSource {

    private static final String FAMILY = "debezium_metrics_milli_seconds_behind_source";

    private MilliSecondsBehindSource() {
    }

    /** Attribute suffix ("current" for the value itself, "p99", ...) to milliseconds. */
    static Map<String, Double> read(PrometheusText metrics) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (PrometheusText.Sample sample : metrics.samples()) {
            String suffix = sample.name().startsWith(FAMILY) ? sample.name().substring(FAMILY.length()) : null;
            if (suffix != null && (suffix.isEmpty() || suffix.startsWith("_")) && sample.has("context", "streaming")) {
                values.put(suffix.isEmpty() ? "current" : suffix.substring(1), sample.value());
            }
        }
        return values;
    }
}
