package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.testsupport.Background;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PostgreSQL goes away twice while the generator writes; it recovers by itself and its counts stay exact. */
@Timeout(120)
class PostgresRestartTest {

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @Test
    void waitsForTheDatabaseAtStart() throws Exception {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");
        pg.stop();
        try (DataGenerator generator = generator("GENERATOR_RATE", "0", "GENERATOR_MAX_OPS", "200");
             Background run = Background.start("generator", generator::run, generator::stop)) {
            // While the server is down, a socket on its port that hangs up on every client counts the generator's
            // attempts: two of them prove it is waiting and retrying, not merely slow to start.
            try (AttemptCounter attempts = new AttemptCounter(pg.port())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> attempts.count() >= 2);
                assertThat(generator.counts().operations()).isZero();
                assertThat(run.isFinished()).as("still waiting for the database").isFalse();
            }
            pg.startAgain();

            run.awaitFinished(Duration.ofSeconds(60));
            CommittedCounts counts = generator.counts();
            assertThat(counts.operations()).isEqualTo(200);
            assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
        }
    }

    @Test
    void survivesRestartsWithExactCounts() throws Exception {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");
        try (DataGenerator generator = generator("GENERATOR_RATE", "300", "GENERATOR_THREADS", "3",
                "GENERATOR_MAX_OPS", "2400");
             Background run = Background.start("generator", generator::run, generator::stop)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> generator.counts().operations() >= 300);
            pg.restart();
            long afterRestart = generator.counts().operations();
            await().atMost(Duration.ofSeconds(30)).until(() -> generator.counts().operations() >= afterRestart + 300);
            long errorsAfterRestart = generator.errors();

            pg.stop();
            // Each worker's attempt fails while the server is down: once every worker has failed (and retried), no
            // transaction can be in flight, and from then on the count must stand still across further failures.
            await().atMost(Duration.ofSeconds(30)).until(() -> generator.errors() >= errorsAfterRestart + 3);
            long whileDown = generator.counts().operations();
            long errorsWhileDown = generator.errors();
            await().atMost(Duration.ofSeconds(30)).until(() -> generator.errors() >= errorsWhileDown + 3);
            assertThat(generator.counts().operations()).as("nothing commits while the server is down")
                    .isEqualTo(whileDown);
            pg.startAgain();

            run.awaitFinished(Duration.ofSeconds(60));
            assertThat(errorsAfterRestart).as("the restart broke some transactions").isPositive();
            assertThat(generator.errors()).as("the outage broke some more").isGreaterThan(errorsAfterRestart);

            CommittedCounts counts = generator.counts();
            assertThat(counts.operations()).isEqualTo(2400);
            assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
            assertThat(tables.orphanOrders()).isZero();
        }
    }

    private static DataGenerator generator(String... settings) {
        return new DataGenerator(GeneratorConfig.fromEnvironment(Tables.environment(pg, settings)));
    }

    /** Accepts connections on a port and closes each at once, counting them. */
    private static final class AttemptCounter implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger count = new AtomicInteger();

        AttemptCounter(int port) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        count.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "attempt-counter");
            thread.setDaemon(true);
            thread.start();
        }

        int count() {
            return count.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
