package io.github.cdcmonitoring.localstack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.prometheus.RuleFiles;
import io.github.cdcmonitoring.repo.RepoFiles;
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

/**
 * The native stack's copy of debezium-prometheus/prometheus.yml: only targets and rule paths differ, and the compose
 * cluster's target files (file_sd_configs) are gone.
 */
class PrometheusConfigRewriteTest {

    private static final Path SHIPPED = RepoFiles.locate().file("debezium-prometheus/prometheus.yml");

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
                "connect", List.of("127.0.0.1:18080"), "kafka", List.of("127.0.0.1:19404"),
                "data-generator", List.of("127.0.0.1:19400"),
                "change-exporter", List.of("127.0.0.1:19401"), "postgres-exporter", List.of("127.0.0.1:19187"),
                "node-exporter", List.of("127.0.0.1:19100"), "alertmanager", List.of("127.0.0.1:19093"),
                "prometheus", List.of("127.0.0.1:19090")));
        // Alerts go to the local Alertmanager, the one the alertmanager job scrapes.
        assertThat(((Map<?, ?>) local.get("alerting")).get("alertmanagers")).isEqualTo(List.of(
                Map.of("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:19093"))))));

        // promtool checks the copy as Prometheus would load it, rule files included.
        String output = promtoolAccepts(copy);
        // every shipped rule file, loaded through the rewritten absolute glob
        assertThat(output).contains("SUCCESS: " + RuleFiles.ruleFiles(SHIPPED.getParent().resolve("rules")).size()
                + " rule files found");
    }

    @Test
    void theComposeClusterTargetFilesAreDroppedAndTheNativeClusterAddsItsOwn() throws Exception {
        // The shipped kafka and connect jobs also read the compose cluster's target files (file_sd_configs, mounted
        // beside prometheus.yml by docker-compose.cluster.yml only); natively they would resolve next to the copy.
        Map<String, Map<?, ?>> shippedJobs = jobs(load(SHIPPED));
        assertThat(shippedJobs.get("kafka").containsKey("file_sd_configs")).as("shipped kafka job").isTrue();
        assertThat(shippedJobs.get("connect").containsKey("file_sd_configs")).as("shipped connect job").isTrue();
        Path copy = dir.resolve("prometheus.yml");
        PrometheusConfigRewrite.write(SHIPPED, ports(), Map.of("kafka", List.of(29404, 39404), "connect",
                List.of(28080)), copy, 1);

        Map<String, Map<?, ?>> localJobs = jobs(load(copy));
        assertThat(localJobs.keySet()).isEqualTo(shippedJobs.keySet());
        shippedJobs.forEach((name, shipped) -> {
            Map<Object, Object> expected = new LinkedHashMap<>(shipped);
            expected.remove("file_sd_configs");
            expected.remove("static_configs");
            Map<Object, Object> local = new LinkedHashMap<>(localJobs.get(name));
            assertThat(local.remove("static_configs")).as(name).isNotNull();
            assertThat(local).as("job " + name + " but its targets").isEqualTo(expected);
        });
        assertThat(localJobs.get("kafka").get("static_configs")).isEqualTo(List.of(Map.of("targets",
                List.of("127.0.0.1:19404", "127.0.0.1:29404", "127.0.0.1:39404"))));
        assertThat(localJobs.get("connect").get("static_configs")).isEqualTo(List.of(Map.of("targets",
                List.of("127.0.0.1:18080", "127.0.0.1:28080"))));
        assertThat(promtoolAccepts(copy)).doesNotContain("WARNING");
    }

    @Test
    void aJobWithoutALocalProcessIsNamed() {
        Map<String, Integer> ports = ports();
        ports.remove("change-exporter");
        assertThatThrownBy(() -> PrometheusConfigRewrite.write(SHIPPED, ports, dir.resolve("p.yml")))
                .hasMessageContaining("job change-exporter has no counterpart in the native stack");
    }

    @Test
    void aDividedForCopiesTheRulesWithOnlyForChanged() throws Exception {
        // alertTimingDivisor (tests only): the rule files are copied beside the config, each for: divided by 8.
        Path copy = dir.resolve("prometheus.yml");
        PrometheusConfigRewrite.write(SHIPPED, ports(), copy, 8);
        List<?> ruleFiles = (List<?>) load(copy).get("rule_files");
        List<RuleFiles.Rule> shipped = RuleFiles.read(SHIPPED.getParent().resolve("rules"));
        List<RuleFiles.Rule> divided = RuleFiles.read(dir.resolve("rules"));
        assertThat(ruleFiles).hasSize(RuleFiles.ruleFiles(SHIPPED.getParent().resolve("rules")).size())
                .allSatisfy(f -> assertThat(Path.of((String) f)).startsWith(dir.resolve("rules")));
        assertThat(divided).hasSameSizeAs(shipped);
        for (int i = 0; i < shipped.size(); i++) {
            RuleFiles.Rule s = shipped.get(i);
            RuleFiles.Rule d = divided.get(i);
            assertThat(d.name()).isEqualTo(s.name());
            assertThat(d.expr().strip()).isEqualTo(s.expr().strip());
            assertThat(d.labels()).isEqualTo(s.labels());
            assertThat(d.annotations()).isEqualTo(s.annotations());
            assertThat(d.forDuration()).as(s.name() + " for:")
                    .isEqualTo(s.forDuration().isZero() ? s.forDuration()
                            : java.time.Duration.ofSeconds(Math.max(1, s.forDuration().toSeconds() / 8)));
        }
        promtoolAccepts(copy);
    }

    @Test
    void aWebhookIsAddedToEveryReceiverAndTheRestReadFromTheShippedFile() throws Exception {
        Path shipped = RepoFiles.locate().file("debezium-prometheus/alertmanager.yml");
        assertThat(AlertmanagerConfigRewrite.configFor(shipped, java.util.Optional.empty(), 1, dir.resolve("a.yml")))
                .as("as shipped: the shipped file itself").isEqualTo(shipped);
        Path copy = AlertmanagerConfigRewrite.configFor(shipped, java.util.Optional.of("http://127.0.0.1:1/hook"), 4,
                dir.resolve("alertmanager.yml"));
        Map<String, Object> original = load(shipped);
        Map<String, Object> derived = load(copy);
        assertThat(derived.get("inhibit_rules")).isEqualTo(original.get("inhibit_rules"));
        for (Object receiver : (List<?>) derived.get("receivers")) {
            assertThat(((Map<?, ?>) receiver).get("webhook_configs")).isEqualTo(
                    List.of(Map.of("url", "http://127.0.0.1:1/hook", "send_resolved", true)));
        }
        Map<?, ?> route = (Map<?, ?>) derived.get("route");
        assertThat(route.get("group_by")).isEqualTo(((Map<?, ?>) original.get("route")).get("group_by"));
        assertThat(route.get("group_interval")).isEqualTo("30s"); // 2m / 4
        assertThat(route.get("group_wait")).isEqualTo(((Map<?, ?>) original.get("route")).get("group_wait"));
        Process amtool = new ProcessBuilder("amtool", "check-config", copy.toString()).redirectErrorStream(true).start();
        assertThat(amtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(amtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(amtool.exitValue()).as(output).isZero();
    }

    private static Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("connect", 18080);
        ports.put("kafka", 19404);
        ports.put("data-generator", 19400);
        ports.put("change-exporter", 19401);
        ports.put("postgres-exporter", 19187);
        ports.put("node-exporter", 19100);
        ports.put("alertmanager", 19093);
        ports.put("prometheus", 19090);
        return ports;
    }

    /** The scrape jobs of a Prometheus config, by name. */
    private static Map<String, Map<?, ?>> jobs(Map<String, Object> config) {
        Map<String, Map<?, ?>> jobs = new LinkedHashMap<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            jobs.put((String) ((Map<?, ?>) job).get("job_name"), (Map<?, ?>) job);
        }
        return jobs;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    /** {@code promtool check config} passes on the copy, rule files included; returns what it printed. */
    private static String promtoolAccepts(Path config) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder("promtool", "check", "config", config.toString())
                .redirectErrorStream(true).start();
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.exitValue()).as(output).isZero();
        return output;
    }
}
