package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.repo.ServiceJar;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's change exporter consuming the {@code users} topic, and what the benchmark reads from its /metrics:
 * the cumulative buckets of {@code cdc_end_to_end_latency_seconds} (commit to consumer) and its consumer lag.
 */
final class ChangeExporterProcess implements AutoCloseable {

    private final JarProcess process;
    private final String url;

    private ChangeExporterProcess(JarProcess process, int port) {
        this.process = process;
        this.url = "http://127.0.0.1:" + port + "/metrics";
    }

    static ChangeExporterProcess start(ServiceJar jar, String bootstrapServers, String topic, Path workDir, String label) {
        JarProcess process = JarProcess.start("change-exporter-" + label, jar, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "CHANGE_EXPORTER_TOPIC_PATTERN", Pattern.quote(topic),
                "CHANGE_EXPORTER_GROUP_ID", "bench-change-exporter",
                "CHANGE_EXPORTER_METRICS_PORT", "0"), workDir);
        Matcher matcher = process.awaitLog(ServiceJar.METRICS_LINE, Duration.ofSeconds(60));
        return new ChangeExporterProcess(process, Integer.parseInt(matcher.group(1)));
    }

    long pid() {
        return process.pid();
    }

    PrometheusText scrape() {
        return PrometheusText.scrape(url);
    }

    /** Cumulative count per upper bound (seconds; +Inf as infinity), summed over the tables it saw. */
    static TreeMap<Double, Double> latencyBuckets(PrometheusText metrics) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (PrometheusText.Sample bucket : metrics.named("cdc_end_to_end_latency_seconds_bucket")) {
            String le = bucket.labels().get("le");
            buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), bucket.value(),
                    Double::sum);
        }
        return buckets;
    }

    /** Whether it has consumed something and has no record left to read. */
    boolean caughtUp() {
        PrometheusText metrics = scrape();
        List<PrometheusText.Sample> lag = metrics.named("cdc_consumer_lag_records");
        return sum(metrics.named("cdc_change_events_total")) > 0 && !lag.isEmpty() && sum(lag) == 0;
    }

    private static double sum(List<PrometheusText.Sample> samples) {
        return samples.stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Override
    public void close() {
        process.stop();
    }
}
