package io.github.cdcmonitoring.localstack;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether a rule of a JMX exporter config contributes to what the live agent in the Connect JVM exports: the agent's
 * config file is rewritten without the rule, and the series present with the full config (before and after, so a
 * series that comes and goes by itself is not counted) but missing without the rule are what the rule contributed.
 *
 * <p>The agent (1.x) reloads its config file when the file's modification time has advanced, at the next scrape,
 * before collecting. Each config written here carries a marker rule, first in the list, that exports
 * {@code ablation_marker{generation="<n>"}} from {@code java.lang:type=Runtime} (an MBean no real rule matches): the
 * scrape that shows generation n is the first collected with that config, so no scrape is wasted on waiting.
 */
final class JmxRuleAblation {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String MARKER = "ablation_marker";
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(30);

    private final Path liveConfig;
    private final String metricsUrl;
    private final long baseMillis = System.currentTimeMillis();
    private int generation;
    private ObjectNode lastFull;
    private Set<String> lastFullSeries;

    /** @param liveConfig the file the agent was started with (a copy: it is overwritten) */
    JmxRuleAblation(Path liveConfig, String metricsUrl) {
        this.liveConfig = liveConfig;
        this.metricsUrl = metricsUrl;
    }

    static ObjectNode read(Path config) {
        try {
            return (ObjectNode) YAML.readTree(config.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config, e);
        }
    }

    static ArrayNode rules(ObjectNode config) {
        return (ArrayNode) config.get("rules");
    }

    /** A one-line description of rule {@code index}: its output name and pattern. */
    static String describe(ObjectNode config, int index) {
        JsonNode rule = rules(config).get(index);
        return "#" + (index + 1) + " " + rule.path("name").asText() + " (" + rule.path("pattern").asText() + ")";
    }

    /** The series the live scrape loses when rule {@code index} of {@code config} is removed. */
    Set<String> lostWithout(ObjectNode config, int index) {
        Set<String> before = config.equals(lastFull) ? lastFullSeries : load(config);
        ObjectNode reduced = config.deepCopy();
        rules(reduced).remove(index);
        Set<String> without = load(reduced);
        Set<String> after = load(config);
        lastFull = config;
        lastFullSeries = after;
        Set<String> lost = new LinkedHashSet<>(before);
        lost.retainAll(after);
        lost.removeAll(without);
        return lost;
    }

    /** Restores the given config in the live agent. */
    void restore(ObjectNode config) {
        load(config);
        lastFull = config;
    }

    /** Writes {@code config} (plus the marker rule) for the agent and returns the series of its first scrape. */
    private Set<String> load(ObjectNode config) {
        int n = ++generation;
        ObjectNode written = config.deepCopy();
        ObjectNode marker = written.objectNode();
        marker.put("pattern", "java.lang<type=Runtime><>Uptime");
        marker.put("name", MARKER);
        marker.put("type", "GAUGE");
        marker.putObject("labels").put("generation", Integer.toString(n));
        marker.put("help", "Which config generation JmxRuleAblation last loaded");
        rules(written).insert(0, marker);
        if (written.has("includeObjectNames")) {
            // A config that names the MBeans it reads (the broker's) must name the marker's too.
            ((ArrayNode) written.get("includeObjectNames")).add("java.lang:type=Runtime");
        }
        try {
            Path temp = liveConfig.resolveSibling(liveConfig.getFileName() + ".tmp");
            YAML.writeValue(temp.toFile(), written);
            // Strictly increasing times a second apart: the agent reloads only when the time has advanced.
            Files.setLastModifiedTime(temp, FileTime.fromMillis(baseMillis + 1000L * n));
            Files.move(temp, liveConfig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + liveConfig, e);
        }
        PrometheusText[] scrape = new PrometheusText[1];
        await().atMost(RELOAD_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .alias("the JMX agent to load config generation " + n + " (" + liveConfig + ")")
                .until(() -> {
                    scrape[0] = PrometheusText.scrape(metricsUrl);
                    return scrape[0].find(MARKER, "generation", Integer.toString(n)).isPresent();
                });
        Set<String> series = new LinkedHashSet<>();
        scrape[0].samples().stream().filter(s -> !s.name().equals(MARKER)).forEach(s -> series.add(s.series()));
        return series;
    }
}
