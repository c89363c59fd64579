package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.generator.CommitInterceptingProxy.Mode;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.testsupport.Background;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection breaks exactly at COMMIT, so the generator cannot tell from the error whether the transaction
 * committed. Counting it as failed (and retrying) or as committed would be wrong in one of the two cases below; the
 * committed counts stay exact only if the generator asks the server what happened.
 */
@Timeout(120)
class AmbiguousCommitTest {

    private static final int INTERCEPTIONS = 3;

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @Test
    void commitWhoseReplyWasLostIsCountedOnceAndNotRetried() throws Exception {
        RunResult result = runThroughProxy(Mode.LOSE_COMMIT_REPLY);

        assertThat(result.ambiguousCommitted).isEqualTo(INTERCEPTIONS);
        assertThat(result.ambiguousAborted).isZero();
    }

    @Test
    void commitThatNeverArrivedIsRetriedAndCountedOnlyOnce() throws Exception {
        RunResult result = runThroughProxy(Mode.SWALLOW_COMMIT);

        assertThat(result.ambiguousAborted).isEqualTo(INTERCEPTIONS);
        assertThat(result.ambiguousCommitted).isZero();
    }

    private record RunResult(long ambiguousCommitted, long ambiguousAborted) {
    }

    private RunResult runThroughProxy(Mode mode) throws Exception {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");
        try (CommitInterceptingProxy proxy = new CommitInterceptingProxy(pg.port());
             DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(Tables.environment(
                     "127.0.0.1", proxy.port(), pg, "GENERATOR_RATE", "100", "GENERATOR_THREADS", "2",
                     "GENERATOR_MIX", "users=30,orders=40,updates=15,deletes=5,signups=10")));
             Background run = Background.start("generator", generator::run, generator::stop)) {
            for (int i = 1; i <= INTERCEPTIONS; i++) {
                int expected = i;
                long committedSoFar = generator.counts().operations();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> generator.counts().operations() >= committedSoFar + 20);
                proxy.interceptNextCommit(mode);
                await().atMost(Duration.ofSeconds(20)).until(() -> proxy.intercepted() == expected);
            }
            long committedSoFar = generator.counts().operations();
            await().atMost(Duration.ofSeconds(10)).until(() -> generator.counts().operations() >= committedSoFar + 20);
            generator.stop();
            run.awaitFinished(Duration.ofSeconds(60));

            CommittedCounts counts = generator.counts();
            assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
            assertThat(tables.orphanOrders()).isZero();
            assertThat(generator.errors()).isGreaterThanOrEqualTo(INTERCEPTIONS);
            GeneratorMetrics metrics = generator.metrics();
            return new RunResult(metrics.ambiguousCommits(true), metrics.ambiguousCommits(false));
        }
    }
}
