package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.localstack.ConnectorConfig;
import io.github.cdcmonitoring.localstack.ConnectorRegistration;
import io.github.cdcmonitoring.localstack.LocalStack;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import io.github.cdcmonitoring.repo.Waits;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One configuration on a native stack of its own, in this order: start to the first captured change, backlog drain,
 * live capture at the generator's maximum, then end-to-end latency at fixed and relative write rates (the 1,000/s
 * window also gives the steady-state footprint). Every phase writes single-row {@code users} inserts, so one row
 * written is one change event.
 */
final class ConfigurationRun {

    static final String TABLE = "public.users";
    private static final String OFFSET_TOPIC = "connect_offsets";
    private static final int DRAIN_ROWS_PER_TRANSACTION = 10_000;

    private final BenchSettings settings;
    private final Path repoRoot;
    private final Path workDir;
    private final Consumer<String> log;

    ConfigurationRun(BenchSettings settings, Path repoRoot, Path workDir, Consumer<String> log) {
        this.settings = settings;
        this.repoRoot = repoRoot;
        this.workDir = workDir;
        this.log = log;
    }

    Results.Configuration run(Variant variant, String startKind) throws SQLException {
        String name = variant.name();
        long launched = System.nanoTime();
        try (LocalStack stack = start(variant)) {
            ConnectorConfig connector = variant.connector().apply(stack.connectorConfig());
            ConnectorRegistration.Result registered = stack.register(connector);
            if (!registered.succeeded()) {
                throw new IllegalStateException("registering the " + name + " connector failed:\n"
                        + registered.output());
            }
            Footprint footprint = new Footprint();
            footprint.add(MeasuredProcess.postgres(stack.postgres().pid()));
            // One broker and one worker are "Kafka broker" and "Kafka Connect"; the cluster's others are numbered on.
            for (int i = 0; i < stack.kafkaBrokers().size(); i++) {
                footprint.add(MeasuredProcess.jvm(numbered("Kafka broker", i), stack.kafkaBrokers().get(i).pid()));
            }
            for (int i = 0; i < stack.connectWorkers().size(); i++) {
                footprint.add(MeasuredProcess.jvm(numbered("Kafka Connect", i), stack.connectWorkers().get(i).pid()));
            }
            String topic = stack.topic(TABLE);
            try (TopicCounts counts = new TopicCounts(stack.bootstrapServers());
                 Connection db = stack.postgres().connect()) {
                db.setAutoCommit(true);
                Phase phase = new Phase(stack, connector, footprint, counts, topic, db, name);
                Results.StartTime start = phase.firstChange(launched, startKind);
                log.accept(name + ": first change " + start.secondsToFirstChange() + " s after start");
                // The user's stack has Prometheus scraping Connect with the repository's rules: its memory and CPU
                // count. As in the native stack it starts after the connector runs; its generator, change exporter
                // and postgres_exporter jobs have no target here.
                footprint.add(MeasuredProcess.tree("Prometheus", stack.startPrometheus().pid()));
                Results.Drain drain = phase.drain();
                log.accept(name + ": drained " + drain.events() + " events at " + Math.round(drain.eventsPerSecond())
                        + " events/s");
                Results.Live live = phase.live();
                log.accept(name + ": live written " + Math.round(live.writtenPerSecond()) + "/s captured "
                        + Math.round(live.capturedPerSecond()) + "/s ratio " + live.capturedOverWritten());
                List<Results.LatencyWindow> latency = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                Results.SteadyFootprint steady = null;
                try {
                    steady = phase.latency(live.writtenPerSecond(), latency);
                } catch (RuntimeException e) {
                    // The windows measured so far and the earlier phases' figures are kept; the report names this.
                    failures.add("latency after " + latency.size() + " window(s): "
                            + e.getMessage().lines().findFirst().orElse(e.toString()));
                    log.accept(name + ": latency phase failed: " + e);
                }
                Map<String, Long> peaks = footprint.peaks();
                long total = peaks.values().stream().mapToLong(Long::longValue).sum();
                Map<String, String> settingsShown = new LinkedHashMap<>();
                connector.config().fields().forEachRemaining(e -> settingsShown.put(e.getKey(),
                        e.getKey().contains("password") ? "(hidden)" : e.getValue().asText()));
                return new Results.Configuration(name, shape(stack, counts, topic), settingsShown, start, null, drain,
                        live, latency, steady, peaks, total, failures);
            }
        }
    }

    /**
     * The same connector on a fresh stack started right after a configuration's run: a warm start (the JVMs' and the
     * operating system's caches hold what the previous stacks used), the start time the goal is about.
     */
    Results.StartTime warmStart(Variant variant) throws SQLException {
        long launched = System.nanoTime();
        try (LocalStack stack = start(variant)) {
            ConnectorRegistration.Result registered = stack.register(variant.connector().apply(
                    stack.connectorConfig()));
            if (!registered.succeeded()) {
                throw new IllegalStateException("registering the connector failed:\n" + registered.output());
            }
            String topic = stack.topic(TABLE);
            try (TopicCounts counts = new TopicCounts(stack.bootstrapServers());
                 Connection db = stack.postgres().connect();
                 Statement insert = db.createStatement()) {
                db.setAutoCommit(true);
                return timeToFirstChange(stack, counts, topic, launched, "warm (a new stack after the run)",
                        () -> insert.executeUpdate("INSERT INTO users (name, email) VALUES ('warm start', "
                                + "'warm.start@example.com')"));
            }
        }
    }

    private LocalStack start(Variant variant) {
        return LocalStack.builder().registerConnector(false).cluster(variant.cluster()).progress(log).start();
    }

    private static String numbered(String process, int index) {
        return index == 0 ? process : process + " " + (index + 1);
    }

    /** What the configuration ran on, as the stack and the broker report it (not as its files intend). */
    private static String shape(LocalStack stack, TopicCounts counts, String topic) {
        TopicCounts.Replication replication = counts.replication(topic);
        return stack.kafkaBrokers().size() + " broker(s), " + stack.connectWorkers().size() + " Connect worker(s); "
                + topic + ": " + replication.replicas() + " replica(s) per partition, min.insync.replicas "
                + replication.minInSyncReplicas();
    }

    /** Inserts one row and waits for its event: seconds from {@code launched}, and each component's ready time. */
    private static Results.StartTime timeToFirstChange(LocalStack stack, TopicCounts counts, String topic,
                                                       long launched, String kind, SqlAction insertOne)
            throws SQLException {
        long before = counts.endOffset(topic);
        insertOne.run();
        Waits.until("the first change event in " + topic, Duration.ofSeconds(120), Duration.ofMillis(20),
                () -> counts.endOffset(topic) > before);
        double seconds = (System.nanoTime() - launched) / 1e9;
        Map<String, Double> ready = new LinkedHashMap<>();
        stack.readyAfter().forEach((component, after) -> ready.put(component, after.toMillis() / 1000.0));
        return new Results.StartTime(kind, seconds, ready);
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    /** The phases of one configuration; they share the stack and its measuring tools. */
    private final class Phase {

        private final LocalStack stack;
        private final ConnectorConfig connector;
        private final Footprint footprint;
        private final TopicCounts counts;
        private final String topic;
        private final Connection db;
        private final String label;
        private final Duration tick = Duration.ofMillis(settings.sampleMillis());
        private long drainSequence;
        private boolean firstWindow = true;

        Phase(LocalStack stack, ConnectorConfig connector, Footprint footprint, TopicCounts counts, String topic,
              Connection db, String label) {
            this.stack = stack;
            this.connector = connector;
            this.footprint = footprint;
            this.counts = counts;
            this.topic = topic;
            this.db = db;
            this.label = label;
        }

        Results.StartTime firstChange(long launched, String kind) throws SQLException {
            return timeToFirstChange(stack, counts, topic, launched, kind, () -> insertRows(1));
        }

        /**
         * N changes already in the WAL when the connector starts: the connector is stopped (slot and offsets kept)
         * once its offsets are in Kafka, the rows are written, and the clock starts when it is resumed.
         */
        Results.Drain drain() throws SQLException {
            String name = connector.name();
            Waits.until("Connect to commit the connector's first offsets", Duration.ofSeconds(60), tick,
                    () -> counts.endOffset(OFFSET_TOPIC) > 0);
            requireOk(stack.rest().put("/connectors/" + name + "/stop"), "stop");
            Waits.until("the connector to stop", Duration.ofSeconds(60), tick, () -> "STOPPED".equals(
                    stack.rest().get("/connectors/" + name + "/status").json().path("connector").path("state")
                            .asText()));
            insertRows(settings.drainEvents());
            long base = counts.endOffset(topic);
            long target = base + settings.drainEvents();
            Map<String, Double> cpuBefore = footprint.cpuSeconds();
            long start = System.nanoTime();
            requireOk(stack.rest().put("/connectors/" + name + "/resume"), "resume");
            List<double[]> timeline = new ArrayList<>();
            long[] last = {start, base};
            boolean complete = Waits.within(Duration.ofSeconds(settings.drainLimitSeconds()), tick, () -> {
                long now = System.nanoTime();
                long captured = counts.endOffset(topic);
                footprint.sample();
                timeline.add(new double[] {(now - start) / 1e9, (captured - last[1]) / ((now - last[0]) / 1e9)});
                last[0] = now;
                last[1] = captured;
                return captured >= target;
            });
            double seconds = (last[0] - start) / 1e9;
            long drained = Math.min(settings.drainEvents(), last[1] - base);
            Map<String, Double> cpu = Footprint.delta(cpuBefore, footprint.cpuSeconds());
            double cpuTotal = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
            return new Results.Drain(drained, seconds, drained / seconds, complete, cpu,
                    cpuTotal * 1e6 / Math.max(1, drained), footprint.peaks(), timeline);
        }

        /** The generator at rate 0 for a fixed window, then the time until every row written is in Kafka. */
        Results.Live live() throws SQLException {
            long rowsBefore = rowCount();
            long capturedBefore = counts.endOffset(topic);
            JarProcess generator = Generator.start(jar("data-generator"), stack.postgres(), 0, workDir,
                    label + "-max");
            footprint.add(MeasuredProcess.jvm("data generator", generator.pid()));
            Pacing.pause(Duration.ofSeconds(settings.warmupSeconds()));
            List<double[]> timeline = new ArrayList<>();
            long start = System.nanoTime();
            long[] last = {start, sequence(), counts.endOffset(topic)};
            long[] first = last.clone();
            long end = start + Duration.ofSeconds(settings.liveWindowSeconds()).toNanos();
            while (System.nanoTime() < end) {
                Pacing.pause(tick);
                sampleRates(timeline, start, last);
            }
            double window = (last[0] - first[0]) / 1e9;
            double writtenPerSecond = (last[1] - first[1]) / window;
            double capturedPerSecond = (last[2] - first[2]) / window;
            footprint.remove("data generator");
            generator.stop();
            long stopped = System.nanoTime();
            long written = rowCount() - rowsBefore;
            Waits.within(Duration.ofSeconds(settings.drainLimitSeconds()), tick, () -> {
                sampleRates(timeline, start, last);
                return last[2] - capturedBefore >= written;
            });
            double drainSeconds = (last[0] - stopped) / 1e9;
            long captured = counts.endOffset(topic) - capturedBefore;
            return new Results.Live(window, writtenPerSecond, capturedPerSecond, written, captured,
                    (double) captured / written, drainSeconds, timeline);
        }

        /** Appends {seconds, written/s, captured/s} since the previous sample held in {@code last}. */
        private void sampleRates(List<double[]> timeline, long start, long[] last) {
            try {
                long now = System.nanoTime();
                long written = sequence();
                long captured = counts.endOffset(topic);
                double dt = (now - last[0]) / 1e9;
                footprint.sample();
                timeline.add(new double[] {(now - start) / 1e9, (written - last[1]) / dt, (captured - last[2]) / dt});
                last[0] = now;
                last[1] = written;
                last[2] = captured;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the users sequence: " + e.getMessage(), e);
            }
        }

        /** The latency windows; returns the footprint of the 1,000 changes/s one. */
        Results.SteadyFootprint latency(double liveMax, List<Results.LatencyWindow> windows) throws SQLException {
            List<double[]> rates = new ArrayList<>();
            for (double rate : settings.fixedRates()) {
                rates.add(new double[] {rate, -1});
            }
            for (int percent : settings.percentOfLiveMax()) {
                rates.add(new double[] {liveMax * percent / 100.0, percent});
            }
            Results.SteadyFootprint steady = null;
            try (ChangeExporterProcess exporter = ChangeExporterProcess.start(jar("change-exporter"),
                    stack.bootstrapServers(), topic, workDir, label);
                 LatencyProbe probe = new LatencyProbe(stack.bootstrapServers(), topic)) {
                footprint.add(MeasuredProcess.jvm("change exporter", exporter.pid()));
                Waits.until("the change exporter to read the backlog", Duration.ofSeconds(300), tick,
                        exporter::caughtUp);
                settleDatabase();
                for (double[] rate : rates) {
                    String name = rateLabel(rate[0], rate[1]);
                    Window window = window(rate[0], name, exporter, probe);
                    windows.add(window.result);
                    log.accept(label + ": latency at " + name + ": consumer p50/p99 " + window.result.consumer().p50()
                            + "/" + window.result.consumer().p99() + " ms");
                    if (rate[1] < 0 && rate[0] == 1000.0) {
                        steady = window.footprint;
                    }
                }
                footprint.remove("change exporter");
            }
            return steady;
        }

        /**
         * The drain and the live phase leave over a million new rows: autovacuum and a checkpoint would otherwise run
         * during the first latency window and measure them instead of the steady state at its rate.
         */
        private void settleDatabase() throws SQLException {
            try (Statement statement = db.createStatement()) {
                statement.execute("VACUUM (ANALYZE) users");
                statement.execute("CHECKPOINT");
            }
        }

        private record Window(Results.LatencyWindow result, Results.SteadyFootprint footprint) {
        }

        private Window window(double rate, String name, ChangeExporterProcess exporter, LatencyProbe probe)
                throws SQLException {
            JarProcess generator = Generator.start(jar("data-generator"), stack.postgres(), rate, workDir,
                    label + "-" + Math.round(rate));
            footprint.add(MeasuredProcess.jvm("data generator", generator.pid()));
            // After the drain and the live phase the tail needs longer to settle: with 6 s the first window's p99 at
            // 1,000/s was 88-116 ms in four runs, with 30 s 28 ms (BENCHMARKS.md, tuning).
            Pacing.pause(Duration.ofSeconds(firstWindow ? settings.firstWindowWarmupSeconds() : settings.warmupSeconds()));
            firstWindow = false;
            var histogramBefore = ChangeExporterProcess.latencyBuckets(exporter.scrape());
            Map<String, Double> cpuBefore = footprint.cpuSeconds();
            long writtenBefore = sequence();
            long capturedBefore = counts.endOffset(topic);
            probe.begin();
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(settings.latencyWindowSeconds()).toNanos();
            while (System.nanoTime() < end) {
                Pacing.pause(tick);
                footprint.sample();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> cpu = Footprint.delta(cpuBefore, footprint.cpuSeconds());
            long written = sequence() - writtenBefore;
            long captured = counts.endOffset(topic) - capturedBefore;
            Map<String, Long> rss = footprint.sample();
            Map<String, Double> behind = new LinkedHashMap<>();
            // Only the worker that runs the task publishes the streaming metrics (either one in the cluster shape).
            stack.connectWorkers().forEach(worker -> behind.putAll(MilliSecondsBehindSource.read(
                    PrometheusText.scrape(worker.metricsUrl()))));
            footprint.remove("data generator");
            generator.stop();
            // Both consumers read until every change written is in (latencies of late changes count too). Every
            // phase only inserts into users, so the topic holds one event per row; the id sequence would count the
            // ids of transactions the generator's stop rolled back, events that never come.
            long target = rowCount();
            Waits.within(Duration.ofSeconds(settings.drainLimitSeconds()), tick,
                    () -> counts.endOffset(topic) >= target
                            && probe.position() >= counts.endOffset(topic) && exporter.caughtUp());
            long[] own = probe.end();
            var histogram = Percentiles.difference(histogramBefore,
                    ChangeExporterProcess.latencyBuckets(exporter.scrape()));
            Results.Quantiles consumer = new Results.Quantiles(Percentiles.exact(own, 0.50),
                    Percentiles.exact(own, 0.95), Percentiles.exact(own, 0.99), Percentiles.exact(own, 1.0));
            Results.Quantiles fromExporter = new Results.Quantiles(
                    Percentiles.fromHistogram(histogram, 0.50) * 1000, Percentiles.fromHistogram(histogram, 0.95)
                    * 1000, Percentiles.fromHistogram(histogram, 0.99) * 1000, Double.NaN);
            boolean agree = agree(histogram, consumer.p50(), fromExporter.p50())
                    && agree(histogram, consumer.p99(), fromExporter.p99());
            long total = rss.values().stream().mapToLong(Long::longValue).sum();
            double cpuTotal = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
            Results.LatencyWindow result = new Results.LatencyWindow(name, rate, written / seconds,
                    captured / seconds, own.length, consumer, fromExporter, agree, behind, cpuTotal / seconds);
            return new Window(result, new Results.SteadyFootprint(written / seconds, rss, total, cpu, captured,
                    cpuTotal * 1e6 / Math.max(1, captured)));
        }

        /** Within one bucket of each other: the histogram cannot resolve more finely than its buckets. */
        private boolean agree(java.util.TreeMap<Double, Double> histogram, double consumerMs, double exporterMs) {
            double[] bucket = Percentiles.bucketOf(histogram, consumerMs / 1000);
            double[] other = Percentiles.bucketOf(histogram, exporterMs / 1000);
            return Math.abs(indexOf(histogram, bucket[1]) - indexOf(histogram, other[1])) <= 1;
        }

        private int indexOf(java.util.TreeMap<Double, Double> histogram, double upper) {
            return histogram.headMap(upper, false).size();
        }

        private void insertRows(int rows) throws SQLException {
            String sql = "INSERT INTO users (name, email) SELECT 'bench ' || g, 'bench.' || g || '@example.com' "
                    + "FROM generate_series(?::bigint, ?::bigint) g";
            try (PreparedStatement insert = db.prepareStatement(sql)) {
                for (int done = 0; done < rows; done += DRAIN_ROWS_PER_TRANSACTION) {
                    insert.setLong(1, drainSequence + done + 1);
                    insert.setLong(2, drainSequence + Math.min(rows, done + DRAIN_ROWS_PER_TRANSACTION));
                    insert.executeUpdate();
                }
            }
            drainSequence += rows;
        }

        private long rowCount() throws SQLException {
            return single("SELECT count(*) FROM users");
        }

        /** The users id sequence: rows inserted so far (plus any rolled back), cheap to read often. */
        private long sequence() throws SQLException {
            return single("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM users_id_seq");
        }

        private long single(String sql) throws SQLException {
            try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private void requireOk(io.github.cdcmonitoring.localstack.ConnectRest.Response response, String action) {
            if (!response.ok()) {
                throw new IllegalStateException("PUT /connectors/" + connector.name() + "/" + action + " answered "
                        + response.status() + ": " + response.body());
            }
        }
    }

    /** "1,000/s" for a fixed rate, "25 % of live max (1,234/s)" for a share of the live maximum (percent >= 0). */
    static String rateLabel(double rate, double percent) {
        return percent < 0 ? String.format(java.util.Locale.ROOT, "%,.0f/s", rate)
                : String.format(java.util.Locale.ROOT, "%.0f %% of live max (%,.0f/s)", percent, rate);
    }

    private ServiceJar jar(String module) {
        return ServiceJar.of(RepoFiles.at(repoRoot), module, "./mvnw -pl bench -am package -DskipTests");
    }
}
