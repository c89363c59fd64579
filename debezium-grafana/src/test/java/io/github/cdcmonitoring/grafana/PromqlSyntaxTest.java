package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel query and variable query parses as PromQL, checked by Prometheus's own parser: each query, with
 * Grafana's variables filled in as Grafana would, becomes a recording rule that {@code promtool check rules} reads
 * (promtool 3.5; the live test runs them against a real Prometheus).
 */
class PromqlSyntaxTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Values Grafana would substitute; for a variable, a sample value (the live test uses real ones). */
    static Map<String, String> sampleValues(DashboardFile dashboard) {
        Map<String, String> values = new HashMap<>(Map.of("__rate_interval", "1m", "__interval", "15s",
                "__interval_ms", "15000", "__range", "1h", "__range_s", "3600", "__range_ms", "3600000"));
        for (DashboardFile.Variable v : dashboard.variables()) {
            values.put(v.name(), v.includeAll() && v.allValue() != null ? v.allValue() : "sample");
        }
        return values;
    }

    private static String rulesFile(List<String> exprs) throws IOException {
        StringBuilder yaml = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            // A JSON string is a valid YAML double-quoted scalar, so no PromQL character needs YAML escaping.
            yaml.append("      - record: dashboard:query").append(i).append('\n')
                    .append("        expr: ").append(JSON.writeValueAsString(exprs.get(i))).append('\n');
        }
        return yaml.toString();
    }

    static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("promtool is not on PATH: install Prometheus (Debian package `prometheus`)");
    }

    /** promtool's exit code and output for the given expressions. */
    private static Result check(List<String> exprs, Path dir) throws Exception {
        Path rules = dir.resolve("dashboard-queries.rules.yml");
        Files.writeString(rules, rulesFile(exprs));
        Process process = new ProcessBuilder(promtool(), "check", "rules", rules.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }

    @Test
    void everyQueryOfEveryDashboardParses(@TempDir Path dir) throws Exception {
        List<String> exprs = new ArrayList<>();
        for (DashboardFile dashboard : Shipped.dashboards()) {
            Map<String, String> values = sampleValues(dashboard);
            for (PanelQuery q : dashboard.queries()) {
                exprs.add(q.resolve(values));
            }
            for (DashboardFile.Variable v : dashboard.variables()) {
                // label_values(metric, label) is Grafana's, not PromQL: its metric selector must parse.
                String query = v.query();
                if (query.startsWith("label_values(")) {
                    query = query.substring("label_values(".length(), query.lastIndexOf(','));
                }
                exprs.add(query);
            }
        }
        assertThat(exprs).hasSizeGreaterThan(50);
        Result result = check(exprs, dir);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    }

    @Test
    void aBrokenQueryIsRejected(@TempDir Path dir) throws Exception {
        // Proves the check above can fail: a missing parenthesis and a range on an aggregation are refused.
        Result result = check(List.of("sum by (table) (rate(cdc_change_events_total[1m])",
                "rate(sum(cdc_change_events_total)[1m])"), dir);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("dashboard:query0").contains("dashboard:query1");
    }
}
