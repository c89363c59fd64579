package io.github.cdcmonitoring.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The plots of BENCHMARKS.md, drawn with JFreeChart from a run's results; PNG files, returned in order. */
final class Charts {

    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    private Charts() {
    }

    static List<Path> write(Results results, Path dir) {
        List<Path> files = new ArrayList<>();
        files.add(save(latencyVsRate(results), dir.resolve("latency-vs-rate.png")));
        files.add(save(liveCapture(results), dir.resolve("live-capture.png")));
        files.add(save(drain(results), dir.resolve("drain.png")));
        files.add(save(drainAnchors(results), dir.resolve("anchors-drain.png")));
        files.add(save(latencyAnchors(results), dir.resolve("anchors-latency.png")));
        replicationCost(results).ifPresent(chart -> files.add(save(chart, dir.resolve("replication-cost.png"))));
        return files;
    }

    private static JFreeChart latencyVsRate(Results results) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Results.Configuration c : results.configurations()) {
            XYSeries p50 = new XYSeries(c.name() + " p50", true, true);
            XYSeries p95 = new XYSeries(c.name() + " p95", true, true);
            XYSeries p99 = new XYSeries(c.name() + " p99", true, true);
            for (Results.LatencyWindow w : c.latency()) {
                add(p50, w.writtenPerSecond(), w.consumer().p50());
                add(p95, w.writtenPerSecond(), w.consumer().p95());
                add(p99, w.writtenPerSecond(), w.consumer().p99());
            }
            data.addSeries(p50);
            data.addSeries(p95);
            data.addSeries(p99);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("End-to-end latency (commit to consumer) vs write rate",
                "changes written per second", "latency, ms (log scale)", data, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis axis = new LogarithmicAxis("latency, ms (log scale)");
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        plot.setRangeAxis(axis);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(renderer);
        return styled(chart);
    }

    private static void add(XYSeries series, double x, double y) {
        if (Double.isFinite(x) && Double.isFinite(y)) {
            series.add(x, Math.max(1, y));
        }
    }

    private static JFreeChart liveCapture(Results results) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Results.Configuration c : results.configurations()) {
            XYSeries written = new XYSeries(c.name() + ": written/s", false, true);
            XYSeries captured = new XYSeries(c.name() + ": captured/s", false, true);
            for (double[] row : c.live().timeline()) {
                written.add(row[0], row[1]);
                captured.add(row[0], row[2]);
            }
            data.addSeries(written);
            data.addSeries(captured);
        }
        return styled(ChartFactory.createXYLineChart("Live capture: generator at its maximum, then writes stop",
                "seconds since the window started", "rows or events per second", data, PlotOrientation.VERTICAL,
                true, false, false));
    }

    private static JFreeChart drain(Results results) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Results.Configuration c : results.configurations()) {
            XYSeries series = new XYSeries(c.name(), false, true);
            for (double[] row : c.drain().timeline()) {
                series.add(row[0], row[1]);
            }
            data.addSeries(series);
        }
        return styled(ChartFactory.createXYLineChart("Backlog drain: " + results.configurations().get(0).drain()
                        .events() + " changes in the WAL when the connector resumes",
                "seconds since resume", "events per second into Kafka", data, PlotOrientation.VERTICAL, true, false,
                false));
    }

    /** This run's drain rates beside the published ones of the issue (quoted, not measured here). */
    private static JFreeChart drainAnchors(Results results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.Configuration c : results.configurations()) {
            data.addValue(c.drain().eventsPerSecond(), "events/s", "this run: " + c.name());
        }
        for (Anchors.Anchor anchor : Anchors.DRAIN) {
            data.addValue(anchor.value(), "events/s", anchor.label());
        }
        return bars("Backlog drain, events/s: this run (2 cores) beside published figures", "events per second",
                data);
    }

    /** This run's p99 at 1,000 changes/s beside the published p99 figures of the issue (quoted, not measured). */
    private static JFreeChart latencyAnchors(Results results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.Configuration c : results.configurations()) {
            c.latency().stream().filter(w -> w.label().equals(MarkdownReport.FIXED_1000)).findFirst()
                    .ifPresent(w -> data.addValue(w.consumer().p99(), "p99 ms", "this run: " + c.name()
                            + ", 1,000/s"));
        }
        for (Anchors.Anchor anchor : Anchors.P99) {
            data.addValue(anchor.value(), "p99 ms", anchor.label());
        }
        return bars("End-to-end p99 latency, ms: this run beside published figures", "p99, ms", data);
    }

    /** Each figure of the cluster divided by the single broker's: 1.0 = replication costs nothing there. */
    private static java.util.Optional<JFreeChart> replicationCost(Results results) {
        var single = results.configurations().stream().filter(c -> c.name().equals("shipped")).findFirst();
        var cluster = results.configurations().stream().filter(c -> c.name().equals("cluster")).findFirst();
        if (single.isEmpty() || cluster.isEmpty()) {
            return java.util.Optional.empty();
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ReplicationCost cost : ReplicationCost.of(single.get(), cluster.get())) {
            if (Double.isFinite(cost.ratio())) {
                data.addValue(cost.ratio(), "cluster ÷ single", cost.label());
            }
        }
        return java.util.Optional.of(bars("Cost of replication: cluster shape ÷ one broker (1.0 = the same)",
                "cluster ÷ single broker", data));
    }

    private static JFreeChart bars(String title, String valueLabel, DefaultCategoryDataset data) {
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.HORIZONTAL,
                false, false, false);
        CategoryAxis axis = chart.getCategoryPlot().getDomainAxis();
        axis.setMaximumCategoryLabelWidthRatio(0.45f);
        axis.setMaximumCategoryLabelLines(2);
        return styled(chart);
    }

    private static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            for (int i = 0; i < plot.getSeriesCount(); i++) {
                plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
            }
        }
        return chart;
    }

    private static Path save(JFreeChart chart, Path file) {
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
