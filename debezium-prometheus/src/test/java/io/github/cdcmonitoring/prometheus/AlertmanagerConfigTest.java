package io.github.cdcmonitoring.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * debezium-prometheus/alertmanager.yml as amtool judges it: the file loads ({@code amtool check-config}), every alert of
 * rules/*.rules.yml is routed to the receiver of its severity ({@code amtool config routes test}), the shipped
 * receivers send nothing, and the inhibit rules name alerts the rules define. Inhibition itself is proven on a running
 * Alertmanager in {@link AlertmanagerInhibitionTest}.
 */
class AlertmanagerConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The receiver each severity label is routed to. */
    private static final Map<String, String> RECEIVER_BY_SEVERITY =
            Map.of("critical", "critical", "warning", "warning", "info", "default");
    @TempDir
    Path scratch;

    private static Path amtool() {
        return InstalledProgram.locate("amtool");
    }

    private static InstalledProgram.Result checkConfig(Path file) {
        return InstalledProgram.run(amtool(), file.getParent(), List.of("check-config", file.getFileName().toString()));
    }

    @Test
    void amtoolAcceptsTheShippedConfig() {
        InstalledProgram.Result result = checkConfig(Shipped.alertmanagerYml());
        assertThat(result.exitCode()).as("amtool check-config alertmanager.yml:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").contains("3 receivers");
    }

    @Test
    void amtoolRefusesABrokenConfig() throws IOException {
        // Proves the check above can fail: a route to a receiver that does not exist.
        String shipped = Files.readString(Shipped.alertmanagerYml());
        String broken = shipped.replace("receiver: critical", "receiver: pager");
        assertThat(broken).isNotEqualTo(shipped);
        Path file = Files.writeString(scratch.resolve("alertmanager.yml"), broken);
        InstalledProgram.Result result = checkConfig(file);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("pager");
    }

    @Test
    void everyAlertIsRoutedToTheReceiverOfItsSeverity() {
        List<String> wrong = new ArrayList<>();
        int routed = 0;
        for (RuleFiles.Rule rule : RuleFiles.read(Shipped.rulesDir())) {
            if (!rule.isAlert()) {
                continue;
            }
            String expected = RECEIVER_BY_SEVERITY.get(rule.severity());
            assertThat(expected).as("receiver for severity %s of %s", rule.severity(), rule.name()).isNotNull();
            InstalledProgram.Result result = routesTest(expected, "alertname=" + rule.name(),
                    "severity=" + rule.severity());
            routed++;
            if (result.exitCode() != 0) {
                wrong.add(rule.name() + " (" + rule.severity() + ") -> " + result.output().strip());
            }
        }
        assertThat(routed).as("alerts routed").isGreaterThan(20);
        assertThat(wrong).as("alerts not routed to the receiver of their severity").isEmpty();
    }

    @Test
    void theRoutingCheckCanFail() {
        // A warning routed to the critical receiver must be reported by amtool's --verify.receivers.
        InstalledProgram.Result result = routesTest("critical", "alertname=DebeziumBehindSource", "severity=warning");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("warning");
    }

    private InstalledProgram.Result routesTest(String receiver, String... labels) {
        List<String> args = new ArrayList<>(List.of("config", "routes", "test",
                "--config.file=" + Shipped.alertmanagerYml(), "--verify.receivers=" + receiver));
        args.addAll(List.of(labels));
        return InstalledProgram.run(amtool(), Shipped.dir(), args);
    }

    @Test
    void theShippedReceiversNotifyNobody() throws IOException {
        // Until the user adds a notification config (README.md, "Notifications"), nothing leaves the machine.
        JsonNode config = YAML.readTree(Shipped.alertmanagerYml().toFile());
        List<String> names = new ArrayList<>();
        config.path("receivers").forEach(receiver -> {
            names.add(receiver.path("name").asText());
            List<String> keys = new ArrayList<>();
            receiver.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as("receiver %s has only a name", receiver.path("name").asText()).containsExactly("name");
        });
        assertThat(names).containsExactlyInAnyOrderElementsOf(new TreeSet<>(RECEIVER_BY_SEVERITY.values()));
        assertThat(config.has("global")).as("no global SMTP/Slack settings shipped").isFalse();
    }

    @Test
    void theInhibitRulesNameAlertsOfTheRules() throws IOException {
        Set<String> alerts = new TreeSet<>();
        RuleFiles.read(Shipped.rulesDir()).stream().filter(RuleFiles.Rule::isAlert).forEach(r -> alerts.add(r.name()));
        JsonNode config = YAML.readTree(Shipped.alertmanagerYml().toFile());
        Pattern alertname = Pattern.compile("alertname\\s*=~?\\s*\"([^\"]+)\"");
        List<String> unknown = new ArrayList<>();
        int named = 0;
        for (JsonNode rule : config.path("inhibit_rules")) {
            List<JsonNode> matchers = new ArrayList<>();
            rule.path("source_matchers").forEach(matchers::add);
            rule.path("target_matchers").forEach(matchers::add);
            for (JsonNode matcher : matchers) {
                Matcher m = alertname.matcher(matcher.asText());
                while (m.find()) {
                    for (String name : m.group(1).split("\\|")) {
                        named++;
                        if (!alerts.contains(name)) {
                            unknown.add(name);
                        }
                    }
                }
            }
        }
        assertThat(named).as("alert names in inhibit_rules").isGreaterThan(5);
        assertThat(unknown).as("inhibit_rules name alerts that rules/*.rules.yml does not define").isEmpty();
    }
}
