package io.github.cdcmonitoring.testsupport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Work running on its own daemon thread while a test does something else (disturbs the database, kills Connect),
 * stopped through the work's own stop action. The one way the tests run a data generator in the background.
 *
 * <pre>{@code
 * try (Background run = Background.start("generator", generator::run, generator::stop)) {
 *     await().until(() -> generator.counts().operations() >= 300);
 * }   // stop action, then waits (bounded) for run() to return and rethrows what it threw
 * }</pre>
 */
public final class Background implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Runnable stop;
    private final String name;

    private Background(String name, Runnable stop) {
        this.name = name;
        this.stop = stop;
    }

    public static Background start(String name, Runnable work, Runnable stop) {
        Background background = new Background(name, stop);
        Thread thread = new Thread(() -> {
            try {
                work.run();
                background.done.complete(null);
            } catch (Throwable e) {
                background.done.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return background;
    }

    public boolean isFinished() {
        return done.isDone();
    }

    /** Waits until the work returns by itself; rethrows what it threw; fails after {@code limit}. */
    public void awaitFinished(Duration limit) throws Exception {
        try {
            done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + " still running after " + limit, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Runs the stop action, then waits (60 s at most) for the work to return. */
    @Override
    public void close() throws Exception {
        stop.run();
        awaitFinished(STOP_WAIT);
    }
}
