package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark's quick mode end to end (write ceiling and the three configurations on real native stacks) and checks
 * only that it produces every figure and plot: present, finite where a number is expected, parseable. The values of
 * a two-second run mean nothing and are not asserted. It runs {@code bench/run.sh --quick} as a user does; the
 * Markdown it rewrites is a copy of the real BENCHMARKS.md, which the run refuses without its results markers
 * (MarkdownReportTest), so the test proves the markers are in the real file without changing it.
 */
class BenchmarkSmokeTest {

    /** The quick mode takes about 3 minutes on 2 cores (162 s measured with the cluster configuration). */
    private static final long RUN_LIMIT_MINUTES = 10;

    @Test
    void quickModeProducesEveryFigureAndPlot(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.copy(RepoFiles.locate().root().resolve("BENCHMARKS.md"), markdown);
        Path out = dir.resolve("plots");

        // bench/run.sh itself, as a user runs it (the build is this Maven run's own: BENCH_SKIP_BUILD).
        Path root = RepoFiles.locate().root();
        Path log = dir.resolve("run.log");
        ProcessBuilder command = new ProcessBuilder("bash", "bench/run.sh", "--quick", "--out", out.toString(),
                "--markdown", markdown.toString()).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        command.environment().put("BENCH_SKIP_BUILD", "1");
        Process run = command.start();
        assertThat(run.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)).as("bench/run.sh --quick finished within %d min",
                RUN_LIMIT_MINUTES).isTrue();
        assertThat(run.exitValue()).as(() -> "bench/run.sh --quick exit status; its output:\n" + tail(log)).isZero();
        Path json = out.resolve("results.json");

        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertThat(results.path("writeCeiling")).hasSize(3);
        for (JsonNode row : results.path("writeCeiling")) {
            assertThat(row.path("ratio").asDouble()).isPositive();
        }
        JsonNode configurations = results.path("configurations");
        assertThat(configurations).extracting(c -> c.path("name").asText())
                .containsExactly("shipped", "defaults", "cluster");
        // The first stack is the cold start; the warm-start goal needs a second stack of that configuration.
        assertThat(configurations.get(0).path("warmStart").path("secondsToFirstChange").asDouble()).isPositive();
        for (JsonNode c : configurations) {
            String name = c.path("name").asText();
            assertThat(c.path("start").path("secondsToFirstChange").asDouble()).as(name).isPositive();
            assertThat(c.path("drain").path("eventsPerSecond").asDouble()).as(name).isPositive();
            assertThat(c.path("drain").path("cpuMicrosPerEvent").asDouble()).as(name).isPositive();
            assertThat(c.path("drain").path("timeline")).as(name).isNotEmpty();
            assertThat(c.path("live").path("capturedOverWritten").isNumber()).as(name).isTrue();
            assertThat(c.path("live").path("timeline")).as(name).isNotEmpty();
            assertThat(c.path("latency")).as(name).hasSize(3);
            for (JsonNode window : c.path("latency")) {
                assertThat(window.path("consumer").path("p99").isNumber()).as(name).isTrue();
                assertThat(window.path("exporter").has("p99")).as(name).isTrue();
                assertThat(window.path("coresBusy").asDouble()).as(name).isPositive();
            }
            assertThat(c.path("footprint").path("cpuMicrosPerChange").asDouble()).as(name).isPositive();
            assertThat(c.path("peakTotalResidentBytes").asLong()).as(name).isPositive();
            assertThat(c.path("peakResidentBytes").path("Prometheus").asLong()).as(name).isPositive();
        }
        // The cluster's figures are of its three brokers and two workers, on topics replicated three times.
        JsonNode cluster = configurations.get(2);
        assertThat(cluster.path("shape").asText()).contains("3 broker(s), 2 Connect worker(s)", "3 replica(s)",
                "min.insync.replicas 2");
        assertThat(cluster.path("peakResidentBytes").path("Kafka broker 3").asLong()).isPositive();
        assertThat(cluster.path("peakResidentBytes").path("Kafka Connect 2").asLong()).isPositive();
        for (String plot : new String[] {"latency-vs-rate.png", "live-capture.png", "drain.png", "anchors-drain.png", "anchors-latency.png",
            "replication-cost.png"}) {
            BufferedImage image = ImageIO.read(out.resolve(plot).toFile());
            assertThat(image).as(plot).isNotNull();
            assertThat(image.getWidth()).as(plot).isEqualTo(Charts.WIDTH);
        }
        String text = Files.readString(markdown);
        assertThat(text).contains(MarkdownReport.BEGIN, MarkdownReport.END, "### Goals", "### Backlog drain",
                "### Live capture", "### End-to-end latency", "### Start to first captured change",
                "### Footprint", "### Cost of replication", "plots/latency-vs-rate.png", "plots/anchors-latency.png");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (java.io.IOException e) {
            return "(its log cannot be read: " + e.getMessage() + ")";
        }
    }
}
