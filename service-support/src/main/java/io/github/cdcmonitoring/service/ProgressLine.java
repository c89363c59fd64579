package io.github.cdcmonitoring.service;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Both services' progress line: once an interval has passed since the last one, {@code progress: <rate> <unit>/s}
 * (the count's growth since the last line) followed by what the service adds. Time is passed in, so a service tells
 * it from its own clock and a test from a fake one.
 */
public final class ProgressLine {

    private final Consumer<String> log;
    private final String unit;
    private final long intervalMillis;
    private long lastMillis;
    private long lastCount;

    /**
     * @param log where the line goes (the service's logger at INFO)
     * @param unit what is counted, per second ("ops", "events")
     * @param nowMillis when counting starts
     */
    public ProgressLine(Consumer<String> log, String unit, long intervalMillis, long nowMillis) {
        this.log = log;
        this.unit = unit;
        this.intervalMillis = intervalMillis;
        this.lastMillis = nowMillis;
    }

    /** Logs the line if the interval has passed since the last one; {@code details} is asked only then. */
    public synchronized void logIfDue(long nowMillis, long count, Supplier<String> details) {
        long elapsed = nowMillis - lastMillis;
        if (elapsed < intervalMillis || elapsed <= 0) {
            return;
        }
        log.accept(String.format(Locale.ROOT, "progress: %.1f %s/s%s", (count - lastCount) * 1000.0 / elapsed, unit,
                details.get()));
        lastCount = count;
        lastMillis = nowMillis;
    }
}
