package io.github.cdcmonitoring.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debezium's own view of its lag, MilliSecondsBehindSource and its Min/Max/Average/P50/P95/P99 companions of the
 * streaming context, as the JMX exporter publishes them from the Connect JVM.
 */
final class MilliSecondsBehindSource {

    private static final Pattern LINE = Pattern.compile(
            "^debezium_metrics_milli_seconds_behind_source(\\w*)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

    private MilliSecondsBehindSource() {
    }

    /** Attribute suffix ("" for the current value, "_p99", ...) to milliseconds. */
    static Map<String, Double> read(String metrics) {
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher matcher = LINE.matcher(metrics);
        while (matcher.find()) {
            if (matcher.group(2).contains("context=\"streaming\"")) {
                String key = matcher.group(1).isEmpty() ? "current" : matcher.group(1).substring(1);
                values.put(key, Double.parseDouble(matcher.group(3)));
            }
        }
        return values;
    }
}
