package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark's quick mode end to end (write ceiling and both configurations on real native stacks) and checks
 * only that it produces every figure and plot: present, finite where a number is expected, parseable. The values of
 * a two-second run mean nothing and are not asserted. The Markdown it rewrites is a copy of the real BENCHMARKS.md,
 * so the test proves the markers are found in the real file without changing it.
 */
class BenchmarkSmokeTest {

    @Test
    void quickModeProducesEveryFigureAndPlot(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.copy(RepoFiles.locate().root().resolve("BENCHMARKS.md"), markdown);
        Path out = dir.resolve("plots");

        Path json = BenchmarkMain.run(new BenchmarkMain.Options(true, null, out, markdown));

        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertThat(results.path("writeCeiling")).hasSize(3);
        for (JsonNode row : results.path("writeCeiling")) {
            assertThat(row.path("ratio").asDouble()).isPositive();
        }
        JsonNode configurations = results.path("configurations");
        assertThat(configurations).hasSize(2);
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
        for (String plot : new String[] {"latency-vs-rate.png", "live-capture.png", "drain.png", "anchors-drain.png", "anchors-latency.png"}) {
            BufferedImage image = ImageIO.read(out.resolve(plot).toFile());
            assertThat(image).as(plot).isNotNull();
            assertThat(image.getWidth()).as(plot).isEqualTo(Charts.WIDTH);
        }
        String text = Files.readString(markdown);
        assertThat(text).contains(MarkdownReport.BEGIN, MarkdownReport.END, "### Goals", "### Backlog drain",
                "### Live capture", "### End-to-end latency", "### Start to first captured change",
                "### Footprint", "plots/latency-vs-rate.png", "plots/anchors-latency.png");
    }
}
