package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The native stack's copy of debezium-prometheus/prometheus.yml: only targets and rule paths differ. */
class PrometheusConfigRewriteTest {

    private static final Path SHIPPED = LiveMonitoring.repoFile("debezium-prometheus/prometheus.yml");

    @TempDir
    Path dir;

    @Test
    void onlyTargetsAndRulePathsChangeAndPromtoolAcceptsTheCopy() throws Exception {
        Path copy = dir.resolve("prometheus.yml");
        PrometheusConfigRewrite.write(SHIPPED, ports(), copy);

        Map<String, Object> shipped = load(SHIPPED);
        Map<String, Object> local = load(copy);
        assertThat(local.get("global")).isEqualTo(shipped.get("global"));
        assertThat(local.keySet()).isEqualTo(shipped.keySet());
        assertThat(local.get("rule_files")).isEqualTo(List.of(
                SHIPPED.getParent().resolve("rules/*.rules.yml").toString()));
        Map<String, Object> targets = new LinkedHashMap<>();
        for (Object job : (List<?>) local.get("scrape_configs")) {
            Map<?, ?> scrape = (Map<?, ?>) job;
            targets.put((String) scrape.get("job_name"), ((Map<?, ?>) ((List<?>) scrape.get("static_configs"))
                    .get(0)).get("targets"));
        }
        assertThat(targets).containsExactlyInAnyOrderEntriesOf(Map.of(
                "connect", List.of("127.0.0.1:18080"), "data-generator", List.of("127.0.0.1:19400"),
                "change-exporter", List.of("127.0.0.1:19401"), "postgres-exporter", List.of("127.0.0.1:19187"),
                "prometheus", List.of("127.0.0.1:19090")));

        // promtool checks the copy as Prometheus would load it, rule files included.
        Process promtool = new ProcessBuilder("promtool", "check", "config", copy.toString())
                .redirectErrorStream(true).start();
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.exitValue()).as(output).isZero();
        // every shipped rule file, loaded through the rewritten absolute glob
        assertThat(output).contains("SUCCESS: " + RuleFiles.ruleFiles(SHIPPED.getParent().resolve("rules")).size()
                + " rule files found");
    }

    @Test
    void aJobWithoutALocalProcessIsNamed() {
        Map<String, Integer> ports = ports();
        ports.remove("change-exporter");
        assertThatThrownBy(() -> PrometheusConfigRewrite.write(SHIPPED, ports, dir.resolve("p.yml")))
                .hasMessageContaining("job change-exporter has no counterpart in the native stack");
    }

    private static Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("connect", 18080);
        ports.put("data-generator", 19400);
        ports.put("change-exporter", 19401);
        ports.put("postgres-exporter", 19187);
        ports.put("prometheus", 19090);
        return ports;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }
}
