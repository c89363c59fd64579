package io.github.cdcmonitoring.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pacing of the benchmark's sampling loops and warm-ups: a benchmark window is a fixed length of time by
 * definition. Waiting for a condition goes through repo-support's {@code Waits}.
 */
final class Pacing {

    private Pacing() {
    }

    static void pause(Duration interval) {
        LockSupport.parkNanos(interval.toNanos());
    }
}
