package io.github.cdcmonitoring.generator;

import java.util.function.LongSupplier;

/**
 * Spreads operations evenly over time for all worker threads together: each operation reserves the next free time
 * slot, one interval after the previous one. Slots up to {@link #CATCH_UP_NANOS} in the past are still handed out, so
 * the ordinary jitter of commits (every worker waiting on an fsync for a few milliseconds) is made up and the
 * configured rate is reached near the database's limit; after a longer stall (a database restart) the generator
 * resumes at the configured rate instead of catching up with a burst: what was missed beyond that stays missed.
 */
final class RatePacer {

    /** How far behind the clock the next slot may be: a burst after a stall is at most this long. */
    static final long CATCH_UP_NANOS = 100_000_000L;

    private final long intervalNanos;
    private final LongSupplier clock;
    private long nextSlot;

    /** @param ratePerSecond operations per second, greater than 0 */
    RatePacer(double ratePerSecond, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / ratePerSecond));
        this.clock = nanoClock;
        this.nextSlot = nanoClock.getAsLong();
    }

    /** Reserves the next slot and returns its time on the clock. */
    synchronized long reserveSlot() {
        long slot = Math.max(nextSlot, clock.getAsLong() - CATCH_UP_NANOS);
        nextSlot = slot + intervalNanos;
        return slot;
    }

    /**
     * Waits for this thread's next slot.
     *
     * @return false if a stop was requested while waiting
     */
    boolean awaitSlot(StopSignal stop) {
        long slot = reserveSlot();
        return stop.sleepNanos(slot - clock.getAsLong());
    }
}
