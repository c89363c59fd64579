package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.service.ProgressLine;
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
    private final ProgressLine line = new ProgressLine(LOG::info, "ops", 0, System.currentTimeMillis());

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

    /** Called by the timer every interval, so the line is always due. */
    private void report() {
        long operations = counts.operations();
        line.logIfDue(System.currentTimeMillis(), operations, () -> ", " + operations + " operations committed ("
                + counts.describeRows() + "), errors " + metrics.errors());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
