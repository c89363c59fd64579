package io.github.cdcmonitoring.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.cdcmonitoring.prometheus.RuleFiles.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RuleFiles on the shipped rule files, and the conventions every shipped rule keeps (STYLE.md, alerts). */
class RuleFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern ALERT_NAME =
            Pattern.compile("(Kafka|Connect|Debezium|Postgres|Cdc|ChangeExporter|DataGenerator|Prometheus)[A-Z][A-Za-z0-9]*");
    private static final Pattern RECORD_NAME = Pattern.compile("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+");
    private static final Pattern LABEL_REFERENCE = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
    /** {{ if $labels.x }}: the annotation handles series without x itself (ConnectTaskFailed's worker count). */
    private static final Pattern GUARDED_LABEL =
            Pattern.compile("\\{\\{-?\\s*if\\s+\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)\\s*-?}}");
    /**
     * A series of one replication slot read, with its selector if it has one: postgres_exporter's
     * pg_replication_slots_* and pg_replication_slot_*, queries.yml's cdc_slot_*.
     */
    private static final Pattern SLOT_SERIES =
            Pattern.compile("(pg_replication_slots?_|cdc_slot_)[a-z_]+(\\{[^}]*})?");
    /** The connector map of connectors.rules.yml: one series per register-*.json. */
    private static final String CONNECTOR_MAP = "connector:cdc_connector:info";
    private static final Pattern DATNAME_SELECTOR = Pattern.compile("datname\\s*!?=~?\\s*\"");
    /** Several scrape intervals: 4 x 15 s. */
    private static final Duration SHORTEST_FOR = Duration.ofMinutes(1);

    private final List<Rule> rules = RuleFiles.read(Shipped.rulesDir());

    @Test
    void readsEveryRuleOfTheShippedFiles() throws IOException {
        // independent count: the rule keys as plain text in the files
        long alertLines = 0;
        long recordLines = 0;
        for (Path file : RuleFiles.ruleFiles(Shipped.rulesDir())) {
            for (String line : Files.readAllLines(file)) {
                alertLines += line.strip().startsWith("- alert: ") ? 1 : 0;
                recordLines += line.strip().startsWith("- record: ") ? 1 : 0;
            }
        }
        assertThat(rules.stream().filter(Rule::isAlert).count()).isEqualTo(alertLines).isGreaterThan(20);
        assertThat(rules.stream().filter(r -> !r.isAlert()).count()).isEqualTo(recordLines).isPositive();
        assertThat(rules).extracting(r -> r.file().getFileName().toString())
                .allMatch(name -> name.endsWith(RuleFiles.RULE_FILE_SUFFIX) && !name.endsWith(RuleFiles.TEST_FILE_SUFFIX));

        Rule taskFailed = rule("ConnectTaskFailed");
        assertThat(taskFailed.group()).isEqualTo("connect");
        assertThat(taskFailed.expr()).isEqualTo("kafka_connect_connector_task_status{status=\"failed\"} == 1\n"
                + "or on (connector, instance)\n  kafka_connect_worker_connector_failed_task_count > 0");
        assertThat(taskFailed.forDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(taskFailed.labels()).containsExactly(Map.entry("severity", "critical"));
        assertThat(taskFailed.annotations()).containsOnlyKeys("summary", "description", "runbook_url");

        Rule captured = rule("name:debezium_metrics_captured_events:rate5m");
        assertThat(captured.kind()).isEqualTo(RuleFiles.Kind.RECORD);
        assertThat(captured.forDuration()).isZero();
        assertThat(captured.expr()).contains("debezium_metrics_events_seen_total").contains("debezium_metrics_events_filtered_total");
    }

    /**
     * The slot alerts watch the connectors' replication slots, one alert per slot: every read of a
     * pg_replication_slots_* or cdc_slot_* series selects no slot by name and is joined {@code on (slot_name)} with
     * the connector map, which names the slot.name of every register-*.json (see
     * {@link #theConnectorMapNamesEveryConnectorFileAndOneConnectorPerSchema}). A slot named in a rule would go stale
     * when a connector file changes, or leave a second connector's slot unwatched.
     */
    @Test
    void everySlotSeriesIsJoinedWithTheConnectorMapOnSlotName() {
        List<String> reads = new java.util.ArrayList<>();
        for (Rule rule : rules) {
            Matcher matcher = SLOT_SERIES.matcher(rule.expr());
            while (matcher.find()) {
                reads.add(rule.name() + ": " + matcher.group());
                assertThat(rule.expr()).as("%s joins the connector map on slot_name", rule.name())
                        .containsPattern("on \\(slot_name\\)[^()]*\\s" + CONNECTOR_MAP + "\\b|" + CONNECTOR_MAP
                                + "\\s+unless on \\(slot_name\\)");
            }
        }
        assertThat(reads).as("reads of a slot's series").isNotEmpty()
                .allSatisfy(read -> assertThat(read).doesNotContain("slot_name="));
        assertThat(reads).as("rules reading the connectors' slots")
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotInactive: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotWalRetained: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotWalLimitPredicted: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresSlotMetricsAbsent: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotUnreserved: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotLost: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotSafeWalSizeLow: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresReplicationSlotCatalogXminOld: "))
                .anySatisfy(read -> assertThat(read).startsWith("PostgresLogicalDecodingSpilling: "));
    }

    /**
     * The stall alerts gate each connector on the rows written in its own tables: pg_stat_user_tables joined with the
     * connector map on schemaname, grouped by the connector's own label (name for Debezium's, connector for
     * Connect's), never summed across connectors.
     */
    @Test
    void theStallAlertsGateEachConnectorOnItsOwnSchema() {
        for (String[] alert : new String[][] {{"DebeziumStalledCapture", "name"}, {"ConnectSourceTaskStalled", "connector"}}) {
            String expr = rule(alert[0]).expr();
            assertThat(expr).as(alert[0])
                    .contains("pg_stat_user_tables_n_tup_ins", "pg_stat_user_tables_n_tup_upd", "pg_stat_user_tables_n_tup_del")
                    .contains("and on (" + alert[1] + ")")
                    .contains("sum by (" + alert[1] + ") (")
                    .containsPattern("\\* on \\(schemaname\\) group_left \\(" + alert[1] + "\\)\\s+" + CONNECTOR_MAP)
                    .doesNotContain("and on ()").doesNotContain("pg_stat_database_");
        }
    }

    /**
     * connector:cdc_connector:info has one series per connector file at the repository's root (register-*.json),
     * labelled with its name, topic.prefix, slot.name and the one schema of its table.include.list, and no two
     * connectors share a schema (the stall alerts' group_left needs one connector per schema). A connector file added,
     * renamed or pointed at another slot or schema without the map fails here.
     */
    @Test
    void theConnectorMapNamesEveryConnectorFileAndOneConnectorPerSchema() throws IOException {
        Set<Map<String, String>> expected = new HashSet<>();
        try (Stream<Path> files = Files.list(Shipped.dir().getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("register-.*\\.json")).sorted().toList()) {
                JsonNode registration = new ObjectMapper().readTree(file.toFile());
                JsonNode config = registration.path("config");
                Set<String> schemas = new java.util.TreeSet<>();
                for (String table : config.path("table.include.list").asText().split(",")) {
                    schemas.add(table.strip().replace("\\", "").split("\\.")[0]);
                }
                assertThat(schemas).as("schemas of table.include.list in %s", file.getFileName()).hasSize(1);
                expected.add(Map.of("connector", registration.path("name").asText(),
                        "name", config.path("topic.prefix").asText(), "slot_name", config.path("slot.name").asText(),
                        "schemaname", schemas.iterator().next()));
            }
        }
        assertThat(expected).as("connector files register-*.json").hasSizeGreaterThanOrEqualTo(2);
        List<Rule> map = rules.stream().filter(rule -> rule.name().equals(CONNECTOR_MAP)).toList();
        assertThat(map).allSatisfy(rule -> assertThat(rule.expr()).isEqualTo("vector(1)"));
        assertThat(map.stream().map(Rule::labels).collect(Collectors.toSet())).as(CONNECTOR_MAP + " series")
                .isEqualTo(expected).hasSize(map.size());
        assertThat(map.stream().map(rule -> rule.labels().get("schemaname")).distinct().count())
                .as("one connector per schema").isEqualTo(map.size());
    }

    /**
     * The captured database is the one the connector's slot names (postgres_exporter's `database` label), never a
     * database name written into a rule: such a name goes stale when POSTGRES_DB changes, and gates every connector
     * on a database none of them may capture.
     */
    @Test
    void noRuleNamesADatabase() {
        assertThat(rules).filteredOn(rule -> DATNAME_SELECTOR.matcher(rule.expr()).find())
                .extracting(Rule::name).as("rules selecting datname by name").isEmpty();
    }

    /** A recording rule nobody reads costs an evaluation every 15 s and reads as if something depended on it. */
    @Test
    void everyRecordingRuleIsReadByAnAlertOrADashboard() throws IOException {
        StringBuilder readers = new StringBuilder();
        alerts().forEach(alert -> readers.append(alert.expr()).append('\n'));
        try (Stream<Path> dashboards = Files.list(Shipped.dir().getParent().resolve("debezium-grafana/dashboards"))) {
            for (Path dashboard : dashboards.filter(f -> f.toString().endsWith(".json")).toList()) {
                readers.append(Files.readString(dashboard)).append('\n');
            }
        }
        List<String> records = rules.stream().filter(rule -> !rule.isAlert()).map(Rule::name).toList();
        assertThat(records).as("recording rules").isNotEmpty();
        assertThat(records).filteredOn(name -> !readers.toString().contains(name))
                .as("recording rules that no alert expression and no dashboard reads").isEmpty();
    }

    @Test
    void everyAlertHasSeverityAnnotationsAndARunbookSectionInTheReadme() throws IOException {
        Set<String> anchors = readmeAnchors();
        for (Rule alert : alerts()) {
            String name = alert.name();
            assertThat(alert.severity()).as("severity of %s", name).isIn(SEVERITIES);
            assertThat(alert.annotations()).as("annotations of %s", name)
                    .containsOnlyKeys("summary", "description", "runbook_url");
            assertThat(alert.annotations().get("summary")).as("summary of %s", name).isNotBlank();
            assertThat(alert.annotations().get("description")).as("description of %s", name).isNotBlank();
            String anchor = name.toLowerCase(Locale.ROOT);
            assertThat(alert.annotations().get("runbook_url")).as("runbook_url of %s", name)
                    .isEqualTo("debezium-prometheus/README.md#" + anchor);
            assertThat(anchors).as("README.md sections (runbook of %s)", name).contains(anchor);
            assertThat(alert.forDuration()).as("for: of %s", name).isGreaterThanOrEqualTo(SHORTEST_FOR);
        }
    }

    @Test
    void namesFollowTheConventions() {
        Set<String> seen = new HashSet<>();
        for (Rule rule : rules) {
            // The connector map is one record with a series per connector, told apart by their labels.
            String key = rule.name().equals(CONNECTOR_MAP) ? rule.name() + rule.labels() : rule.name();
            assertThat(seen.add(key)).as("%s defined once", key).isTrue();
            assertThat(rule.name()).matches(rule.isAlert() ? ALERT_NAME : RECORD_NAME);
        }
    }

    /** promtool checks what the tests say; this checks that they say it for every rule. */
    @Test
    void everyAlertFiresAndStaysQuietInItsUnitTestsAndEveryRecordingRuleIsChecked() throws IOException {
        for (Path ruleFile : RuleFiles.ruleFiles(Shipped.rulesDir())) {
            String testName = ruleFile.getFileName().toString()
                    .replace(RuleFiles.RULE_FILE_SUFFIX, RuleFiles.TEST_FILE_SUFFIX);
            JsonNode tests = YAML.readTree(Shipped.rulesDir().resolve(testName).toFile()).get("tests");
            for (Rule rule : RuleFiles.readFile(ruleFile)) {
                if (rule.isAlert()) {
                    List<JsonNode> firing = alertCases(tests, rule.name(), true);
                    assertThat(firing).as("%s: a test where %s fires", testName, rule.name()).isNotEmpty();
                    assertThat(alertCases(tests, rule.name(), false))
                            .as("%s: a test where %s does not fire", testName, rule.name()).isNotEmpty();
                    Set<String> referenced = labelReferences(rule);
                    for (JsonNode expected : firing) {
                        assertThat(expected.has("exp_annotations")).as("%s: annotations of %s checked", testName,
                                rule.name()).isTrue();
                        Set<String> labels = fieldNames(expected.get("exp_labels"));
                        assertThat(labels).as("%s: labels %s's annotations use survive its expression", testName,
                                rule.name()).containsAll(referenced);
                    }
                } else {
                    assertThat(recordingChecks(tests, rule.name()))
                            .as("%s: a promql_expr_test of %s", testName, rule.name()).isPositive();
                }
            }
        }
    }

    /**
     * Where a test expects an alert firing at time T, the same test checks it quiet one evaluation earlier: the
     * alert turns from pending to firing exactly when its `for:` has passed.
     */
    @Test
    void everyFiringCheckHasAQuietCheckOneEvaluationBefore() throws IOException {
        for (Path testFile : RuleFiles.testFiles(Shipped.rulesDir())) {
            JsonNode root = YAML.readTree(testFile.toFile());
            Duration interval = RuleFiles.parseDuration(root.path("evaluation_interval").asText("1m"));
            for (JsonNode test : root.get("tests")) {
                Set<String> quiet = new HashSet<>();
                for (JsonNode check : iterable(test.get("alert_rule_test"))) {
                    if (check.path("exp_alerts").isEmpty()) {
                        quiet.add(check.path("alertname").asText() + "@"
                                + RuleFiles.parseDuration(check.path("eval_time").asText()));
                    }
                }
                for (JsonNode check : iterable(test.get("alert_rule_test"))) {
                    if (!check.path("exp_alerts").isEmpty()) {
                        String name = check.path("alertname").asText();
                        Duration before = RuleFiles.parseDuration(check.path("eval_time").asText()).minus(interval);
                        assertThat(quiet).as("%s, test \"%s\": %s checked quiet at %s", testFile.getFileName(),
                                test.path("name").asText(), name, before).contains(name + "@" + before);
                    }
                }
            }
        }
    }

    @Test
    void refusesUnknownKeysAndMisplacedOnes(@TempDir Path dir) throws IOException {
        Path unknown = dir.resolve("x.rules.yml");
        Files.writeString(unknown, """
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: up == 0
                        severity: critical
                """);
        assertThatThrownBy(() -> RuleFiles.readFile(unknown))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(unknown.toString()).hasMessageContaining("alert A").hasMessageContaining("`severity`");

        Path recordWithFor = dir.resolve("y.rules.yml");
        Files.writeString(recordWithFor, """
                groups:
                  - name: g
                    rules:
                      - record: a:b:c
                        expr: up
                        for: 1m
                """);
        assertThatThrownBy(() -> RuleFiles.readFile(recordWithFor))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`for` is only valid on alerting rules");

        Path test = dir.resolve("x.rules.test.yml");
        Files.writeString(test, "rule_files: [x.rules.yml]\n");
        assertThat(RuleFiles.ruleFiles(dir)).containsExactly(unknown, recordWithFor);
        assertThat(RuleFiles.testFiles(dir)).containsExactly(test);
    }

    @Test
    void parsesPrometheusDurations() {
        assertThat(RuleFiles.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(RuleFiles.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RuleFiles.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(RuleFiles.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RuleFiles.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(RuleFiles.parseDuration("0")).isZero();
        for (String bad : new String[] {"", "5", "5 m", "1m1h", "-1m", "1.5m"}) {
            assertThatThrownBy(() -> RuleFiles.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Prometheus duration");
        }
    }

    private List<Rule> alerts() {
        return rules.stream().filter(Rule::isAlert).toList();
    }

    private Rule rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no rule " + name));
    }

    /** exp_alerts entries for the alert: the expected alerts of firing cases, or the empty lists of quiet ones. */
    private static List<JsonNode> alertCases(JsonNode tests, String alertName, boolean firing) {
        List<JsonNode> cases = new java.util.ArrayList<>();
        for (JsonNode test : tests) {
            for (JsonNode check : iterable(test.get("alert_rule_test"))) {
                if (!alertName.equals(check.path("alertname").asText())) {
                    continue;
                }
                JsonNode expected = check.get("exp_alerts");
                boolean quiet = expected == null || expected.isEmpty();
                if (firing && !quiet) {
                    expected.forEach(cases::add);
                } else if (!firing && quiet) {
                    cases.add(check);
                }
            }
        }
        return cases;
    }

    private static long recordingChecks(JsonNode tests, String recordName) {
        long count = 0;
        for (JsonNode test : tests) {
            for (JsonNode check : iterable(test.get("promql_expr_test"))) {
                count += check.path("expr").asText().contains(recordName) ? 1 : 0;
            }
        }
        return count;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node == null ? List.of() : node;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** Labels the annotations use, less those they test for with {{ if $labels.x }} before using them. */
    private static Set<String> labelReferences(Rule alert) {
        Set<String> labels = new HashSet<>();
        Set<String> guarded = new HashSet<>();
        for (String text : alert.annotations().values()) {
            Matcher m = LABEL_REFERENCE.matcher(text);
            while (m.find()) {
                labels.add(m.group(1));
            }
            Matcher g = GUARDED_LABEL.matcher(text);
            while (g.find()) {
                guarded.add(g.group(1));
            }
        }
        labels.removeAll(guarded);
        return labels;
    }

    /** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    private static Set<String> readmeAnchors() throws IOException {
        return Files.readAllLines(Shipped.readme()).stream()
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
