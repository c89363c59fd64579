package io.github.cdcmonitoring.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's change exporter consuming the {@code users} topic, and what the benchmark reads from its /metrics:
 * the cumulative buckets of {@code cdc_end_to_end_latency_seconds} (commit to consumer) and its consumer lag.
 */
final class ChangeExporterProcess implements AutoCloseable {

    private static final Pattern METRICS_AT = Pattern.compile("metrics at http://localhost:(\\d+)/metrics");
    private static final Pattern BUCKET = Pattern.compile(
            "^cdc_end_to_end_latency_seconds_bucket\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LE = Pattern.compile("(?:^|,)le=\"([^\"]+)\""); // not the end of "table="
    private static final Pattern LAG = Pattern.compile("^cdc_consumer_lag_records\\{[^}]*\\} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern EVENTS = Pattern.compile("^cdc_change_events_total\\{[^}]*\\} (\\S+)$",
            Pattern.MULTILINE);

    private final JarProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ChangeExporterProcess(JarProcess process, int port) {
        this.process = process;
        this.url = "http://127.0.0.1:" + port + "/metrics";
    }

    static ChangeExporterProcess start(Path jar, String bootstrapServers, String topic, Path workDir, String label) {
        JarProcess process = JarProcess.start("change-exporter-" + label, jar, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "CHANGE_EXPORTER_TOPIC_PATTERN", Pattern.quote(topic),
                "CHANGE_EXPORTER_GROUP_ID", "bench-change-exporter",
                "CHANGE_EXPORTER_METRICS_PORT", "0"), workDir);
        Matcher matcher = process.awaitLog(METRICS_AT, Duration.ofSeconds(60));
        return new ChangeExporterProcess(process, Integer.parseInt(matcher.group(1)));
    }

    long pid() {
        return process.pid();
    }

    String scrape() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape the change exporter at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Cumulative count per upper bound (seconds; +Inf as infinity), summed over the tables it saw. */
    static TreeMap<Double, Double> latencyBuckets(String metrics) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Matcher matcher = BUCKET.matcher(metrics);
        while (matcher.find()) {
            Matcher le = LE.matcher(matcher.group(1));
            if (le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                buckets.merge(bound, Double.parseDouble(matcher.group(2)), Double::sum);
            }
        }
        return buckets;
    }

    /** Whether it has consumed something and has no record left to read. */
    boolean caughtUp() {
        String metrics = scrape();
        return sum(EVENTS, metrics) > 0 && sum(LAG, metrics) == 0 && LAG.matcher(metrics).find();
    }

    private static double sum(Pattern pattern, String metrics) {
        double total = 0;
        Matcher matcher = pattern.matcher(metrics);
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    @Override
    public void close() {
        process.stop();
    }
}
