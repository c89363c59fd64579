package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a run cut short after the write ceiling and one configuration: only the text between the markers
 * changes, the missing configuration is named, and the plots are drawn from what exists. The numbers are made up for
 * the layout only; no document shows them.
 */
class MarkdownReportTest {

    @Test
    void rewritesOnlyBetweenTheMarkersAndNamesWhatWasNotMeasured(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.writeString(markdown, "# Before\n\n" + MarkdownReport.BEGIN + "\nold\n" + MarkdownReport.END
                + "\n\n## After\n");
        Results results = partialRun();

        List<Path> plots = Charts.write(results, Files.createDirectories(dir.resolve("plots")));
        MarkdownReport.rewrite(markdown, results, plots);

        String text = Files.readString(markdown);
        assertThat(text).startsWith("# Before\n\n" + MarkdownReport.BEGIN).endsWith(MarkdownReport.END
                + "\n\n## After\n").doesNotContain("\nold\n");
        assertThat(text).contains("**Not measured in this run:** defaults (failed: boom)", "| 8 | 14,000 |",
                "(plots/drain.png)", "### Goals");
        assertThat(plots).hasSize(5).allMatch(p -> p.toFile().length() > 0);
    }

    @Test
    void aFileWithoutTheMarkersIsRefusedAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.writeString(markdown, "# Benchmarks\n\nNo results section here.\n");

        assertThatThrownBy(() -> MarkdownReport.rewrite(markdown, partialRun(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks the results markers")
                .hasMessageNotContaining("\n");
        assertThat(Files.readString(markdown)).isEqualTo("# Benchmarks\n\nNo results section here.\n");
    }

    @Test
    void theClusterIsShownBesideTheSingleBrokerWithEachFiguresRatio(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("BENCHMARKS.md");
        Files.writeString(markdown, MarkdownReport.BEGIN + "\n" + MarkdownReport.END + "\n");
        Results results = run(List.of(configuration("shipped", "1 broker(s)", 1000),
                configuration("cluster", "3 broker(s)", 400)), List.of());

        List<Path> plots = Charts.write(results, Files.createDirectories(dir.resolve("plots")));
        MarkdownReport.rewrite(markdown, results, plots);

        assertThat(Files.readString(markdown)).contains("### Cost of replication",
                "| shipped | cluster | cluster ÷ single |", "| backlog drain, events/s | 1,000 | 400 | 0.40 |",
                "- **cluster** (3 broker(s)) connector:", "(plots/replication-cost.png)");
        assertThat(plots).hasSize(6).allMatch(p -> p.toFile().length() > 0);
    }

    private static Results partialRun() {
        return run(List.of(configuration("shipped", "1 broker(s)", 1000)), List.of("defaults (failed: boom)"));
    }

    private static Results run(List<Results.Configuration> configurations, List<String> notMeasured) {
        return new Results("2026-01-01T00:00:00Z", "quick", new Results.Machine(2, 1L << 34, "cpu", "Linux", "17"),
                Map.of("kafka", "4.3.1"), BenchSettings.quickRun(),
                List.of(new Results.CeilingRow(8, 14_000, 13_000, 0.93)), configurations, notMeasured, 0.5, 1.5, 60);
    }

    private static Results.Configuration configuration(String name, String shape, double drainPerSecond) {
        Results.Quantiles q = new Results.Quantiles(40, 80, 95, 120);
        Results.LatencyWindow window = new Results.LatencyWindow("1,000/s", 1000, 998, 997, 19_000, q,
                new Results.Quantiles(42, 85, 98, Double.NaN), true, Map.of("current", 30.0), 0.8);
        return new Results.Configuration(name, shape, Map.of("poll.interval.ms", "50"),
                new Results.StartTime("cold", 12.5, Map.of("kafka", 4.0)),
                new Results.StartTime("warm (a new stack after the run)", 9.5, Map.of("kafka", 3.0)),
                new Results.Drain(1000, 1.0, drainPerSecond, true, Map.of("Kafka Connect", 0.05), 50,
                        Map.of("Kafka Connect", 300L << 20), List.of(new double[] {0.5, 900}, new double[] {1, 1100})),
                new Results.Live(3, 1000, 990, 3000, 3000, 1.0, 0.4,
                        List.of(new double[] {0.5, 1000, 950}, new double[] {1, 1000, 1050})),
                List.of(window), new Results.SteadyFootprint(998, Map.of("Kafka Connect", 300L << 20), 300L << 20,
                        Map.of("Kafka Connect", 0.5), 19_000, 26), Map.of("Kafka Connect", 350L << 20), 350L << 20,
                List.of());
    }
}
