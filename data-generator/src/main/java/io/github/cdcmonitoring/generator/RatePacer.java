package io.github.cdcmonitoring.generator;

import java.util.function.LongSupplier;

/**
 * Spreads operations evenly over time for all worker threads together: each operation reserves the next free time
 * slot, one interval after the previous one. A slot is never reserved in the past, so after a stall (a slow commit, a
 * database restart) the generator resumes at the configured rate instead of catching up with a burst; what was
 * missed stays missed.
 */
final class RatePacer {

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
        long slot = Math.max(nextSlot, clock.getAsLong());
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
