package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A fixed number of mixed operations leaves the tables holding exactly what the committed counts say. */
@Timeout(120)
class MixedOperationsTest {

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @Test
    void fixedNumberOfMixedOperationsLeavesExactlyTheCountedRows() {
        Map<String, Long> statsBefore = tables.statistics();
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");

        CommittedCounts counts = runToCompletion("GENERATOR_RATE", "0", "GENERATOR_THREADS", "4",
                "GENERATOR_MAX_OPS", "1500");

        assertThat(counts.operations()).isEqualTo(1500);
        assertThat(counts.transactions()).isEqualTo(1500);
        assertTablesHoldExactly(counts, usersBefore, ordersBefore);
        // The default mix (users=20,orders=60,updates=15,deletes=5) must really produce every kind of change.
        for (String table : RowChanges.TABLES) {
            for (String operation : RowChanges.OPERATIONS) {
                assertThat(counts.rows(table, operation)).as(table + "/" + operation).isPositive();
            }
        }
        assertThat(counts.rows("orders", "insert")).isGreaterThan(counts.rows("users", "insert"));
        assertStatisticsCountExactly(counts, statsBefore);
    }

    @Test
    void batchedTransactionsAtFullSpeedAreCountedExactly() {
        Map<String, Long> statsBefore = tables.statistics();
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");

        // One thread: two batches that update and delete random rows can deadlock each other (PostgreSQL aborts one,
        // the generator retries it); this test is about counting batches, and expects a run without any failure.
        CommittedCounts counts = runToCompletion("GENERATOR_RATE", "0", "GENERATOR_THREADS", "1",
                "GENERATOR_BATCH_SIZE", "25", "GENERATOR_MAX_OPS", "1010",
                "GENERATOR_MIX", "users=20,orders=40,updates=15,deletes=10,signups=15");

        assertThat(counts.operations()).isEqualTo(1010);
        assertThat(counts.transactions()).isEqualTo(41); // 40 full batches of 25 and the remaining 10
        assertTablesHoldExactly(counts, usersBefore, ordersBefore);
        assertStatisticsCountExactly(counts, statsBefore);
    }

    @Test
    void signupsWriteOneUserAndOneOrderPerOperation() {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");

        CommittedCounts counts = runToCompletion("GENERATOR_RATE", "0", "GENERATOR_THREADS", "2",
                "GENERATOR_MAX_OPS", "300", "GENERATOR_MIX", "signups=100");

        assertThat(counts.rows("users", "insert")).isEqualTo(300);
        assertThat(counts.rows("orders", "insert")).isEqualTo(300);
        assertThat(tables.rows("users") - usersBefore).isEqualTo(300);
        assertThat(tables.rows("orders") - ordersBefore).isEqualTo(300);
    }

    @Test
    void anErrorNoRetryCanFixEndsTheRunAtOnce() {
        // cdc_capture, the connector's role, may read the tables but not write them: "permission denied" every time.
        Map<String, String> env = Tables.environment(pg, "GENERATOR_RATE", "0", "GENERATOR_MAX_OPS", "100",
                "PGUSER", "cdc_capture", "PGPASSWORD", pg.capturePassword());
        try (DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(env))) {
            long start = System.nanoTime();
            assertThatThrownBy(generator::run)
                    .isInstanceOf(GeneratorException.class)
                    .hasMessageContaining("permission denied");
            assertThat(System.nanoTime() - start).as("no retries for minutes").isLessThan(20_000_000_000L);
            assertThat(generator.counts().operations()).isZero();
        }
    }

    private static CommittedCounts runToCompletion(String... settings) {
        try (DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(
                Tables.environment(pg, settings)))) {
            generator.run();
            assertThat(generator.errors()).as("failed attempts in a run without disturbances").isZero();
            return generator.counts();
        }
    }

    private static void assertTablesHoldExactly(CommittedCounts counts, long usersBefore, long ordersBefore) {
        assertThat(tables.rows("users") - usersBefore).isEqualTo(counts.netRows("users"));
        assertThat(tables.rows("orders") - ordersBefore).isEqualTo(counts.netRows("orders"));
        assertThat(tables.orphanOrders()).isZero();
    }

    /** Without failures PostgreSQL's own statistics count the same rows, updates and deletes included. */
    private static void assertStatisticsCountExactly(CommittedCounts counts, Map<String, Long> statsBefore) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Tables.difference(tables.statistics(), statsBefore)).isEqualTo(Tables.asMap(counts)));
    }
}
