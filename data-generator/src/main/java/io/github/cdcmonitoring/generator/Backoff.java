package io.github.cdcmonitoring.generator;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between retries, bounded by a deadline: starts at 100 ms, doubles up to 2 s, with jitter so that
 * the worker threads do not all hit a recovering server in the same millisecond.
 */
final class Backoff {

    private static final long FIRST_DELAY_NANOS = 100_000_000L;
    private static final long MAX_DELAY_NANOS = 2_000_000_000L;

    private final long deadlineNanos;
    private long delayNanos = FIRST_DELAY_NANOS;
    private int attempts;

    Backoff(Duration budget) {
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    /** Failed attempts so far. */
    int attempts() {
        return attempts;
    }

    /** The delay before the next attempt, in nanoseconds; counts an attempt. */
    long nextDelayNanos() {
        attempts++;
        long jittered = (long) (delayNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        delayNanos = Math.min(MAX_DELAY_NANOS, delayNanos * 2);
        return Math.min(jittered, Math.max(0, deadlineNanos - System.nanoTime()));
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /**
     * Sleeps before the next attempt even if a stop was requested: for work that must finish, such as learning whether
     * a commit went through.
     *
     * @return false if the deadline has passed or the thread was interrupted: give up
     */
    boolean sleepIgnoringStop() {
        if (expired()) {
            return false;
        }
        try {
            Thread.sleep(Duration.ofNanos(nextDelayNanos()).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
