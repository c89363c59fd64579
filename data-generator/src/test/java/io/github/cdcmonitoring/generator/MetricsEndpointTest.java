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

/** What /metrics reports equals what the database holds; and a rate is held, not exceeded in a burst. */
@Timeout(120)
class MetricsEndpointTest {

    private static final String ROWS = "generator_committed_rows_total";

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
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
            Map<String, Long> scraped = new HashMap<>();
            for (String table : RowChanges.TABLES) {
                for (String operation : RowChanges.OPERATIONS) {
                    scraped.put(table + "/" + operation,
                            (long) metrics.value(ROWS, "table", table, "operation", operation));
                }
            }
            assertThat(tables.rows("users")).isEqualTo(scraped.get("users/insert") - scraped.get("users/delete"));
            assertThat(tables.rows("orders")).isEqualTo(scraped.get("orders/insert") - scraped.get("orders/delete"));
            assertThat(scraped.get("users/insert")).isPositive();
            assertThat(scraped.get("orders/insert")).isPositive();
            // Updates leave no trace in row counts; PostgreSQL's statistics count them (exact in a run without errors).
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Tables.difference(tables.statistics(), statsBefore)).isEqualTo(scraped));

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
