package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What /metrics reports equals what the database holds, per schema and table; and a rate is held, not exceeded in a
 * burst.
 */
@Timeout(120)
class MetricsEndpointTest {

    private static final String ROWS = "generator_committed_rows_total";

    /** With the inventory dataset: its inventory.orders must not be confused with the generator's public.orders. */
    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start(0, true);
    private static final Tables tables = new Tables(pg);

    @Test
    void scrapedCountersEqualTheDatabaseAndTheRateIsHeld() throws Exception {
        Map<String, Long> statsBefore = tables.statistics();
        try (DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(Tables.environment(pg,
                "GENERATOR_RATE", "100", "GENERATOR_THREADS", "2", "GENERATOR_MAX_OPS", "150")))) {
            long start = System.nanoTime();
            generator.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            // 150 operations at 100/s: the last slot is 1.49 s after the first; a pacer that bursts ends far sooner.
            assertThat(seconds).isBetween(1.45, 15.0);

            PrometheusText metrics = PrometheusText.scrape("http://127.0.0.1:" + generator.metricsPort() + "/metrics");
            // keyed by the labels as scraped, schema.table/operation, so that a wrong schema label cannot match
            Map<String, Long> scraped = new HashMap<>();
            for (PrometheusText.Sample sample : metrics.named(ROWS)) {
                assertThat(sample.labels()).containsOnlyKeys("schema", "table", "operation");
                scraped.put(sample.labels().get("schema") + "." + sample.labels().get("table") + "/"
                        + sample.labels().get("operation"), (long) sample.value());
            }
            // the generator writes users and orders of schema public (pg_stat_user_tables below confirms where)
            assertThat(scraped).as("%s by schema.table/operation", ROWS).containsOnlyKeys(
                    RowChanges.TABLES.stream().flatMap(table -> RowChanges.OPERATIONS.stream()
                            .map(operation -> "public." + table + "/" + operation)).toList());
            assertThat(tables.rows("public.users"))
                    .isEqualTo(scraped.get("public.users/insert") - scraped.get("public.users/delete"));
            assertThat(tables.rows("public.orders"))
                    .isEqualTo(scraped.get("public.orders/insert") - scraped.get("public.orders/delete"));
            assertThat(scraped.get("public.users/insert")).isPositive();
            assertThat(scraped.get("public.orders/insert")).isPositive();
            // Updates leave no trace in row counts; PostgreSQL's statistics count them (exact in a run without errors),
            // per schema and table as PostgreSQL names them.
            Map<String, Long> expected = new HashMap<>(scraped);
            for (String operation : RowChanges.OPERATIONS) {
                expected.put("inventory.orders/" + operation, 0L);
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Tables.difference(tables.statistics(), statsBefore)).isEqualTo(expected));

            assertThat(metrics.value("generator_committed_transactions_total")).isEqualTo(150);
            assertThat(metrics.value("generator_transaction_duration_seconds_count")).isEqualTo(150);
            assertThat(metrics.value("generator_transaction_duration_seconds_bucket", "le", "+Inf")).isEqualTo(150);
            for (String kind : new String[] {"connect", "statement", "commit"}) {
                assertThat(metrics.value("generator_errors_total", "kind", kind)).isZero();
            }
            assertThat(scraped).isEqualTo(Tables.asMap(generator.counts()));
        }
    }
}
