package io.github.cdcmonitoring.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdcmonitoring.grafana.DashboardFile.Datasource;
import io.github.cdcmonitoring.grafana.DashboardFile.DashboardLink;
import io.github.cdcmonitoring.grafana.DashboardFile.GridPos;
import io.github.cdcmonitoring.grafana.DashboardFile.Panel;
import io.github.cdcmonitoring.grafana.DashboardFile.Target;
import io.github.cdcmonitoring.grafana.DashboardFile.Variable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The structure rules every shipped dashboard must follow, as a list of problems (empty = fine), so that the same
 * rules run on the real files and on deliberately broken copies. Each problem names the dashboard and the panel.
 */
final class DashboardChecks {

    /** The current, non-Angular panel types (the Angular graph/singlestat/table-old are gone since Grafana 12). */
    static final Set<String> ALLOWED_PANEL_TYPES =
            Set.of("timeseries", "stat", "gauge", "bargauge", "table", "state-timeline", "text", "row");

    /**
     * Unit ids these dashboards may use, each one a real id of Grafana's unit registry
     * (grafana/grafana packages/grafana-data/src/valueFormats/categories.ts): a typo would silently show raw numbers.
     */
    static final Set<String> KNOWN_UNITS = Set.of("none", "short", "percent", "percentunit", "s", "ms", "bytes",
            "decbytes", "Bps", "ops", "cps", "eps", "recps", "rowsps", "reqps", "dateTimeFromNow", "dateTimeAsIso");

    /** Grafana's built-in variables a Prometheus query may use. */
    static final Set<String> BUILT_IN_VARIABLES =
            Set.of("__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms");

    private static final int GRID_COLUMNS = 24;
    private static final Pattern DASHBOARD_URL = Pattern.compile("^/d/([A-Za-z0-9_-]+)(?:[/?#].*)?$");
    // rate(...[window]) / irate(...[window]): the first range after the function name is its window.
    private static final Pattern RATE_WINDOW = Pattern.compile("\\b(i?rate)\\s*\\(([^\\[\\]()]*)\\[([^\\]]*)]");

    private DashboardChecks() {
    }

    /**
     * @param datasourceUid the uid provisioned in datasource.yml
     * @param tagsByUid every shipped dashboard's uid and tags (for link checks)
     */
    static List<String> problems(DashboardFile dashboard, String datasourceUid, Map<String, List<String>> tagsByUid) {
        List<String> problems = new ArrayList<>();
        String where = dashboard.path().getFileName().toString();
        JsonNode root = dashboard.json();

        if (blank(dashboard.uid())) {
            problems.add(where + ": no uid");
        }
        if (blank(dashboard.title())) {
            problems.add(where + ": no title");
        }
        if (root.hasNonNull("id")) {
            problems.add(where + ": has an \"id\" (" + root.get("id") + "); provisioned dashboards are found by uid");
        }
        if (!dashboard.tags().contains("cdc")) {
            problems.add(where + ": tags " + dashboard.tags() + " lack \"cdc\" (the tag the dashboard links select)");
        }

        checkPanels(dashboard, where, datasourceUid, problems);
        checkGrid(root.path("panels"), where, problems);
        checkVariables(dashboard, where, datasourceUid, problems);
        checkLinks(dashboard, where, tagsByUid, problems);
        return problems;
    }

    private static void checkPanels(DashboardFile dashboard, String where, String datasourceUid, List<String> problems) {
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Panel panel : dashboard.panels()) {
            String p = where + " panel " + panel.id() + " \"" + panel.title() + "\"";
            if (panel.id() <= 0) {
                problems.add(p + ": no positive id");
            } else if (!ids.add(panel.id())) {
                problems.add(p + ": duplicate panel id " + panel.id());
            }
            if (blank(panel.title())) {
                problems.add(p + ": no title");
            } else if (!titles.add(panel.title())) {
                // The live test names a panel that returns nothing by dashboard and title: titles must be unique.
                problems.add(p + ": duplicate panel title");
            }
            if (!ALLOWED_PANEL_TYPES.contains(panel.type())) {
                problems.add(p + ": panel type " + panel.type() + " is not one of " + ALLOWED_PANEL_TYPES);
            }
            if (panel.gridPos() == null) {
                problems.add(p + ": no gridPos");
            }
            if (panel.isRow() || "text".equals(panel.type())) {
                continue;
            }
            if (blank(panel.description())) {
                problems.add(p + ": no description (one line saying what healthy looks like)");
            }
            if (blank(panel.unit())) {
                problems.add(p + ": no unit (fieldConfig.defaults.unit)");
            } else if (!KNOWN_UNITS.contains(panel.unit())) {
                problems.add(p + ": unit " + panel.unit() + " is not a known Grafana unit id " + KNOWN_UNITS);
            }
            checkDatasource(p + " datasource", panel.datasource(), datasourceUid, problems);
            if (panel.targets().isEmpty()) {
                problems.add(p + ": no query");
            }
            Set<String> refIds = new HashSet<>();
            for (Target target : panel.targets()) {
                String t = p + " query " + target.refId();
                if (blank(target.refId()) || !refIds.add(target.refId())) {
                    problems.add(t + ": missing or duplicate refId");
                }
                if (blank(target.expr())) {
                    problems.add(t + ": empty expr");
                } else {
                    checkRateWindows(t, target.expr(), problems);
                }
                checkDatasource(t + " datasource", target.datasource(), datasourceUid, problems);
            }
        }
    }

    private static void checkRateWindows(String t, String expr, List<String> problems) {
        // String literals (label values, regexes such as "template[01]") are blanked first: only real ranges count.
        Matcher m = RATE_WINDOW.matcher(expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
        while (m.find()) {
            if (!"$__rate_interval".equals(m.group(3).strip())) {
                problems.add(t + ": " + m.group(1) + "() over [" + m.group(3) + "]; use [$__rate_interval] so the "
                        + "window always spans enough scrapes");
            }
        }
    }

    private static void checkDatasource(String what, Datasource ds, String uid, List<String> problems) {
        if (ds == null) {
            problems.add(what + ": missing (must be {\"type\":\"prometheus\",\"uid\":\"" + uid + "\"})");
        } else if (!"prometheus".equals(ds.type()) || !uid.equals(ds.uid())) {
            problems.add(what + ": " + ds + " is not {\"type\":\"prometheus\",\"uid\":\"" + uid + "\"}");
        }
    }

    /**
     * Top-level panels (rows included: a row takes a full-width line) must not overlap and must fit the 24 columns.
     * Panels of a collapsed row are laid out among themselves.
     */
    private static void checkGrid(JsonNode panels, String where, List<String> problems) {
        List<String> names = new ArrayList<>();
        List<GridPos> boxes = new ArrayList<>();
        for (JsonNode node : panels) {
            addBox(node, where, names, boxes, problems);
            if (node.path("collapsed").asBoolean(false)) {
                checkGrid(node.path("panels"), where + " (collapsed row \"" + node.path("title").asText() + "\")",
                        problems);
            }
        }
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                if (boxes.get(i).overlaps(boxes.get(j))) {
                    problems.add(where + ": " + names.get(i) + " [" + boxes.get(i) + "] overlaps " + names.get(j)
                            + " [" + boxes.get(j) + "]");
                }
            }
        }
    }

    private static void addBox(JsonNode node, String where, List<String> names, List<GridPos> boxes,
            List<String> problems) {
        JsonNode g = node.path("gridPos");
        if (!g.isObject()) {
            return; // reported by checkPanels
        }
        GridPos box = new GridPos(g.path("x").asInt(0), g.path("y").asInt(0), g.path("w").asInt(0),
                g.path("h").asInt(0));
        String name = "panel " + node.path("id").asText() + " \"" + node.path("title").asText() + "\"";
        if (box.x() < 0 || box.y() < 0 || box.w() < 1 || box.h() < 1 || box.x() + box.w() > GRID_COLUMNS) {
            problems.add(where + ": " + name + " [" + box + "] is outside the 24-column grid or empty");
        }
        if ("row".equals(node.path("type").asText()) && (box.x() != 0 || box.w() != GRID_COLUMNS || box.h() != 1)) {
            problems.add(where + ": row " + name + " [" + box + "] must be x=0, w=24, h=1");
        }
        names.add(name);
        boxes.add(box);
    }

    private static void checkVariables(DashboardFile dashboard, String where, String datasourceUid,
            List<String> problems) {
        Set<String> defined = new HashSet<>();
        for (Variable v : dashboard.variables()) {
            if (blank(v.name()) || !defined.add(v.name())) {
                problems.add(where + ": variable with missing or duplicate name " + v.name());
            }
            if ("query".equals(v.type())) {
                checkDatasource(where + " variable $" + v.name() + " datasource", v.datasource(), datasourceUid,
                        problems);
                if (blank(v.query())) {
                    problems.add(where + ": variable $" + v.name() + " has no query");
                }
            }
        }
        Set<String> used = new HashSet<>();
        for (PanelQuery q : dashboard.queries()) {
            for (String name : q.referencedVariables()) {
                used.add(name);
                if (!defined.contains(name) && !BUILT_IN_VARIABLES.contains(name)) {
                    problems.add(where + " \"" + q.panelTitle() + "\" query " + q.refId() + ": uses $" + name
                            + ", which the dashboard does not define");
                }
            }
        }
        for (Variable v : dashboard.variables()) {
            for (String name : PanelQuery.variablesIn(v.query())) {
                used.add(name);
                if (!defined.contains(name) && !BUILT_IN_VARIABLES.contains(name)) {
                    problems.add(where + ": variable $" + v.name() + " uses undefined $" + name);
                }
            }
        }
        for (Variable v : dashboard.variables()) {
            if (!used.contains(v.name())) {
                problems.add(where + ": variable $" + v.name() + " is used by no query (it would select nothing)");
            }
        }
    }

    private static void checkLinks(DashboardFile dashboard, String where, Map<String, List<String>> tagsByUid,
            List<String> problems) {
        if (dashboard.links().isEmpty()) {
            problems.add(where + ": no links to the other dashboards");
        }
        for (DashboardLink link : dashboard.links()) {
            if ("dashboards".equals(link.type())) {
                boolean reachesAnother = tagsByUid.entrySet().stream()
                        .anyMatch(e -> !e.getKey().equals(dashboard.uid()) && e.getValue().containsAll(link.tags()));
                if (link.tags().isEmpty() || !reachesAnother) {
                    problems.add(where + ": link \"" + link.title() + "\" by tags " + link.tags()
                            + " selects no other shipped dashboard");
                }
            } else if ("link".equals(link.type())) {
                checkUrl(where + ": link \"" + link.title() + "\"", link.url(), tagsByUid, problems);
            } else {
                problems.add(where + ": link \"" + link.title() + "\" has unknown type " + link.type());
            }
        }
        for (Panel panel : dashboard.panels()) {
            for (String url : panel.links()) {
                checkUrl(where + " panel \"" + panel.title() + "\" link", url, tagsByUid, problems);
            }
        }
    }

    private static void checkUrl(String what, String url, Map<String, List<String>> tagsByUid, List<String> problems) {
        Matcher m = DASHBOARD_URL.matcher(url == null ? "" : url);
        if (!m.matches()) {
            problems.add(what + ": URL " + url + " is not a /d/<uid> link to a shipped dashboard");
        } else if (!tagsByUid.containsKey(m.group(1))) {
            problems.add(what + ": URL " + url + " points to uid " + m.group(1) + ", which no shipped dashboard has");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
