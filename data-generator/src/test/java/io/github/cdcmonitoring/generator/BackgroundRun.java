package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A generator running on its own thread while a test disturbs the database. */
final class BackgroundRun implements AutoCloseable {

    final DataGenerator generator;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    BackgroundRun(Map<String, String> env) {
        generator = new DataGenerator(GeneratorConfig.fromEnvironment(env));
        Thread thread = new Thread(() -> {
            try {
                generator.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "test-generator");
        thread.setDaemon(true);
        thread.start();
    }

    long operations() {
        return generator.counts().operations();
    }

    /** Waits for run() to return normally. */
    void awaitFinished(Duration limit) throws Exception {
        done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(done).isCompleted();
    }

    @Override
    public void close() throws Exception {
        generator.stop();
        try {
            done.get(60, TimeUnit.SECONDS);
        } finally {
            generator.close();
        }
    }
}
