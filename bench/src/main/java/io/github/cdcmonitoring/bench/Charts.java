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
import org.jfree.chart.axis.LogAxis;
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
        files.add(save(anchors(results), dir.resolve("anchors.png")));
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
        LogAxis axis = new LogAxis("latency, ms (log scale)");
        axis.setSmallestValue(1);
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

    /** This run's drain rates beside the published ones of the issue (the published ones are quoted, not measured). */
    private static JFreeChart anchors(Results results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.Configuration c : results.configurations()) {
            data.addValue(c.drain().eventsPerSecond(), "this run (2 cores)", c.name());
        }
        for (Anchors.Anchor anchor : Anchors.DRAIN) {
            data.addValue(anchor.value(), "published", anchor.label());
        }
        return styled(ChartFactory.createBarChart("Backlog drain, events/s: this run beside published figures",
                null, "events per second", data, PlotOrientation.HORIZONTAL, true, false, false));
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
