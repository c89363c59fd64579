package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the structure checks can fail: deliberately broken copies of the shipped dashboards (changed in memory, the
 * files are untouched) are each rejected with a problem that names what is wrong.
 */
class BrokenDashboardTest {

    private static final String UID = "prometheus";
    private static Map<String, List<String>> tags;
    private static DashboardFile overview;
    private static DashboardFile debezium;

    @BeforeAll
    static void load() {
        List<DashboardFile> dashboards = Shipped.dashboards();
        tags = Shipped.tagsByUid(dashboards);
        overview = dashboards.stream().filter(d -> "cdc-overview".equals(d.uid())).findFirst().orElseThrow();
        debezium = dashboards.stream().filter(d -> "debezium-connector".equals(d.uid())).findFirst().orElseThrow();
    }

    /** The problems of a copy of {@code original} after {@code change}. */
    private static List<String> problemsAfter(DashboardFile original, Consumer<ObjectNode> change) {
        ObjectNode copy = original.json();
        change.accept(copy);
        return DashboardChecks.problems(DashboardFile.parse(original.path(), copy.toString()), UID, tags);
    }

    /** The first non-row panel with a query (the overview's "Connector state"). */
    private static ObjectNode firstQueryPanel(ObjectNode dashboard) {
        for (JsonNode panel : dashboard.withArray("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                return (ObjectNode) panel;
            }
        }
        throw new IllegalStateException("no panel");
    }

    private static ObjectNode secondQueryPanel(ObjectNode dashboard) {
        ObjectNode first = firstQueryPanel(dashboard);
        boolean seen = false;
        for (JsonNode panel : dashboard.withArray("panels")) {
            if (panel == first) {
                seen = true;
            } else if (seen && !"row".equals(panel.path("type").asText())) {
                return (ObjectNode) panel;
            }
        }
        throw new IllegalStateException("no second panel");
    }

    @Test
    void theUnchangedCopyPasses() {
        assertThat(problemsAfter(overview, d -> { })).isEmpty();
        assertThat(problemsAfter(debezium, d -> { })).isEmpty();
    }

    @Test
    void duplicatePanelIdIsRejected() {
        assertThat(problemsAfter(overview, d -> secondQueryPanel(d).set("id", firstQueryPanel(d).get("id"))))
                .anySatisfy(p -> assertThat(p).contains("duplicate panel id"));
    }

    @Test
    void duplicatePanelTitleIsRejected() {
        assertThat(problemsAfter(overview, d -> secondQueryPanel(d).set("title", firstQueryPanel(d).get("title"))))
                .anySatisfy(p -> assertThat(p).contains("duplicate panel title"));
    }

    @Test
    void overlappingPanelsAreRejected() {
        assertThat(problemsAfter(overview, d -> secondQueryPanel(d).set("gridPos", firstQueryPanel(d).get("gridPos")
                .deepCopy()))).anySatisfy(p -> assertThat(p).contains("overlaps"));
        // A panel moved onto a row's line overlaps the row.
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).get("gridPos")).put("y", 0)))
                .anySatisfy(p -> assertThat(p).contains("overlaps").contains("Is every change arriving?"));
    }

    @Test
    void panelOutsideTheGridIsRejected() {
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).get("gridPos")).put("x", 22)))
                .anySatisfy(p -> assertThat(p).contains("outside the 24-column grid"));
    }

    @Test
    void otherDatasourceIsRejected() {
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).withArray("targets").get(0))
                .putObject("datasource").put("type", "prometheus").put("uid", "PBFA97CFB590B2093")))
                .anySatisfy(p -> assertThat(p).contains("query A datasource").contains("PBFA97CFB590B2093"));
        assertThat(problemsAfter(overview, d -> firstQueryPanel(d).remove("datasource")))
                .anySatisfy(p -> assertThat(p).contains("datasource: missing"));
    }

    @Test
    void angularPanelTypeIsRejected() {
        assertThat(problemsAfter(overview, d -> firstQueryPanel(d).put("type", "graph")))
                .anySatisfy(p -> assertThat(p).contains("panel type graph"));
    }

    @Test
    void missingDescriptionOrUnitIsRejected() {
        assertThat(problemsAfter(overview, d -> firstQueryPanel(d).remove("description")))
                .anySatisfy(p -> assertThat(p).contains("no description"));
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).get("fieldConfig").get("defaults"))
                .remove("unit"))).anySatisfy(p -> assertThat(p).contains("no unit"));
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).get("fieldConfig").get("defaults"))
                .put("unit", "secs"))).anySatisfy(p -> assertThat(p).contains("unit secs is not a known"));
    }

    @Test
    void undefinedVariableIsRejected() {
        assertThat(problemsAfter(overview, d -> {
            ObjectNode target = (ObjectNode) firstQueryPanel(d).withArray("targets").get(0);
            target.put("expr", "pg_up{instance=~\"$instance\"}");
        })).anySatisfy(p -> assertThat(p).contains("uses $instance, which the dashboard does not define"));
    }

    @Test
    void variableNoQueryUsesIsRejected() {
        // The seed's mistake: a connector variable that selects nothing because no query refers to it.
        assertThat(problemsAfter(debezium, d -> {
            for (JsonNode panel : d.withArray("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    ((ObjectNode) target).put("expr", target.get("expr").asText().replace("$name", ".*"));
                }
            }
        })).anySatisfy(p -> assertThat(p).contains("variable $name is used by no query"));
    }

    @Test
    void fixedRateWindowIsRejected() {
        assertThat(problemsAfter(debezium, d -> {
            for (JsonNode panel : d.withArray("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    ((ObjectNode) target).put("expr",
                            target.get("expr").asText().replace("[$__rate_interval]", "[30s]"));
                }
            }
        })).anySatisfy(p -> assertThat(p).contains("rate() over [30s]"));
    }

    @Test
    void linkToAMissingDashboardIsRejected() {
        assertThat(problemsAfter(overview, d -> ((ObjectNode) firstQueryPanel(d).withArray("links").get(0))
                .put("url", "/d/kafka-connect-old"))).anySatisfy(p -> assertThat(p).contains("kafka-connect-old"));
        assertThat(problemsAfter(overview, d -> {
            ArrayNode links = d.withArray("links");
            ((ObjectNode) links.get(0)).putArray("tags").add("no-such-tag");
        })).anySatisfy(p -> assertThat(p).contains("selects no other shipped dashboard"));
    }

    @Test
    void numericIdIsRejected() {
        assertThat(problemsAfter(overview, d -> d.put("id", 7)))
                .anySatisfy(p -> assertThat(p).contains("has an \"id\""));
    }

    @Test
    void invalidJsonIsRejectedNamingTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path broken = dir.resolve("cdc-overview.json");
        String text = Files.readString(overview.path());
        Files.writeString(broken, text.substring(0, text.length() / 2));
        assertThatThrownBy(() -> DashboardFile.load(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownGrafanaVersionIsRejected() {
        assertThat(GrafanaSchemaVersions.forGrafana("13.2.0")).isEqualTo(42);
        assertThatThrownBy(() -> GrafanaSchemaVersions.forGrafana("latest"))
                .hasMessageContaining("GRAFANA_VERSION=latest");
        assertThatThrownBy(() -> GrafanaSchemaVersions.forGrafana("10.4.3"))
                .hasMessageContaining("not in GrafanaSchemaVersions");
    }
}
