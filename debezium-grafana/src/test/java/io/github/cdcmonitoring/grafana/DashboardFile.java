package io.github.cdcmonitoring.grafana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * A provisioned Grafana dashboard (classic JSON model, as Grafana's file provider reads it): its panels with their
 * queries, its template variables and its links. Read-only; the file is parsed once.
 *
 * <p>Panels inside collapsed rows (a row's own {@code panels} array) are listed too, after their row, so a caller that
 * runs every query sees all of them.
 */
public final class DashboardFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;
    private final JsonNode root;
    private final List<Panel> panels;
    private final List<Variable> variables;
    private final List<DashboardLink> links;

    private DashboardFile(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
        this.panels = readPanels(root.path("panels"));
        this.variables = readVariables(root.path("templating").path("list"));
        this.links = readLinks(root.path("links"));
    }

    /** Reads one dashboard file; a file that is not a JSON object fails naming the file. */
    public static DashboardFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard " + file, e);
        }
        return parse(file, text);
    }

    /** Parses dashboard JSON text; {@code origin} only names it in messages. */
    public static DashboardFile parse(Path origin, String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + " is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(origin + " is not a JSON object (a Grafana dashboard)");
        }
        return new DashboardFile(origin, root);
    }

    /** Every {@code *.json} file in a folder (not recursive), ordered by file name. */
    public static List<DashboardFile> loadAll(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .sorted()
                    .map(DashboardFile::load)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list dashboards in " + folder, e);
        }
    }

    public Path path() {
        return path;
    }

    public String uid() {
        return text(root, "uid");
    }

    public String title() {
        return text(root, "title");
    }

    /** The dashboard's {@code schemaVersion}, or -1 when it has none. */
    public int schemaVersion() {
        return root.path("schemaVersion").asInt(-1);
    }

    public List<String> tags() {
        return strings(root.path("tags"));
    }

    /** Every panel, rows included, in file order (panels of a collapsed row follow the row). */
    public List<Panel> panels() {
        return panels;
    }

    /** Every query of every panel, in panel order, each naming its dashboard and panel. */
    public List<PanelQuery> queries() {
        List<PanelQuery> queries = new ArrayList<>();
        for (Panel panel : panels) {
            for (Target target : panel.targets()) {
                queries.add(new PanelQuery(title(), uid(), panel.id(), panel.title(), target.refId(), target.expr(),
                        target.instant()));
            }
        }
        return Collections.unmodifiableList(queries);
    }

    /** The template variables ({@code templating.list}), in order. */
    public List<Variable> variables() {
        return variables;
    }

    /** The dashboard-level links (to other dashboards by tag or by URL). */
    public List<DashboardLink> links() {
        return links;
    }

    /** A copy of the parsed JSON, for checks this class has no accessor for. */
    public ObjectNode json() {
        return ((ObjectNode) root).deepCopy();
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + uid() + ")";
    }

    private static List<Panel> readPanels(JsonNode array) {
        List<Panel> result = new ArrayList<>();
        for (JsonNode node : array) {
            result.add(readPanel(node));
            // A collapsed row keeps its panels inside itself; an expanded row has an empty array.
            for (JsonNode nested : node.path("panels")) {
                result.add(readPanel(nested));
            }
        }
        return Collections.unmodifiableList(result);
    }

    private static Panel readPanel(JsonNode node) {
        JsonNode grid = node.path("gridPos");
        GridPos gridPos = grid.isObject()
                ? new GridPos(grid.path("x").asInt(0), grid.path("y").asInt(0), grid.path("w").asInt(0),
                        grid.path("h").asInt(0))
                : null;
        List<Target> targets = new ArrayList<>();
        for (JsonNode target : node.path("targets")) {
            targets.add(new Target(text(target, "refId"), text(target, "expr"), datasource(target.get("datasource")),
                    target.path("instant").asBoolean(false) && !target.path("range").asBoolean(false),
                    text(target, "legendFormat")));
        }
        List<String> links = new ArrayList<>();
        for (JsonNode link : node.path("links")) {
            links.add(text(link, "url"));
        }
        return new Panel(node.path("id").asInt(-1), text(node, "title"), text(node, "type"), gridPos,
                text(node, "description"), text(node.path("fieldConfig").path("defaults"), "unit"),
                datasource(node.get("datasource")), node.path("collapsed").asBoolean(false),
                Collections.unmodifiableList(targets), Collections.unmodifiableList(links));
    }

    private static List<Variable> readVariables(JsonNode array) {
        List<Variable> result = new ArrayList<>();
        for (JsonNode node : array) {
            // A Prometheus query variable stores its query as a string, or (newer editors) as an object whose
            // "query" field holds the same string.
            JsonNode query = node.path("query");
            String queryText = query.isObject() ? text(query, "query") : query.isTextual() ? query.asText() : null;
            result.add(new Variable(text(node, "name"), text(node, "type"), queryText,
                    datasource(node.get("datasource")), node.path("includeAll").asBoolean(false),
                    node.path("multi").asBoolean(false), text(node, "allValue")));
        }
        return Collections.unmodifiableList(result);
    }

    private static List<DashboardLink> readLinks(JsonNode array) {
        List<DashboardLink> result = new ArrayList<>();
        for (JsonNode node : array) {
            result.add(new DashboardLink(text(node, "type"), text(node, "title"), text(node, "url"),
                    strings(node.path("tags"))));
        }
        return Collections.unmodifiableList(result);
    }

    private static Datasource datasource(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            // Old dashboards name the datasource instead of referencing it; no type or uid is known then.
            return new Datasource(null, null, node.asText());
        }
        return new Datasource(text(node, "type"), text(node, "uid"), null);
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        for (JsonNode node : array) {
            result.add(node.asText());
        }
        return Collections.unmodifiableList(result);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A panel's position on Grafana's 24-column grid. */
    public record GridPos(int x, int y, int w, int h) {

        public boolean overlaps(GridPos other) {
            return x < other.x + other.w && other.x < x + w && y < other.y + other.h && other.y < y + h;
        }

        @Override
        public String toString() {
            return "x=" + x + ",y=" + y + ",w=" + w + ",h=" + h;
        }
    }

    /** A datasource reference: {@code {"type": ..., "uid": ...}}, or a bare name in old dashboards. */
    public record Datasource(String type, String uid, String legacyName) {
    }

    /** One query of a panel. {@code instant} is true for an instant-only query (stat, gauge, table panels). */
    public record Target(String refId, String expr, Datasource datasource, boolean instant, String legendFormat) {
    }

    /**
     * One panel. {@code unit} is {@code fieldConfig.defaults.unit}; {@code links} are the panel links' URLs;
     * {@code collapsed} is meaningful for rows only.
     */
    public record Panel(int id, String title, String type, GridPos gridPos, String description, String unit,
            Datasource datasource, boolean collapsed, List<Target> targets, List<String> links) {

        public boolean isRow() {
            return "row".equals(type);
        }
    }

    /**
     * A template variable. {@code query} is the variable's query text (for Prometheus e.g.
     * {@code label_values(metric, label)}), null for variables without one.
     */
    public record Variable(String name, String type, String query, Datasource datasource, boolean includeAll,
            boolean multi, String allValue) {
    }

    /** A dashboard link: {@code type} "dashboards" (selects dashboards by {@code tags}) or "link" ({@code url}). */
    public record DashboardLink(String type, String title, String url, List<String> tags) {
    }
}
