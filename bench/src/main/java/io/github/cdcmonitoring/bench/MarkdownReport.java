package io.github.cdcmonitoring.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The results section of BENCHMARKS.md, written between two markers; everything outside them is left alone. */
final class MarkdownReport {

    static final String BEGIN = "<!-- bench:results:begin (written by bench/run.sh; edits here are overwritten) -->";
    static final String END = "<!-- bench:results:end -->";

    /** The label of the fixed 1,000 changes/s latency window (ConfigurationRun names windows this way). */
    static final String FIXED_1000 = ConfigurationRun.rateLabel(1000, -1);

    private final Results r;
    private final StringBuilder out = new StringBuilder();

    private MarkdownReport(Results results) {
        this.r = results;
    }

    /**
     * Refuses, in one line, a file without both markers in order: the results would otherwise land somewhere the
     * document's author did not choose. Checked before a run starts, so that a 12-minute run is not wasted.
     */
    static void requireMarkers(Path markdown) {
        String text;
        try {
            text = Files.readString(markdown);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + markdown + " (--markdown): " + e.getMessage());
        }
        int begin = text.indexOf(BEGIN);
        if (begin < 0 || text.indexOf(END, begin) < 0) {
            throw new IllegalArgumentException(markdown + " (--markdown) lacks the results markers: add the lines '"
                    + BEGIN + "' and '" + END + "' where the results belong");
        }
    }

    /** Replaces the text between the markers, which the file must have ({@link #requireMarkers}). */
    static void rewrite(Path markdown, Results results, List<Path> plots) {
        requireMarkers(markdown);
        try {
            String text = Files.readString(markdown);
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END, begin);
            String section = new MarkdownReport(results).render(markdown.toAbsolutePath().getParent(), plots);
            Files.writeString(markdown, text.substring(0, begin + BEGIN.length()) + "\n" + section
                    + text.substring(end));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + markdown, e);
        }
    }

    private String render(Path markdownDir, List<Path> plots) {
        Results.Machine m = r.machine();
        line("## Pipeline benchmark: shipped settings vs Debezium's and Kafka's defaults, one broker vs the cluster");
        line("");
        line("Measured " + r.date() + " by `bench/run.sh" + (r.mode().equals("quick") ? " --quick" : "") + "` ("
                + r.mode() + " mode, " + fmt(r.totalSeconds() / 60, 1) + " min) on " + m.cores() + " cores ("
                + m.cpu() + "), " + fmt(m.memoryBytes() / 1073741824.0, 0) + " GiB, " + m.kernel() + ", Java "
                + m.java() + ". Versions: " + join(r.versions()) + ". Every table below is written by the benchmark "
                + "itself; nothing is typed by hand. The machine is shared: other work (builds, unit tests of other "
                + "branches) may have been running during the run; the 1-minute load average was "
                + fmt(r.loadAverageAtStart(), 2) + " before the benchmark started anything (other work only) and "
                + fmt(r.loadAverageAtEnd(), 2) + " when these tables were written (the benchmark's own load "
                + "included; 2.00 = both cores busy).");
        if (r.mode().equals("quick")) {
            line("");
            line("**This is a quick (smoke) run: the sizes are too small for the figures to mean anything.**");
        }
        line("");
        line("Each configuration runs on a native stack of its own (PostgreSQL with the repository's "
                + "`postgresql.conf`, fsync on; one KRaft broker, or the three of the cluster shape; Connect with the "
                + "compose file's `connect` settings, one worker or two in one group), one after the other. Sizes of this run: " + r.settings().describe() + ".");
        line("");
        for (Results.Configuration c : r.configurations()) {
            line("- **" + c.name() + "** (" + c.shape() + ") connector: `" + join(c.connectorSettings()) + "`");
        }
        line("");
        for (Results.Configuration c : r.configurations()) {
            if (!c.failures().isEmpty()) {
                line("**" + c.name() + ": not measured, because a phase failed:** " + String.join("; ", c.failures())
                        + ".");
                line("");
            }
        }
        if (!r.configurationsNotMeasured().isEmpty()) {
            line("**Not measured in this run:** " + String.join("; ", r.configurationsNotMeasured())
                    + ". Its figures are missing from every table below.");
            line("");
        }
        if (r.configurations().isEmpty()) {
            ceiling();
            return out.toString();
        }
        goals();
        ceiling();
        drain();
        live();
        latency();
        start();
        footprint();
        replicationCost();
        line("### Plots");
        line("");
        for (Path plot : plots) {
            String relative = markdownDir.relativize(plot.toAbsolutePath()).toString().replace('\\', '/');
            line("![" + plot.getFileName() + "](" + relative + ")");
            line("");
        }
        return out.toString();
    }

    private void goals() {
        line("### Goals");
        line("");
        line("| goal | " + names() + "met? |");
        line("|---|" + "---:|".repeat(r.configurations().size()) + "---|");
        goal("backlog drain ≥ 30,000 events/s", c -> c.drain().eventsPerSecond(), "%,.0f",
                v -> v >= Anchors.DRAIN_GOAL);
        goal("captured ÷ written after the drain = 1.000", c -> c.live().capturedOverWritten(), "%.3f",
                v -> v == 1.0);
        goal("p50 ≤ 20 ms at 1,000 changes/s", c -> at(c, 1000, true), "%.0f ms", v -> v <= Anchors.P50_GOAL_1000);
        goal("p99 ≤ 50 ms at 1,000 changes/s", c -> at(c, 1000, false), "%.0f ms", v -> v <= Anchors.P99_GOAL_1000);
        goal("p99 ≤ 100 ms at 5,000 changes/s", c -> at(c, 5000, false), "%.0f ms", v -> v <= Anchors.P99_GOAL_5000);
        for (Results.Configuration c : r.configurations()) {
            for (double rate : r.settings().fixedRates()) {
                window(c, rate).filter(w -> w.writtenPerSecond() < 0.9 * rate).ifPresent(w -> line(
                        "| " + c.name() + ": the " + w.label() + " window reached only " + fmt(w.writtenPerSecond(), 0)
                        + " changes/s |" + " |".repeat(r.configurations().size()) + " its latency above is at that "
                        + "lower rate: the goal at " + w.label() + " is **not measured** |"));
            }
        }
        goal("≤ 60 CPU-µs per change at 1,000 changes/s", c -> c.footprint() == null ? Double.NaN
                : c.footprint().cpuMicrosPerChange(), "%.0f µs", v -> v <= Anchors.CPU_MICROS_GOAL);
        goal("≤ 60 CPU-µs per change during the backlog drain", c -> c.drain().cpuMicrosPerEvent(), "%.0f µs",
                v -> v <= Anchors.CPU_MICROS_GOAL);
        goal("start to first captured change < 10 s (warm)", c -> c.warm() == null ? Double.NaN
                : c.warm().secondsToFirstChange(), "%.1f s",
                v -> v < Anchors.START_GOAL_SECONDS);
        goal("whole stack < 1.5 GiB resident at peak", c -> c.peakTotalResidentBytes() / 1048576.0, "%,.0f MiB",
                v -> v < Anchors.PEAK_TOTAL_GOAL_BYTES / 1048576.0);
        Optional<Results.Configuration> shipped = named("shipped");
        Optional<Results.Configuration> defaults = named("defaults");
        if (shipped.isPresent() && defaults.isPresent()) {
            double ratio = shipped.get().drain().eventsPerSecond() / defaults.get().drain().eventsPerSecond();
            line("| drain ≥ 3× the defaults in the same run | " + fmt(ratio, 2) + "× |"
                    + " |".repeat(r.configurations().size() - 1) + " "
                    + (ratio >= Anchors.DRAIN_RATIO_GOAL ? "met" : "**missed**") + " |");
        }
        double worst = r.writeCeiling().stream().mapToDouble(Results.CeilingRow::ratio).min().orElse(Double.NaN);
        line("| generator ÷ pgbench ≥ 0.8 at 1, 4, 8 connections | lowest " + fmt(worst, 2) + " |"
                + " |".repeat(Math.max(0, r.configurations().size() - 1)) + " " + (worst >= Anchors.CEILING_RATIO_GOAL ? "met"
                : "**missed**") + " |");
        line("");
        line("The start-time goal is for a warm start: the first configuration's stack is the first start after the "
                + "build (cold), so that configuration also starts a second stack after its run (warm); the second "
                + "configuration's stack is warm. The goals are the single broker's; the cluster's rows show what they "
                + "become with replication. The memory total covers PostgreSQL, every broker and Connect worker, the "
                + "generator, the change exporter and Prometheus (scraping Connect with the repository's rules; its "
                + "other jobs have no target in the benchmark, so it holds fewer series than in the full stack); "
                + "postgres_exporter does not run in the benchmark.");
        line("");
    }

    /**
     * The cluster shape beside the single broker with the same connector: what replication factor 3,
     * min.insync.replicas 2 and a second worker cost on this machine.
     */
    private void replicationCost() {
        Optional<Results.Configuration> single = named("shipped");
        Optional<Results.Configuration> cluster = named("cluster");
        if (single.isEmpty() || cluster.isEmpty()) {
            return;
        }
        line("### Cost of replication: the cluster shape beside one broker");
        line("");
        line("The same shipped connector; " + single.get().name() + ": " + single.get().shape() + "; "
                + cluster.get().name() + ": " + cluster.get().shape() + ". Every process runs on the same "
                + r.machine().cores() + " cores, so the cluster's CPU is the price of replication here, not what "
                + "it costs on three machines. Figures from the tables above.");
        line("");
        line("| | " + single.get().name() + " | " + cluster.get().name() + " | cluster ÷ single |");
        line("|---|---:|---:|---:|");
        for (ReplicationCost cost : ReplicationCost.of(single.get(), cluster.get())) {
            line("| " + cost.label() + " | " + fmt(cost.single(), cost.decimals()) + " | "
                    + fmt(cost.cluster(), cost.decimals()) + " | " + fmt(cost.ratio(), 2) + " |");
        }
        line("");
    }

    private Optional<Results.Configuration> named(String name) {
        return r.configurations().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private void goal(String goal, ToDoubleFunction<Results.Configuration> value, String format,
                      java.util.function.DoublePredicate met) {
        StringBuilder row = new StringBuilder("| " + goal + " |");
        StringBuilder verdicts = new StringBuilder();
        for (Results.Configuration c : r.configurations()) {
            double v = value.applyAsDouble(c);
            row.append(' ').append(Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "not measured")
                    .append(" |");
            verdicts.append(verdicts.length() == 0 ? "" : ", ").append(c.name()).append(": ")
                    .append(!Double.isFinite(v) ? "not measured" : met.test(v) ? "met" : "**missed**");
        }
        line(row + " " + verdicts + " |");
    }

    private static double at(Results.Configuration c, double rate, boolean p50) {
        return window(c, rate).map(w -> p50 ? w.consumer().p50() : w.consumer().p99()).orElse(Double.NaN);
    }

    private static java.util.Optional<Results.LatencyWindow> window(Results.Configuration c, double rate) {
        String label = ConfigurationRun.rateLabel(rate, -1);
        return c.latency().stream().filter(w -> w.label().equals(label)).findFirst();
    }

    private void ceiling() {
        line("### Write ceiling: generator vs pgbench");
        line("");
        line("`" + WriteCeiling.SCRIPT + "` run by the benchmark (its own PostgreSQL, the repository's "
                + "`postgresql.conf`, one `users` + one `orders` insert per transaction; slices of "
                + r.settings().ceilingSliceSeconds() + " s, " + r.settings().ceilingRounds() + " round(s)).");
        line("");
        line("| connections | pgbench rows/s | generator rows/s | generator ÷ pgbench |");
        line("|---:|---:|---:|---:|");
        for (Results.CeilingRow row : r.writeCeiling()) {
            line("| " + row.connections() + " | " + fmt(row.pgbenchRowsPerSecond(), 0) + " | "
                    + fmt(row.generatorRowsPerSecond(), 0) + " | " + fmt(row.ratio(), 2) + " |");
        }
        line("");
    }

    private void drain() {
        line("### Backlog drain");
        line("");
        line("The connector is stopped (`PUT /connectors/<name>/stop`, slot and offsets kept) once its offsets are in "
                + "Kafka; " + fmt(r.settings().drainEvents(), 0) + " single-row `users` inserts (10,000 per "
                + "transaction) are written; the clock runs from `PUT .../resume` until the topic's end offset holds "
                + "the last one. CPU-seconds from `/proc/<pid>/stat` (PostgreSQL: the postmaster, its WAL sender and "
                + "every backend); peak resident memory from `VmHWM` (JVMs) or sampling (PostgreSQL).");
        line("");
        line("| | " + names());
        line("|---|" + "---:|".repeat(r.configurations().size()));
        row("events drained", c -> fmt(c.drain().events(), 0) + (c.drain().complete() ? "" : " (**incomplete**)"));
        row("seconds", c -> fmt(c.drain().seconds(), 1));
        row("**events/s**", c -> "**" + fmt(c.drain().eventsPerSecond(), 0) + "**");
        row("CPU-µs per event, all processes", c -> fmt(c.drain().cpuMicrosPerEvent(), 0));
        for (String process : processNames(c -> c.drain().cpuSeconds())) {
            row("CPU-s " + process, c -> fmt(c.drain().cpuSeconds().getOrDefault(process, Double.NaN), 1));
        }
        for (String process : processNames(c -> c.drain().peakResidentBytes())) {
            row("peak RSS " + process + ", MiB", c -> mib(c.drain().peakResidentBytes().get(process)));
        }
        line("");
    }

    private void live() {
        line("### Live capture at the generator's maximum");
        line("");
        line("The generator (`GENERATOR_RATE=0`, " + Generator.THREADS + " connections, `GENERATOR_MIX="
                + Generator.MIX + "`) for " + r.settings().liveWindowSeconds() + " s after "
                + r.settings().warmupSeconds() + " s of warm-up; written from the `users` id sequence, captured from "
                + "the topic's end offset; the totals count every row written from the generator's start and every "
                + "event once the capture has caught up.");
        line("");
        line("| | " + names());
        line("|---|" + "---:|".repeat(r.configurations().size()));
        row("rows written/s", c -> fmt(c.live().writtenPerSecond(), 0));
        row("events captured/s", c -> fmt(c.live().capturedPerSecond(), 0));
        row("rows written (total)", c -> fmt(c.live().written(), 0));
        row("events captured (total)", c -> fmt(c.live().captured(), 0));
        row("**captured ÷ written**", c -> "**" + fmt(c.live().capturedOverWritten(), 3) + "**");
        row("drain after writes stop, s", c -> fmt(c.live().drainSeconds(), 1));
        line("");
    }

    private void latency() {
        line("### End-to-end latency (commit to consumer)");
        line("");
        line("The generator at each rate for " + r.settings().latencyWindowSeconds() + " s; latency = time consumed "
                + "minus `source.ts_ms` (the commit time), measured by the benchmark's own consumer (exact) and by "
                + "the change exporter's `cdc_end_to_end_latency_seconds` histogram (interpolated within its buckets, "
                + "as `histogram_quantile` does; it has no max). \"agree\": p50 and p99 of both fall in the same or "
                + "neighbouring buckets. Debezium's `MilliSecondsBehindSource` (streaming) is read at the window's "
                + "end. \"cores busy\": the CPU time of PostgreSQL, the broker, Connect, the generator, the "
                + "change exporter and Prometheus over the window, in cores (" + r.machine().cores() + " on this machine): near it, "
                + "every process waits for a core and the latency is the machine's, not the pipeline's. Before the "
                + "first window the database is settled (VACUUM ANALYZE users, CHECKPOINT) after the drain's and the "
                + "live phase's million rows.");
        line("");
        for (Results.Configuration c : r.configurations()) {
            line("**" + c.name() + "**");
            line("");
            line("| rate | written/s | captured/s | events | consumer p50 / p95 / p99 / max ms | exporter p50 / p95 / "
                    + "p99 ms | agree | MilliSecondsBehindSource (current, p50, p99) | cores busy |");
            line("|---|---:|---:|---:|---:|---:|---|---:|---:|");
            for (Results.LatencyWindow w : c.latency()) {
                Map<String, Double> b = w.milliSecondsBehindSource();
                line("| " + w.label() + " | " + fmt(w.writtenPerSecond(), 0) + " | " + fmt(w.capturedPerSecond(), 0)
                        + " | " + fmt(w.events(), 0) + " | " + q(w.consumer(), true) + " | " + q(w.exporter(), false)
                        + " | " + (w.agree() ? "yes" : "**no**") + " | " + fmt(b.getOrDefault("current", Double.NaN), 0)
                        + ", " + fmt(b.getOrDefault("p50", Double.NaN), 0) + ", "
                        + fmt(b.getOrDefault("p99", Double.NaN), 0) + " | " + fmt(w.coresBusy(), 2) + " |");
            }
            line("");
        }
    }

    private void start() {
        line("### Start to first captured change");
        line("");
        line("From `LocalStack` start (free ports, PostgreSQL initialised from the repository's files) through the "
                + "connector's registration to the first inserted row's event in Kafka.");
        line("");
        line("| | start | seconds | ready after (s) |");
        line("|---|---|---:|---|");
        for (Results.Configuration c : r.configurations()) {
            for (Results.StartTime start : c.warmStart() == null ? List.of(c.start())
                    : List.of(c.start(), c.warmStart())) {
                line("| " + c.name() + " | " + start.kind() + " | **" + fmt(start.secondsToFirstChange(), 1)
                        + "** | " + join(start.readyAfterSeconds()) + " |");
            }
        }
        line("");
    }

    private void footprint() {
        line("### Footprint at 1,000 changes/s and peak");
        line("");
        line("Resident memory at the end of the 1,000 changes/s window; CPU over that window of PostgreSQL, the "
                + "broker, Connect, the generator, the change exporter and Prometheus, divided by the changes captured in it "
                + "(the benchmark's own JVM is not counted). Peak: the highest resident memory of each process over "
                + "the whole configuration run, drain included.");
        line("");
        line("| | " + names());
        line("|---|" + "---:|".repeat(r.configurations().size()));
        row("CPU-µs per change", c -> c.footprint() == null ? "not measured" : fmt(c.footprint().cpuMicrosPerChange(), 0));
        // Per process: where the CPU of a change goes at this rate (the PostgreSQL commits and the generator's own
        // transactions are part of "all processes together").
        for (String process : processNames(c -> c.footprint() == null ? Map.of() : c.footprint().cpuSeconds())) {
            row("CPU-µs per change, " + process, c -> c.footprint() == null
                    || c.footprint().cpuSeconds().get(process) == null ? "" : fmt(c.footprint().cpuSeconds()
                    .get(process) * 1e6 / Math.max(1, c.footprint().changes()), 0));
        }
        for (String process : processNames(c -> c.footprint() == null ? Map.of() : c.footprint().residentBytes())) {
            row("RSS " + process + ", MiB", c -> c.footprint() == null ? "" : mib(c.footprint().residentBytes()
                    .get(process)));
        }
        row("RSS total, MiB", c -> c.footprint() == null ? "" : mib(c.footprint().totalResidentBytes()));
        for (String process : processNames(Results.Configuration::peakResidentBytes)) {
            row("peak " + process + ", MiB", c -> mib(c.peakResidentBytes().get(process)));
        }
        row("**peak total, MiB**", c -> "**" + mib(c.peakTotalResidentBytes()) + "**");
        line("");
    }

    private TreeSet<String> processNames(Function<Results.Configuration, Map<String, ?>> map) {
        TreeSet<String> names = new TreeSet<>();
        r.configurations().forEach(c -> names.addAll(map.apply(c).keySet()));
        return names;
    }

    private void row(String label, Function<Results.Configuration, String> cell) {
        StringBuilder row = new StringBuilder("| " + label + " |");
        for (Results.Configuration c : r.configurations()) {
            row.append(' ').append(cell.apply(c)).append(" |");
        }
        line(row.toString());
    }

    private String names() {
        StringBuilder names = new StringBuilder();
        for (Results.Configuration c : r.configurations()) {
            names.append(c.name()).append(" | ");
        }
        return names.toString();
    }

    private static String q(Results.Quantiles q, boolean withMax) {
        return fmt(q.p50(), 0) + " / " + fmt(q.p95(), 0) + " / " + fmt(q.p99(), 0) + (withMax ? " / "
                + fmt(q.max(), 0) : "");
    }

    private static String mib(Long bytes) {
        return bytes == null ? "" : fmt(bytes / 1048576.0, 0);
    }

    private static String join(Map<String, ?> map) {
        StringBuilder text = new StringBuilder();
        map.forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(k).append('=')
                .append(v instanceof Double d ? fmt(d, 1) : v));
        return text.toString();
    }

    static String fmt(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,." + decimals + "f", value) : "n/a";
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
