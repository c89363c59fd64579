package io.github.cdcmonitoring.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    @Test
    void closeStopsTheWorkAndWaitsForIt() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Background run = Background.start("waiting", () -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, stop::countDown);
        assertThat(run.isFinished()).isFalse();

        run.close();

        assertThat(run.isFinished()).isTrue();
    }

    @Test
    void whatTheWorkThrowsIsRethrown() {
        Background run = Background.start("failing", () -> {
            throw new IllegalStateException("boom");
        }, () -> { });

        assertThatThrownBy(() -> run.awaitFinished(Duration.ofSeconds(10))).hasMessage("boom");
    }
}
