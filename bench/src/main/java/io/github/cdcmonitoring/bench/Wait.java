package io.github.cdcmonitoring.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waiting: every wait of the benchmark has a limit and says what it waited for when it runs out. */
final class Wait {

    private Wait() {
    }

    /** Polls {@code condition} every {@code interval} until true; throws naming {@code what} after {@code limit}. */
    static void until(String what, Duration limit, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up after " + limit.toSeconds() + " s waiting for " + what);
            }
            pause(interval);
        }
    }

    /** Polls like {@link #until} but returns false instead of throwing when the limit passes. */
    static boolean within(Duration limit, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(interval);
        }
        return true;
    }

    /** The pacing of sampling loops (a benchmark window is a fixed length of time by definition). */
    static void pause(Duration interval) {
        LockSupport.parkNanos(interval.toNanos());
    }
}
