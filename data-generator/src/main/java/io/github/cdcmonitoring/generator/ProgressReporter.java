package io.github.cdcmonitoring.generator;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one line every few seconds: the rate over the last interval, the totals and the errors so far. */
final class ProgressReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    static final long INTERVAL_SECONDS = 5;

    private final CommittedCounts counts;
    private final GeneratorMetrics metrics;
    private final ScheduledExecutorService timer;
    private long lastOperations;
    private long lastNanos = System.nanoTime();

    ProgressReporter(CommittedCounts counts, GeneratorMetrics metrics) {
        this.counts = counts;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "generator-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::report, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    private void report() {
        long now = System.nanoTime();
        long operations = counts.operations();
        double rate = (operations - lastOperations) / ((now - lastNanos) / 1e9);
        lastOperations = operations;
        lastNanos = now;
        LOG.info("progress: {} ops/s, {} operations committed ({}), errors {}",
                String.format(Locale.ROOT, "%.1f", rate), operations, counts.describeRows(), metrics.errors());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
