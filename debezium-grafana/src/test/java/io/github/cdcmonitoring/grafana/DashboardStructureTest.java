package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.DotEnv;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped dashboards themselves, read from debezium-grafana/dashboards/, against the rules of DashboardChecks. */
class DashboardStructureTest {

    private static List<DashboardFile> dashboards;

    @BeforeAll
    static void load() {
        dashboards = Shipped.dashboards();
    }

    @Test
    void theSixDashboardsOfTheContractAreShippedWithTheirUids() {
        Map<String, String> found = new java.util.TreeMap<>();
        for (DashboardFile d : dashboards) {
            found.put(d.path().getFileName().toString(), d.uid());
        }
        assertThat(found).isEqualTo(new java.util.TreeMap<>(Shipped.DASHBOARD_UIDS));
    }

    @Test
    void everyDashboardFollowsTheStructureRules() {
        String uid = Shipped.provisionedDatasourceUid();
        Map<String, List<String>> tags = Shipped.tagsByUid(dashboards);
        List<String> problems = new ArrayList<>();
        for (DashboardFile d : dashboards) {
            problems.addAll(DashboardChecks.problems(d, uid, tags));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void schemaVersionIsTheOneOfThePinnedGrafana() {
        DotEnv env = Shipped.REPO.dotEnv();
        String version = env.asMap().get("GRAFANA_VERSION");
        assertThat(version)
                .as(".env must pin GRAFANA_VERSION (the tag of the grafana image in docker-compose.yml)")
                .isNotBlank();
        int expected = GrafanaSchemaVersions.forGrafana(version);
        for (DashboardFile d : dashboards) {
            assertThat(d.schemaVersion()).as(d + " schemaVersion for Grafana " + version).isEqualTo(expected);
        }
    }

    @Test
    void everyDashboardHasQueriesAndTheOverviewShowsTheWholePipeline() {
        for (DashboardFile d : dashboards) {
            assertThat(d.queries()).as(d.toString()).isNotEmpty();
        }
        DashboardFile overview = dashboards.stream().filter(d -> "cdc-overview".equals(d.uid())).findFirst()
                .orElseThrow();
        String all = String.join("\n", overview.queries().stream().map(PanelQuery::expr).toList());
        // One screen from the database write to the consumer: Connect state, Debezium connection, end-to-end latency,
        // written vs captured, the slot's retained WAL and the firing alerts.
        assertThat(all).contains("kafka_connect_connector_status", "kafka_connect_connector_task_status",
                "debezium_metrics_connected", "cdc_end_to_end_latency_seconds_bucket",
                "generator_committed_rows_total", "cdc_change_events_total", "pg_replication_slots_pg_wal_lsn_diff",
                "ALERTS{alertstate=\"firing\"}");
    }

    @Test
    void noQueryUsesTheServerLabelOrMetricsMissingFromOlderExporters() {
        // postgres_exporter 0.18+ dropped the `server` label, and the pg_replication_slot_* series of 0.18-0.19 (the line
        // .env pins) are renamed pg_replication_slots_* in 0.20: a panel on them would go empty when the pin moves on.
        // The names used are those every version since 0.11 exports; the WAL position comes from queries.yml.
        for (DashboardFile d : dashboards) {
            for (PanelQuery q : d.queries()) {
                assertThat(q.expr()).as(q.describe())
                        .doesNotContainPattern("\\bserver\\s*(=|!=|=~|!~)")
                        .doesNotContainPattern("(by|without|on|ignoring)\\s*\\([^)]*\\bserver\\b")
                        .doesNotContainPattern("\\bpg_wal_\\w+")
                        .doesNotContainPattern("\\bpg_replication_slot_\\w+");
            }
        }
    }

    @Test
    void tablesAreToldApartBySchemaAndTable() throws IOException {
        // public.orders and inventory.orders share the table name: grouping or matching on `table` alone adds them
        // together, and a legend of {{table}} alone draws two lines with one name. (debezium_metrics_rows_scanned
        // carries the qualified name in `table` itself and is never grouped by it.)
        Pattern grouping = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
        List<String> problems = new ArrayList<>();
        for (DashboardFile d : dashboards) {
            for (JsonNode target : new ObjectMapper().readTree(d.path().toFile()).findParents("expr")) {
                String expr = target.path("expr").asText();
                String legend = target.path("legendFormat").asText("");
                Matcher m = grouping.matcher(expr);
                boolean byTable = false;
                while (m.find()) {
                    List<String> labels = List.of(m.group(1).replace(" ", "").split(","));
                    if (labels.contains("table")) {
                        byTable = true;
                        if (!labels.contains("schema")) {
                            problems.add(d.path().getFileName() + ": " + expr + " groups by table without schema");
                        }
                    }
                }
                if (byTable && !legend.contains("{{schema}}.{{table}}")) {
                    problems.add(d.path().getFileName() + ": legend '" + legend + "' of " + expr
                            + " does not name {{schema}}.{{table}}");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Series of one connector, by the label that names it: Debezium's topic prefix, Connect's name, the slot. */
    private static final Map<Pattern, String> PER_CONNECTOR = Map.of(
            Pattern.compile("\\bdebezium_metrics_\\w+"), "name",
            Pattern.compile("\\bkafka_connect_(connector_\\w+|source_task_\\w+|task_error_\\w+|worker_connector_\\w+_task_count|producer_\\w+)"),
            "connector",
            Pattern.compile("\\b(pg_replication_slots_\\w+|cdc_slot_\\w+)"), "slot_name");
    private static final Pattern AGGREGATION =
            Pattern.compile("\\b(sum|min|max|avg|count|group|stddev|stdvar|topk|bottomk|quantile)\\s*(?:by\\s*\\(([^)]*)\\)\\s*)?\\(");

    /**
     * Several connectors (register-postgresql.json and, with the inventory dataset, register-inventory.json): every
     * aggregation over one connector's series keeps the label that names the connector ({@code by (name)},
     * {@code by (connector)}, {@code by (slot_name)}), so no panel adds two connectors together, and the legend of
     * every query over such series names it ({{name}}, {{connector}}, {{slot_name}}), so the two lines can be told
     * apart. DashboardQueriesTest (native/local-stack) runs each such query for each connector on a live stack.
     */
    @Test
    void perConnectorSeriesAreNeverAggregatedAcrossConnectorsAndTheirLegendsNameTheConnector() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (DashboardFile d : dashboards) {
            for (JsonNode target : new ObjectMapper().readTree(d.path().toFile()).findParents("expr")) {
                String expr = target.path("expr").asText();
                String legend = target.path("legendFormat").asText("");
                Matcher aggregation = AGGREGATION.matcher(expr);
                while (aggregation.find()) {
                    String argument = argument(expr, aggregation.end() - 1);
                    for (String label : connectorLabels(argument)) {
                        List<String> by = aggregation.group(2) == null ? List.of()
                                : List.of(aggregation.group(2).replace(" ", "").split(","));
                        if (!by.contains(label)) {
                            problems.add(d.path().getFileName() + ": " + aggregation.group(1) + " over " + argument
                                    + " does not keep `" + label + "` (adds connectors together)");
                        }
                    }
                }
                for (String label : connectorLabels(expr)) {
                    checked++;
                    if (!legend.contains("{{" + label + "}}")) {
                        problems.add(d.path().getFileName() + ": legend '" + legend + "' of " + expr
                                + " does not name {{" + label + "}}");
                    }
                }
            }
        }
        assertThat(checked).as("queries over per-connector series").isGreaterThan(50);
        assertThat(problems).isEmpty();
    }

    private static List<String> connectorLabels(String expr) {
        List<String> labels = new ArrayList<>();
        PER_CONNECTOR.forEach((metric, label) -> {
            if (metric.matcher(expr).find() && !labels.contains(label)) {
                labels.add(label);
            }
        });
        return labels;
    }

    /** The text inside the parenthesis that opens at {@code open}. */
    private static String argument(String expr, int open) {
        int depth = 0;
        for (int i = open; i < expr.length(); i++) {
            char c = expr.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0) {
                return expr.substring(open + 1, i);
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in " + expr);
    }
}
