package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reader the live test relies on, on the shipped files. */
class DashboardFileTest {

    private static DashboardFile byUid(String uid) {
        return Shipped.dashboards().stream().filter(d -> uid.equals(d.uid())).findFirst().orElseThrow();
    }

    @Test
    void listsEveryQueryWithItsDashboardPanelAndRefId() {
        DashboardFile dataFlow = byUid("cdc-data-flow");
        List<PanelQuery> queries = dataFlow.queries();
        long targets = dataFlow.json().path("panels").findValues("targets").stream().mapToLong(t -> t.size()).sum();
        assertThat(queries).hasSize((int) targets);
        assertThat(queries).allSatisfy(q -> {
            assertThat(q.dashboardTitle()).isEqualTo("Data flow");
            assertThat(q.dashboardUid()).isEqualTo("cdc-data-flow");
            assertThat(q.panelTitle()).isNotBlank();
            assertThat(q.refId()).matches("[A-Z]");
            assertThat(q.expr()).isNotBlank();
        });
        assertThat(queries).anySatisfy(q -> assertThat(q.describe()).isEqualTo("Data flow / Consumer lag / A"));
    }

    @Test
    void listsPanelsWithPositionUnitDescriptionAndDatasource() {
        DashboardFile overview = byUid("cdc-overview");
        DashboardFile.Panel first = overview.panels().get(0);
        assertThat(first.isRow()).isTrue();
        DashboardFile.Panel connector = overview.panels().get(1);
        assertThat(connector.title()).isEqualTo("Connector state");
        assertThat(connector.type()).isEqualTo("stat");
        assertThat(connector.gridPos()).isEqualTo(new DashboardFile.GridPos(0, 1, 4, 4));
        assertThat(connector.unit()).isEqualTo("none");
        assertThat(connector.description()).contains("RUNNING");
        assertThat(connector.datasource()).isEqualTo(new DashboardFile.Datasource("prometheus", "prometheus", null));
        assertThat(connector.links()).containsExactly("/d/kafka-connect");
    }

    @Test
    void listsVariablesAndResolvesQueriesWithTheirValues() {
        DashboardFile debezium = byUid("debezium-connector");
        assertThat(debezium.variables()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("name");
            assertThat(v.query()).isEqualTo("label_values(debezium_metrics_connected, name)");
        });
        PanelQuery events = debezium.queries().stream().filter(q -> q.panelTitle().equals("Events by operation"))
                .findFirst().orElseThrow();
        assertThat(events.referencedVariables()).containsExactlyInAnyOrder("name", "__rate_interval");
        assertThat(events.resolve(Map.of("name", "cdc", "__rate_interval", "1m"))).isEqualTo(
                "sum by (name) (rate(debezium_metrics_create_events_seen_total{context=\"streaming\",name=~\"cdc\"}[1m]))");
        assertThatThrownBy(() -> events.resolve(Map.of("__rate_interval", "1m")))
                .hasMessageContaining("Debezium connector / Events by operation / A").hasMessageContaining("$name");
    }

    @Test
    void readsAllVariableSyntaxes() {
        assertThat(PanelQuery.variablesIn("x{a=\"$a\",b=\"${b}\",c=\"${c:regex}\",d=\"[[d]]\"}[$__rate_interval]"))
                .containsExactly("a", "b", "c", "d", "__rate_interval");
    }

    @Test
    void readsPanelsOfCollapsedRowsAndObjectVariableQueries() {
        // Shapes the shipped files do not use but Grafana writes: a collapsed row holding its panels, a variable
        // query stored as an object, a datasource given by name.
        String json = """
                {"uid": "x", "title": "X", "panels": [
                  {"id": 1, "type": "row", "title": "R", "collapsed": true, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
                   "panels": [{"id": 2, "type": "stat", "title": "Inner", "gridPos": {"x": 0, "y": 1, "w": 6, "h": 4},
                               "datasource": "Prometheus",
                               "targets": [{"refId": "A", "expr": "up{job=~\\\"$job\\\"}", "instant": true}]}]}],
                 "templating": {"list": [{"name": "job", "type": "query",
                   "query": {"query": "label_values(up, job)", "refId": "PrometheusVariableQueryEditor-VariableQuery"}}]}}
                """;
        DashboardFile d = DashboardFile.parse(java.nio.file.Path.of("x.json"), json);
        assertThat(d.panels()).extracting(DashboardFile.Panel::title).containsExactly("R", "Inner");
        assertThat(d.panels().get(0).collapsed()).isTrue();
        assertThat(d.panels().get(1).datasource().legacyName()).isEqualTo("Prometheus");
        assertThat(d.queries()).singleElement().satisfies(q -> {
            assertThat(q.describe()).isEqualTo("X / Inner / A");
            assertThat(q.instant()).isTrue();
            assertThat(q.resolve(Map.of("job", "connect"))).isEqualTo("up{job=~\"connect\"}");
        });
        assertThat(d.variables()).singleElement().satisfies(v -> assertThat(v.query()).isEqualTo("label_values(up, job)"));
    }
}
