package io.github.cdcmonitoring.kubernetes;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The repository files the manifests are generated from, read once. Each is the file the compose stack uses: nothing
 * here is a second copy.
 */
public final class StackSources {

    public static final String CONNECTOR_FILE = "register-postgresql.json";
    public static final String CONNECT_JMX_RULES = "debezium-jmx-exporter/config.yml";
    /** The broker's JMX exporter rules (kafka-jmx-exporter/, the compose stack's kafka image). */
    public static final String BROKER_JMX_RULES = "kafka-jmx-exporter/config.yml";
    public static final String PROMETHEUS_CONFIG = "debezium-prometheus/prometheus.yml";
    public static final String RULES_FOLDER = "debezium-prometheus/rules";
    /** Alert and recording rules; the promtool tests beside them end in .rules.test.yml and are not rules. */
    public static final String RULE_FILE_SUFFIX = ".rules.yml";
    public static final String DASHBOARDS_FOLDER = "debezium-grafana/dashboards";

    private final DotEnv env;
    private final String connectorName;
    private final ObjectNode connectorConfig;
    private final String connectJmxRules;
    private final String brokerJmxRules;
    private final JsonNode prometheusConfig;
    private final Map<String, String> ruleFiles;
    private final Map<String, String> dashboards;
    private final Map<String, String> composeConnectEnvironment;
    private final Map<String, String> composeKafkaEnvironment;

    private StackSources(RepoFiles repo) {
        this.env = DotEnv.read(existing(repo, ".env"));
        JsonNode connector = parse(repo, CONNECTOR_FILE);
        if (!connector.path("name").isString() || !(connector.path("config") instanceof ObjectNode config)) {
            throw new SourceFileException(CONNECTOR_FILE + ": expected {\"name\": ..., \"config\": {...}}");
        }
        this.connectorName = connector.get("name").asString();
        this.connectorConfig = config;
        this.connectJmxRules = text(repo, CONNECT_JMX_RULES);
        this.brokerJmxRules = text(repo, BROKER_JMX_RULES);
        this.prometheusConfig = parse(repo, PROMETHEUS_CONFIG);
        this.ruleFiles = filesIn(repo, RULES_FOLDER, RULE_FILE_SUFFIX);
        this.dashboards = filesIn(repo, DASHBOARDS_FOLDER, ".json");
        ComposeFile compose = ComposeFile.read(existing(repo, ComposeFile.FILE), env.asMap());
        this.composeConnectEnvironment = compose.serviceEnvironment("connect");
        this.composeKafkaEnvironment = compose.serviceEnvironment("kafka");
    }

    public static StackSources read(RepoFiles repo) {
        return new StackSources(repo);
    }

    public String kafkaVersion() {
        return env.get("KAFKA_VERSION");
    }

    public String debeziumVersion() {
        return env.get("DEBEZIUM_VERSION");
    }

    public String connectorName() {
        return connectorName;
    }

    /** register-postgresql.json's "config", as in the file (a copy: callers may change it). */
    public ObjectNode connectorConfig() {
        return connectorConfig.deepCopy();
    }

    public String connectJmxRules() {
        return connectJmxRules;
    }

    public String brokerJmxRules() {
        return brokerJmxRules;
    }

    /** debezium-prometheus/prometheus.yml, parsed. */
    public JsonNode prometheusConfig() {
        return prometheusConfig;
    }

    /** File name -> text of every debezium-prometheus/rules/*.rules.yml, by name. */
    public Map<String, String> ruleFiles() {
        return ruleFiles;
    }

    /** File name -> text of every debezium-grafana/dashboards/*.json, by name. */
    public Map<String, String> dashboards() {
        return dashboards;
    }

    /** docker-compose.yml's connect environment, interpolated from .env. */
    public Map<String, String> composeConnectEnvironment() {
        return composeConnectEnvironment;
    }

    /** docker-compose.yml's kafka environment, interpolated from .env. */
    public Map<String, String> composeKafkaEnvironment() {
        return composeKafkaEnvironment;
    }

    private static Path existing(RepoFiles repo, String relative) {
        Path file = repo.root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new SourceFileException("missing " + relative + " in " + repo.root() + " (the manifests are generated from it)");
        }
        return file;
    }

    private static String text(RepoFiles repo, String relative) {
        try {
            return Files.readString(existing(repo, relative));
        } catch (IOException e) {
            throw new SourceFileException("cannot read " + relative + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(RepoFiles repo, String relative) {
        try {
            return YamlDocuments.read(text(repo, relative));
        } catch (JacksonException e) {
            throw SourceFileException.unparsable(relative, "JSON/YAML", e);
        }
    }

    private static Map<String, String> filesIn(RepoFiles repo, String folder, String suffix) {
        Path dir = repo.root().resolve(folder);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new SourceFileException("cannot list " + folder + " in " + repo.root() + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new SourceFileException("no *" + suffix + " file in " + folder + " (the manifests are generated from them)");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Path file : files) {
            texts.put(file.getFileName().toString(), text(repo, folder + "/" + file.getFileName()));
        }
        return Collections.unmodifiableMap(texts);
    }
}
