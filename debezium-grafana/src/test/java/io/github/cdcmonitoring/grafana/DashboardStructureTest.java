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
}
