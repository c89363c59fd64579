package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a panel's shipped query answers in the cases the panel exists for, checked by Prometheus's own engine:
 * {@code promtool test rules} evaluates the query, taken from the dashboard file, on input series made for the case.
 * The live test (DashboardQueriesTest) proves every query returns data; this one proves it returns the right data.
 */
class PanelSemanticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's variables as a user who selects "All" over the last 10 minutes resolves them. */
    private static final Map<String, String> VALUES = Map.of("__rate_interval", "1m", "__range", "10m",
            "table", ".*", "slot", ".*", "name", ".*", "connector", ".*");

    /** Writes to public.orders, all captured; writes to inventory.orders, none captured (the connector misses it). */
    private static final List<String> WRITTEN_AND_CAPTURED = List.of(
            "generator_committed_rows_total{schema=\"public\",table=\"orders\",operation=\"insert\"}|0+100x10",
            "generator_committed_rows_total{schema=\"inventory\",table=\"orders\",operation=\"insert\"}|0+10x10",
            "cdc_change_events_total{schema=\"public\",table=\"orders\",op=\"c\",topic=\"cdc.public.orders\"}|0+100x10");

    @Test
    void writtenButNotCapturedShowsATableThatHasNoCapturedSeriesApartFromItsNamesake(@TempDir Path dir)
            throws Exception {
        // increase(...[5m]) at 10m on 1-minute samples: 5 minutes at 100 and 10 per minute, so 500 and 50 (left-open
        // window of 4 intervals, extrapolated to the window's 5 minutes). public.orders: 500 - 500; inventory.orders
        // has no captured series at all and must still show its 50, not vanish or merge into public.orders.
        for (String[] panel : List.of(new String[] {"cdc-overview", "Written but not yet captured (5 min)"},
                new String[] {"cdc-data-flow", "Written but not yet consumed (5 min)"})) {
            assertThat(evaluate(dir, query(panel[0], panel[1]), WRITTEN_AND_CAPTURED,
                    Map.of("{schema=\"public\",table=\"orders\"}", "0", "{schema=\"inventory\",table=\"orders\"}", "50")))
                    .as(panel[0] + " / " + panel[1]).isEqualTo("SUCCESS");
        }
    }

    @Test
    void retainedWalShareUsesEachServersOwnLimitAndNoneWhenUnlimited(@TempDir Path dir) throws Exception {
        // Two servers: a's slot retains 1 GiB of a 2 GiB limit; b's retains 1 GiB with no limit (-1): a shows 0.5,
        // b shows nothing (neither NaN nor a share of a's limit).
        List<String> series = List.of(
                "pg_replication_slots_pg_wal_lsn_diff{instance=\"a\",slot_name=\"debezium_slot\",database=\"x\"}|1073741824x10",
                "pg_replication_slots_pg_wal_lsn_diff{instance=\"b\",slot_name=\"debezium_slot\",database=\"y\"}|1073741824x10",
                "pg_settings_max_slot_wal_keep_size_bytes{instance=\"a\"}|2147483648x10",
                "pg_settings_max_slot_wal_keep_size_bytes{instance=\"b\"}|-1x10");
        assertThat(evaluate(dir, query("postgres-replication", "Retained WAL / max_slot_wal_keep_size"), series,
                Map.of("{instance=\"a\",slot_name=\"debezium_slot\"}", "0.5"))).isEqualTo("SUCCESS");
    }

    @Test
    void erroneousEventsCountOnlyTheSelectedRange(@TempDir Path dir) throws Exception {
        // 7 erroneous events long before the range, none in it: the stat shows 0, not the lifetime 7.
        List<String> series = List.of("debezium_metrics_erroneous_events_total{name=\"cdc\",context=\"streaming\"}|7x30");
        assertThat(evaluate(dir, query("debezium-connector", "Erroneous events in range"), series,
                Map.of("{name=\"cdc\"}", "0"))).isEqualTo("SUCCESS");
    }

    @Test
    void rebalancesInRangeCountAcrossAWorkerRestart(@TempDir Path dir) throws Exception {
        // The worker's counter stands at 3, the worker restarts (0) and rebalances once more: 4 in the range. Read as a
        // gauge with delta() the restart makes this 1 (or negative); the counter's first sample in the window is 0, so
        // increase() has nothing to extrapolate and the figure is exact.
        List<String> series = List.of("kafka_connect_worker_rebalance_completed_rebalances_total"
                + "{job=\"connect\",instance=\"w\"}|0 0 1 2 3 0 0 1 1 1 1");
        assertThat(evaluate(dir, query("kafka-connect", "Rebalances in range", "A"), series, Map.of("{}", "4")))
                .isEqualTo("SUCCESS");
    }

    @Test
    void slotWalStatusShowsEachSlotsCurrentStateNotAnEarlierOne(@TempDir Path dir) throws Exception {
        // Slot a was reserved, then unreserved, and is lost at 9m (each earlier series goes stale as queries.yml stops
        // reporting it); slot b stays extended. The stat's value mappings read 3 as lost and 1 as extended.
        List<String> series = List.of(
                "cdc_slot_wal_status{slot_name=\"a\",database=\"x\",wal_status=\"reserved\"}|1 1 1 1 1 stale",
                "cdc_slot_wal_status{slot_name=\"a\",database=\"x\",wal_status=\"unreserved\"}|_ _ _ _ _ 1 1 1 1 stale",
                "cdc_slot_wal_status{slot_name=\"a\",database=\"x\",wal_status=\"lost\"}|_ _ _ _ _ _ _ _ _ 1 1",
                "cdc_slot_wal_status{slot_name=\"b\",database=\"x\",wal_status=\"extended\"}|1x10");
        for (String dashboard : List.of("postgres-replication", "cdc-overview")) {
            assertThat(evaluate(dir, query(dashboard, "Slot WAL status"), series,
                    Map.of("{slot_name=\"a\"}", "3", "{slot_name=\"b\"}", "1"))).as(dashboard).isEqualTo("SUCCESS");
        }
    }

    /** The resolved expr of the one query of the titled panel of the dashboard with this uid. */
    private static String query(String uid, String panelTitle) {
        return query(uid, panelTitle, null);
    }

    /** The resolved expr of the titled panel's query with this refId (null: its only query). */
    private static String query(String uid, String panelTitle, String refId) {
        List<PanelQuery> found = Shipped.dashboards().stream().filter(d -> d.uid().equals(uid))
                .flatMap(d -> d.queries().stream()).filter(q -> q.panelTitle().equals(panelTitle))
                .filter(q -> refId == null || q.refId().equals(refId)).toList();
        assertThat(found).as(uid + " / " + panelTitle + " / " + refId).hasSize(1);
        return found.get(0).resolve(new HashMap<>(VALUES));
    }

    /** "SUCCESS", or promtool's report of what the expression returned instead, at 10m of 1-minute samples. */
    private static String evaluate(Path dir, String expr, List<String> series, Map<String, String> expected)
            throws Exception {
        StringBuilder yaml = new StringBuilder("rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
                + "    input_series:\n");
        for (String s : series) {
            String[] parts = s.split("\\|");
            yaml.append("      - series: ").append(JSON.writeValueAsString(parts[0])).append('\n')
                    .append("        values: ").append(JSON.writeValueAsString(parts[1])).append('\n');
        }
        yaml.append("    promql_expr_test:\n      - expr: ").append(JSON.writeValueAsString(expr)).append('\n')
                .append("        eval_time: 10m\n        exp_samples:\n");
        for (Map.Entry<String, String> sample : expected.entrySet()) {
            yaml.append("          - labels: ").append(JSON.writeValueAsString(sample.getKey()))
                    .append("\n            value: ").append(sample.getValue()).append('\n');
        }
        Path file = dir.resolve("panel.test.yml");
        Files.writeString(file, yaml);
        Process process = new ProcessBuilder(PromqlSyntaxTest.promtool(), "test", "rules", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return process.exitValue() == 0 && output.contains("SUCCESS") ? "SUCCESS" : output;
    }
}
