package io.github.cdcmonitoring.localstack;

import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.generator.DataGenerator;
import io.github.cdcmonitoring.testsupport.Background;
import java.time.Duration;

/**
 * The data generator writing in the background for the length of one fault: the test waits for its progress
 * (operations committed, not time) and stops it for its exact committed counts.
 */
final class GeneratorRun implements AutoCloseable {

    /** Plenty for the few hundred operations a fault test waits for at a rate of tens per second. */
    private static final Duration PROGRESS_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final DataGenerator generator;
    private final Background background;

    private GeneratorRun(DataGenerator generator) {
        this.generator = generator;
        this.background = Background.start("generator", generator::run, generator::stop);
    }

    static GeneratorRun start(DataGenerator generator) {
        return new GeneratorRun(generator);
    }

    /** Waits until {@code operations} more operations have been committed than when called. */
    void awaitMore(long operations) {
        long from = generator.counts().operations();
        await(operations + " more generator operations").atMost(PROGRESS_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (background.isFinished()) {
                        background.awaitFinished(Duration.ZERO); // rethrows why it ended
                        throw new AssertionError("the generator stopped by itself: " + generator.summary());
                    }
                    return generator.counts().operations() >= from + operations;
                });
    }

    /** Stops the generator once its transactions in flight are done; what it committed, exactly. */
    CommittedCounts stop() throws Exception {
        generator.stop();
        background.awaitFinished(STOP_WAIT);
        System.out.println("generator: " + generator.summary());
        return generator.counts();
    }

    @Override
    public void close() throws Exception {
        try {
            background.close();
        } finally {
            generator.close();
        }
    }
}
