package io.github.cdcmonitoring.localstack;

/** Sleeping in the harness's bounded wait loops, where an interrupt means: give up the wait. */
final class Pause {

    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
