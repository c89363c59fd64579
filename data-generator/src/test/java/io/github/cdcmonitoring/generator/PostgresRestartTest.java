package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.time.Duration;
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
        try (BackgroundRun run = new BackgroundRun(Tables.environment(pg,
                "GENERATOR_RATE", "0", "GENERATOR_MAX_OPS", "200"))) {
            Thread.sleep(2000);
            assertThat(run.operations()).isZero();
            pg.startAgain();

            run.awaitFinished(Duration.ofSeconds(60));
            CommittedCounts counts = run.generator.counts();
            assertThat(counts.operations()).isEqualTo(200);
            assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
        }
    }

    @Test
    void survivesRestartsWithExactCounts() throws Exception {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");
        try (BackgroundRun run = new BackgroundRun(Tables.environment(pg,
                "GENERATOR_RATE", "300", "GENERATOR_THREADS", "3", "GENERATOR_MAX_OPS", "2400"))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> run.operations() >= 300);
            pg.restart();
            long afterRestart = run.operations();
            await().atMost(Duration.ofSeconds(30)).until(() -> run.operations() >= afterRestart + 300);
            long errorsAfterRestart = run.generator.errors();

            pg.stop();
            Thread.sleep(2000);
            long whileDown = run.operations();
            Thread.sleep(500);
            assertThat(run.operations()).as("nothing commits while the server is down").isEqualTo(whileDown);
            pg.startAgain();

            run.awaitFinished(Duration.ofSeconds(60));
            assertThat(errorsAfterRestart).as("the restart broke some transactions").isPositive();
            assertThat(run.generator.errors()).as("the outage broke some more").isGreaterThan(errorsAfterRestart);

            CommittedCounts counts = run.generator.counts();
            assertThat(counts.operations()).isEqualTo(2400);
            assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
            assertThat(tables.orphanOrders()).isZero();
        }
    }
}
