package io.github.cdcmonitoring.generator;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The request to stop, shared by all threads; its sleeps end early when a stop is requested. */
final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);

    void request() {
        requested.countDown();
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /**
     * Sleeps for {@code nanos} unless a stop is requested first.
     *
     * @return true if the full time passed, false if a stop was requested (or the thread interrupted)
     */
    boolean sleepNanos(long nanos) {
        if (nanos <= 0) {
            return !isRequested();
        }
        try {
            return !requested.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // An interrupt means the embedding code wants the generator gone: treat it as a stop request.
            Thread.currentThread().interrupt();
            request();
            return false;
        }
    }
}
