package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.grafana.DashboardFile;
import io.github.cdcmonitoring.grafana.PanelQuery;
import io.github.cdcmonitoring.localstack.config.MountPoint;
import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every dashboard of debezium-grafana/dashboards against the real Prometheus of a running native stack with the
 * generator writing and two connectors registered (register-postgresql.json and, with the inventory dataset,
 * register-inventory.json): each variable's query has values, each panel query (variables substituted as Grafana
 * first selects them) returns at least one series, each per-connector query run for each connector's value returns
 * that connector's series and no other's, and every metric name used by a dashboard or a rule exists in Prometheus.
 * A failure names the dashboard, the panel and the query. One stack serves the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class DashboardQueriesTest {

    /**
     * Grafana's built-in variables as a dashboard on the shipped 15 s scrape interval resolves them: $__rate_interval
     * is max(4 x scrape interval, $__interval + scrape interval) = 1m.
     */
    private static final Map<String, String> BUILT_INS = Map.of(
            "__rate_interval", "1m", "__interval", "15s", "__interval_ms", "15000", "__range", "5m",
            "__range_s", "300", "__range_ms", "300000");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^\\s*label_values\\(\\s*(?:(.+?)\\s*,\\s*)?([a-zA-Z_]\\w*)\\s*\\)\\s*$");
    /**
     * Series Prometheus makes itself from its alerting rules: they exist only while an alert is pending or firing, so
     * a healthy stack has none. The "firing alerts" panel that reads them is checked like every other panel.
     */
    private static final Set<String> RULE_ENGINE_SERIES = Set.of("ALERTS", "ALERTS_FOR_STATE");
    /**
     * "selector or vector(0)" always returns data, so such a query is also checked without its fallback. Left alone:
     * a selector of {@link #RULE_ENGINE_SERIES} only, which is empty on a healthy stack by design (no alert firing).
     */
    private static final Pattern ZERO_FALLBACK =
            Pattern.compile("(?s)^(.*?)\\s+or\\s+(?:on\\s*\\(\\s*\\)\\s*)?vector\\(0\\)\\s*$");
    /** The dashboards' connector variables and the label that names the connector in their queries' series. */
    private static final Map<String, String> CONNECTOR_LABELS =
            Map.of("name", "name", "connector", "connector", "slot", "slot_name", "table", "table");
    /** The generator's committed rows: the written side, of the generator's own tables only. */
    private static final String GENERATOR_WRITES = "generator_committed_rows_total";
    /** Rows that only appear with time, e.g. the first tombstone after the first delete: wait this long for them. */
    private static final Duration DATA_WAIT = Duration.ofMinutes(3);

    @AutoClose
    private LocalStack stack;
    private PrometheusApi prometheus;
    private List<DashboardFile> dashboards;
    private List<RuleFiles.Rule> rules;

    @BeforeAll
    void start() {
        dashboards = DashboardFile.loadAll(LiveMonitoring.repoFile("debezium-grafana/dashboards"));
        rules = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules"));
        assertThat(dashboards).as("dashboards").isNotEmpty();
        stack = LiveMonitoring.startWithTwoConnectors();
        prometheus = new PrometheusApi(stack.prometheusUrl());
        // The generator writes only its own tables: one insert, update and delete in the inventory dataset gives its
        // connector streamed changes, latencies and a tombstone to show.
        try (Connection c = stack.postgres().connect(); Statement statement = c.createStatement()) {
            statement.execute("INSERT INTO inventory.products (id, name, price) VALUES (100001, 'dashboard test', 1.50)");
            statement.execute("UPDATE inventory.products SET price = 2.50 WHERE id = 100001");
            statement.execute("DELETE FROM inventory.products WHERE id = 100001");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the inventory dataset", e);
        }
        LiveMonitoring.awaitScraped(prometheus);
    }

    @Test
    void everyVariableHasValues() {
        await("every variable has values").atMost(DATA_WAIT).pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(variablesWithoutValues()).isEmpty());
    }

    @Test
    void everyPanelQueryReturnsSeries() {
        await("every panel query returns a series").atMost(DATA_WAIT).pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(emptyQueries()).isEmpty());
        List<String> proven = new ArrayList<>();
        for (DashboardFile dashboard : dashboards) {
            for (PanelQuery query : dashboard.queries()) {
                proven.add(query.describe());
            }
        }
        System.out.println("panel queries proven non-empty (" + proven.size() + "):\n  " + String.join("\n  ", proven));
    }

    /**
     * Every dashboard's connector variable (Debezium's name, Connect's connector, the slot, the Data flow table) offers
     * both connectors' values, and every query that uses it, run once with each connector's value, returns series of
     * that connector only (the variable's label equals the value in every series) and returns some for each. The
     * overview has no variable: each of its queries whose series name a connector shows both connectors. The values
     * come from the two connector files: topic.prefix, name, slot.name, and a table name only that connector has.
     */
    @Test
    void everyPerConnectorQuerySeparatesTheTwoConnectors() {
        Map<String, List<String>> connectorValues = connectorValues();
        List<String> proven = new ArrayList<>();
        await("every per-connector query returns each connector's series, and only those").atMost(DATA_WAIT)
                .pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    proven.clear();
                    assertThat(separationProblems(connectorValues, proven)).isEmpty();
                });
        assertThat(proven).as("queries run per connector").hasSizeGreaterThan(80);
        System.out.println("per-connector queries proven separate (" + proven.size() + "):\n  "
                + String.join("\n  ", proven));
    }

    /**
     * The inventory connector sits idle (nothing writes its tables but this class, three rows once) while the
     * generator keeps the public tables busy: none of its alerts may be pending or firing at any rule evaluation
     * (Prometheus's own ALERTS series over the whole run). A stall alert gated on the whole database, as before the
     * second connector, was pending within two minutes here. Waits until Prometheus has run four minutes: long enough
     * for the 5-minute write rate to pass the stall alerts' threshold and for their for: to start.
     */
    @Test
    void theIdleSecondConnectorRaisesNoAlertWhileTheOtherConnectorsTablesAreWritten() {
        ConnectorConfig inventory = stack.inventoryConnectorConfig();
        String ofInventory = "ALERTS{name=\"" + inventory.topicPrefix() + "\"} or ALERTS{connector=\"" + inventory.name()
                + "\"} or ALERTS{slot_name=\"" + inventory.get("slot.name") + "\"}";
        await("Prometheus has evaluated the rules for four minutes").atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofSeconds(10))
                .until(() -> !prometheus.query("time() - process_start_time_seconds{job=\"prometheus\"} > 240").isEmpty());
        assertThat(prometheus.query("count_over_time((" + ofInventory + ")[10m:15s])"))
                .as("alerts of the idle inventory connector, pending or firing, at any evaluation").isEmpty();
        assertThat(prometheus.query("sum(rate(pg_stat_user_tables_n_tup_ins{schemaname=\"public\"}[5m])) > 0.5"))
                .as("the generator's tables written meanwhile").isNotEmpty();
    }

    /** Variable name -> its value for each connector: [register-postgresql.json's, register-inventory.json's]. */
    private Map<String, List<String>> connectorValues() {
        List<ConnectorConfig> connectors = List.of(stack.connectorConfig(), stack.inventoryConnectorConfig());
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("name", connectors.stream().map(ConnectorConfig::topicPrefix).toList());
        values.put("connector", connectors.stream().map(ConnectorConfig::name).toList());
        values.put("slot", connectors.stream().map(c -> c.get("slot.name")).toList());
        List<List<String>> tables = connectors.stream().map(c -> List.of(c.get("table.include.list").split(","))
                .stream().map(t -> t.strip().substring(t.strip().indexOf('.') + 1)).toList()).toList();
        values.put("table", List.of(onlyIn(tables.get(0), tables.get(1)), onlyIn(tables.get(1), tables.get(0))));
        assertThat(values.values()).allSatisfy(pair -> assertThat(pair).doesNotHaveDuplicates().hasSize(2));
        return values;
    }

    private static String onlyIn(List<String> tables, List<String> others) {
        return tables.stream().filter(t -> !others.contains(t)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no table name of " + tables + " is unique"));
    }

    private List<String> separationProblems(Map<String, List<String>> connectorValues, List<String> proven) {
        List<String> problems = new ArrayList<>();
        for (DashboardFile dashboard : dashboards) {
            Map<String, String> base = variableValues(dashboard);
            List<DashboardFile.Variable> connectorVariables = dashboard.variables().stream()
                    .filter(v -> CONNECTOR_LABELS.containsKey(v.name())).toList();
            if (connectorVariables.isEmpty()) {
                overviewProblems(dashboard, base, connectorValues, problems, proven);
                continue;
            }
            for (DashboardFile.Variable variable : connectorVariables) {
                String label = CONNECTOR_LABELS.get(variable.name());
                List<String> expected = connectorValues.get(variable.name());
                Set<String> offered = values(variable);
                if (!offered.containsAll(expected)) {
                    problems.add(dashboard.title() + " / variable " + variable.name() + " offers " + offered
                            + ", not both " + expected);
                }
                for (PanelQuery query : dashboard.queries()) {
                    if (!query.referencedVariables().contains(variable.name())) {
                        continue;
                    }
                    for (int i = 0; i < expected.size(); i++) {
                        String value = expected.get(i);
                        Map<String, String> values = new LinkedHashMap<>(base);
                        values.put(variable.name(), value);
                        String expr = query.resolve(values);
                        List<PrometheusApi.Series> result;
                        try {
                            result = prometheus.query(expr);
                        } catch (RuntimeException e) {
                            problems.add(query.describe() + " [" + variable.name() + "=" + value + "]: " + expr
                                    + " -> " + e.getMessage());
                            continue;
                        }
                        for (PrometheusApi.Series series : result) {
                            if (!value.equals(series.label(label))) {
                                problems.add(query.describe() + " [" + variable.name() + "=" + value + "]: " + expr
                                        + " -> a series with " + label + "=" + series.label(label) + " " + series.labels());
                            }
                        }
                        if (result.isEmpty()) {
                            if (i > 0 && PromqlMetricNames.of(expr).contains(GENERATOR_WRITES)) {
                                // The written side exists only for the generator's tables; inventory.sql writes once.
                                proven.add(query.describe() + " [" + value + "]: none, the generator does not write it");
                                continue;
                            }
                            problems.add(query.describe() + " [" + variable.name() + "=" + value + "]: " + expr
                                    + " -> no series");
                        } else {
                            proven.add(query.describe() + " [" + value + "]: " + result.size() + " series, all "
                                    + label + "=" + value);
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** A dashboard without a variable: each query whose series name a connector shows both connectors. */
    private void overviewProblems(DashboardFile dashboard, Map<String, String> base,
                                  Map<String, List<String>> connectorValues, List<String> problems, List<String> proven) {
        for (PanelQuery query : dashboard.queries()) {
            String expr = query.resolve(base);
            List<PrometheusApi.Series> result = prometheus.query(expr);
            for (Map.Entry<String, String> variable : CONNECTOR_LABELS.entrySet()) {
                String label = variable.getValue();
                if ("table".equals(label) || result.stream().noneMatch(s -> s.labels().containsKey(label))) {
                    continue;
                }
                Set<String> shown = new TreeSet<>();
                result.forEach(s -> shown.add(s.label(label)));
                if (!shown.containsAll(connectorValues.get(variable.getKey()))) {
                    problems.add(query.describe() + ": " + expr + " -> " + label + " " + shown + ", not both "
                            + connectorValues.get(variable.getKey()));
                } else {
                    proven.add(query.describe() + ": " + label + " " + shown);
                }
            }
        }
    }

    /*
     * The WAL filesystem panels and alerts read node-exporter alone: it must report the filesystem of PostgreSQL's
     * data and pg_wal, the one statfs(2) gives for the data folder, and no other.
     */
    @Test
    void theWalFilesystemSeriesAreThoseOfPostgresDataFolder() throws IOException {
        Path data = stack.postgres().runDirectory();
        FileStore store = Files.getFileStore(data);
        await("node-exporter scraped").atMost(DATA_WAIT).pollInterval(Duration.ofSeconds(5))
                .until(() -> !prometheus.query("node_filesystem_size_bytes{job=\"node-exporter\"}").isEmpty());
        List<PrometheusApi.Series> size = prometheus.query("node_filesystem_size_bytes{job=\"node-exporter\"}");
        assertThat(size).as("filesystems node-exporter reports").singleElement()
                .satisfies(series -> {
                    assertThat(series.label("mountpoint")).isEqualTo(MountPoint.of(data));
                    assertThat((long) series.value()).as("size").isEqualTo(store.getTotalSpace());
                });
        double avail = prometheus.query("node_filesystem_avail_bytes{job=\"node-exporter\"}").get(0).value();
        // Free space moves while the stack writes; a scrape is at most 15 s old.
        assertThat(avail).as("free bytes vs statfs of " + data)
                .isCloseTo(store.getUsableSpace(), org.assertj.core.data.Percentage.withPercentage(2));
        System.out.printf("WAL filesystem: %s, %.1f of %.1f GiB free%n", size.get(0).label("mountpoint"),
                avail / (1L << 30), size.get(0).value() / (1L << 30));
    }

    @Test
    void everyMetricNameOfDashboardsAndRulesExists() {
        Set<String> records = new TreeSet<>();
        rules.stream().filter(r -> !r.isAlert()).forEach(r -> records.add(r.name()));
        Map<String, String> usedBy = new LinkedHashMap<>();
        for (DashboardFile dashboard : dashboards) {
            Map<String, String> values = variableValues(dashboard);
            for (PanelQuery query : dashboard.queries()) {
                PromqlMetricNames.of(query.resolve(values)).forEach(name -> usedBy.putIfAbsent(name,
                        query.describe()));
            }
            for (DashboardFile.Variable variable : dashboard.variables()) {
                Matcher m = variable.query() == null ? null : LABEL_VALUES.matcher(variable.query());
                if (m != null && m.matches() && m.group(1) != null) {
                    PromqlMetricNames.of(m.group(1)).forEach(name -> usedBy.putIfAbsent(name,
                            dashboard.title() + " / variable " + variable.name()));
                }
            }
        }
        for (RuleFiles.Rule rule : rules) {
            PromqlMetricNames.of(rule.expr()).forEach(name -> usedBy.putIfAbsent(name,
                    rule.file().getFileName() + " / " + rule.name()));
        }
        List<String> unknownRecords = new ArrayList<>();
        usedBy.forEach((name, where) -> {
            if (name.contains(":") && !records.contains(name)) {
                unknownRecords.add(name + " (used by " + where + ")");
            }
        });
        assertThat(unknownRecords).as("recording rule names used but defined in no rule file").isEmpty();

        await("every metric name exists in Prometheus").atMost(DATA_WAIT).pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    Set<String> known = prometheus.metricNames();
                    List<String> missing = new ArrayList<>();
                    usedBy.forEach((name, where) -> {
                        if (!name.contains(":") && !known.contains(name) && !RULE_ENGINE_SERIES.contains(name)) {
                            missing.add(name + " (used by " + where + ")");
                        }
                    });
                    assertThat(missing).as("metric names Prometheus does not have").isEmpty();
                });
        System.out.println("metric names checked: " + usedBy.size() + " (" + records.size()
                + " recording rules among them checked against the rule files)");
    }

    /** "dashboard / variable: query -> why" for every variable whose query finds nothing. */
    private List<String> variablesWithoutValues() {
        List<String> failures = new ArrayList<>();
        for (DashboardFile dashboard : dashboards) {
            for (DashboardFile.Variable variable : dashboard.variables()) {
                if (variable.query() == null || variable.query().isBlank()) {
                    continue; // constants, intervals, custom lists: nothing to ask Prometheus
                }
                try {
                    if (values(variable).isEmpty()) {
                        failures.add(dashboard.title() + " / variable " + variable.name() + ": " + variable.query()
                                + " -> no values");
                    }
                } catch (RuntimeException e) {
                    failures.add(dashboard.title() + " / variable " + variable.name() + ": " + variable.query()
                            + " -> " + e.getMessage());
                }
            }
        }
        return failures;
    }

    /** "dashboard / panel / refId: expr" for every panel query that returns no series (or an error). */
    private List<String> emptyQueries() {
        List<String> failures = new ArrayList<>();
        for (DashboardFile dashboard : dashboards) {
            Map<String, String> values;
            try {
                values = variableValues(dashboard);
            } catch (RuntimeException e) {
                failures.add(dashboard.title() + ": variables -> " + e.getMessage());
                continue;
            }
            for (PanelQuery query : dashboard.queries()) {
                String expr = query.resolve(values);
                try {
                    if (prometheus.query(expr).isEmpty()) {
                        failures.add(query.describe() + ": " + expr + " -> no series");
                    }
                    Matcher fallback = ZERO_FALLBACK.matcher(expr);
                    if (fallback.matches() && !RULE_ENGINE_SERIES.containsAll(PromqlMetricNames.of(fallback.group(1)))
                            && prometheus.query(fallback.group(1)).isEmpty()) {
                        failures.add(query.describe() + ": " + fallback.group(1) + " -> no series (the part before "
                                + "'or vector(0)', which would otherwise always return data)");
                    }
                } catch (RuntimeException e) {
                    failures.add(query.describe() + ": " + expr + " -> " + e.getMessage());
                }
            }
        }
        return failures;
    }

    /**
     * Each variable's value as Grafana first selects it, with the built-ins: "All" (its allValue) where the variable
     * offers it, else its first real value.
     */
    private Map<String, String> variableValues(DashboardFile dashboard) {
        Map<String, String> values = new LinkedHashMap<>(BUILT_INS);
        for (DashboardFile.Variable variable : dashboard.variables()) {
            if (variable.query() == null || variable.query().isBlank()) {
                continue;
            }
            Set<String> found = values(variable);
            if (found.isEmpty()) {
                throw new IllegalStateException("variable " + variable.name() + " (" + variable.query()
                        + ") has no values");
            }
            values.put(variable.name(), variable.includeAll() && variable.allValue() != null ? variable.allValue()
                    : found.iterator().next());
        }
        return values;
    }

    /** A variable's values: {@code label_values(metric, label)} or {@code label_values(label)}, as Grafana asks. */
    private Set<String> values(DashboardFile.Variable variable) {
        Matcher m = LABEL_VALUES.matcher(variable.query());
        if (!m.matches()) {
            throw new IllegalStateException("unsupported variable query " + variable.query()
                    + " (only label_values is used by the shipped dashboards)");
        }
        return prometheus.labelValues(m.group(2), m.group(1));
    }
}
