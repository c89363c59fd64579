package io.github.cdcmonitoring.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.DotEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The committed manifests say what the repository's files say: read both and compare, beyond the drift check (which
 * only proves the manifests are the generator's output, not that the generator is right).
 */
class ContentAgreementTest {

    private final DotEnv env = Manifests.REPO.dotEnv();

    private static String repoText(String relative) throws IOException {
        return Files.readString(Manifests.REPO.file(relative));
    }

    @Test
    void thePrometheusRuleHoldsExactlyTheGroupsOfTheRuleFiles() throws IOException {
        List<JsonNode> expected = new ArrayList<>();
        for (String file : Manifests.sources().ruleFiles().keySet()) {
            assertThat(file).doesNotEndWith(".test.yml");
            Manifests.parse(repoText(StackSources.RULES_FOLDER + "/" + file)).path("groups").forEach(expected::add);
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
        List<JsonNode> groups = new ArrayList<>();
        Manifests.one("PrometheusRule").at("/spec/groups").forEach(groups::add);
        assertThat(groups).containsExactlyElementsOf(expected);
    }

    @Test
    void theConnectorConfigIsTheFilesLessWhatStrimziSetsPlusTheNamedClusterOverrides() throws IOException {
        JsonNode file = Manifests.parse(repoText(StackSources.CONNECTOR_FILE));
        ObjectNode connector = Manifests.one("KafkaConnector");
        assertThat(connector.at("/metadata/name").asString()).isEqualTo(file.path("name").asString());
        assertThat(connector.at("/spec/class").asString()).isEqualTo(file.at("/config/connector.class").asString());
        assertThat(connector.at("/spec/tasksMax").asInt()).isEqualTo(Integer.parseInt(file.at("/config/tasks.max").asString()));

        // The only deliberate differences, each named: the cluster's replication for the topics the connector creates.
        assertThat(ConnectorManifest.CLUSTER_OVERRIDES).containsExactly(
                Map.entry("topic.creation.default.replication.factor", "3"),
                Map.entry("topic.creation.default.min.insync.replicas", "2"));
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        file.path("config").properties().forEach(e -> expected.put(e.getKey(), e.getValue()));
        ConnectorManifest.MOVED_TO_SPEC.keySet().forEach(expected::remove);
        ConnectorManifest.CLUSTER_OVERRIDES.forEach((key, value) -> expected.put(key, Manifests.parse("\"" + value + "\"")));
        Map<String, JsonNode> actual = new LinkedHashMap<>();
        connector.at("/spec/config").properties().forEach(e -> actual.put(e.getKey(), e.getValue()));
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
        // database.hostname stays the compose service name: on Kubernetes the user's Service of that name (README.md).
        assertThat(actual.get("database.hostname").asString()).isEqualTo("postgres");
    }

    @Test
    void theKeysMovedToSpecAreTheOnesTheConnectorCrdForbidsInConfig() {
        // KafkaConnector's CRD: "The following properties cannot be set: name, connector.class, tasks.max, ..."
        String description = CrdSchema.of("kafka.strimzi.io/v1", "KafkaConnector", true).version()
                .at("/schema/openAPIV3Schema/properties/spec/properties/config/description").asString();
        Matcher list = Pattern.compile("cannot be set: (.*)\\.$").matcher(description);
        assertThat(list.find()).as(description).isTrue();
        List<String> forbidden = List.of(list.group(1).split(",\\s*"));
        assertThat(forbidden).containsAll(ConnectorManifest.MOVED_TO_SPEC.keySet());
        assertThat(Manifests.one("KafkaConnector").at("/spec/config").propertyNames()).doesNotContainAnyElementsOf(forbidden);
    }

    @Test
    void theConnectWorkerConfigSetsNoPropertyStrimziForbids() {
        // KafkaConnect's CRD: "Properties with the following prefixes cannot be set: ... (with the exception of: ...)."
        String description = CrdSchema.of("kafka.strimzi.io/v1", "KafkaConnect", true).version()
                .at("/schema/openAPIV3Schema/properties/spec/properties/config/description").asString();
        Matcher m = Pattern.compile("cannot be set: (.*) \\(with the exception of: (.*)\\)\\.$").matcher(description);
        assertThat(m.find()).as(description).isTrue();
        List<String> prefixes = List.of(m.group(1).split(",\\s*"));
        List<String> exceptions = List.of(m.group(2).split(",\\s*"));
        for (String key : Manifests.one("KafkaConnect").at("/spec/config").propertyNames()) {
            assertThat(prefixes.stream().anyMatch(key::startsWith) && !exceptions.contains(key))
                    .as(key + " is a property Strimzi forbids in KafkaConnect spec.config").isFalse();
        }
    }

    @Test
    void eachJmxExporterConfigMapHoldsTheRepositoryRulesByteForByteAndIsTheOneReferenced() throws IOException {
        assertThat(Manifests.configMap(ClusterShape.CONNECT_METRICS_CONFIGMAP).at("/data/config.yml").asString())
                .isEqualTo(repoText(StackSources.CONNECT_JMX_RULES));
        assertThat(Manifests.configMap(ClusterShape.BROKER_METRICS_CONFIGMAP).at("/data/config.yml").asString())
                .isEqualTo(repoText(StackSources.BROKER_JMX_RULES));
        assertMetricsFrom(Manifests.one("KafkaConnect").at("/spec/metricsConfig"), ClusterShape.CONNECT_METRICS_CONFIGMAP);
        assertMetricsFrom(Manifests.one("Kafka").at("/spec/kafka/metricsConfig"), ClusterShape.BROKER_METRICS_CONFIGMAP);
    }

    private static void assertMetricsFrom(JsonNode metricsConfig, String configMap) {
        assertThat(metricsConfig.path("type").asString()).isEqualTo("jmxPrometheusExporter");
        assertThat(metricsConfig.at("/valueFrom/configMapKeyRef/name").asString()).isEqualTo(configMap);
        assertThat(metricsConfig.at("/valueFrom/configMapKeyRef/key").asString()).isEqualTo(ClusterShape.JMX_RULES_KEY);
    }

    @Test
    void theConnectBuildTakesDotEnvsDebeziumVersionFromMaven() {
        JsonNode build = Manifests.one("KafkaConnect").at("/spec/build");
        JsonNode plugins = build.path("plugins");
        assertThat(plugins).hasSize(1);
        JsonNode artifact = plugins.get(0).path("artifacts").get(0);
        assertThat(artifact.path("type").asString()).isEqualTo("maven");
        assertThat(artifact.path("group").asString()).isEqualTo("io.debezium");
        assertThat(artifact.path("artifact").asString()).isEqualTo("debezium-connector-postgres");
        assertThat(artifact.path("version").asString()).isEqualTo(env.get("DEBEZIUM_VERSION"));
        assertThat(build.at("/output/image").asString()).endsWith(":" + env.get("DEBEZIUM_VERSION"));
    }

    @Test
    void kafkaAndConnectRunDotEnvsKafkaVersionWhichTheVendoredStrimziSupports() {
        String kafkaVersion = env.get("KAFKA_VERSION");
        assertThat(Manifests.one("Kafka").at("/spec/kafka/version").asString()).isEqualTo(kafkaVersion);
        assertThat(Manifests.one("KafkaConnect").at("/spec/version").asString()).isEqualTo(kafkaVersion);
        List<String> supported = new ArrayList<>();
        for (JsonNode version : YamlDocuments.read(CrdSchema.resourceText("crds/strimzi/kafka-versions.yaml"))) {
            if (version.path("supported").asBoolean(false)) {
                supported.add(version.path("version").asString());
            }
        }
        assertThat(supported)
                .as("KAFKA_VERSION " + kafkaVersion + " in .env against the Kafka versions Strimzi "
                        + ClusterShape.STRIMZI_VERSION + " supports (src/test/resources/crds/strimzi/kafka-versions.yaml)")
                .contains(kafkaVersion);
    }

    @Test
    void theClusterIsThreeCombinedNodesReplicatingEveryPipelineTopicThreeTimes() {
        JsonNode pool = Manifests.one("KafkaNodePool");
        assertThat(pool.at("/metadata/labels/strimzi.io~1cluster").asString()).isEqualTo(ClusterShape.KAFKA_CLUSTER);
        assertThat(pool.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(List.of(pool.at("/spec/roles/0").asString(), pool.at("/spec/roles/1").asString()))
                .containsExactlyInAnyOrder("broker", "controller");
        JsonNode kafkaConfig = Manifests.one("Kafka").at("/spec/kafka/config");
        assertThat(kafkaConfig.path("default.replication.factor").asInt()).isEqualTo(3);
        assertThat(kafkaConfig.path("min.insync.replicas").asInt()).isEqualTo(2);
        assertThat(kafkaConfig.path("offsets.topic.replication.factor").asInt()).isEqualTo(3);
        assertThat(kafkaConfig.path("transaction.state.log.min.isr").asInt()).isEqualTo(2);
        JsonNode connectConfig = Manifests.one("KafkaConnect").at("/spec/config");
        for (String topic : List.of("config", "offset", "status")) {
            assertThat(connectConfig.path(topic + ".storage.replication.factor").asInt()).as(topic).isEqualTo(3);
        }
        assertThat(Manifests.one("KafkaConnector").at("/spec/config/topic.creation.default.replication.factor").asString()).isEqualTo("3");
        assertThat(Manifests.one("KafkaConnector").at("/spec/config/topic.creation.default.min.insync.replicas").asString()).isEqualTo("2");
    }

    @Test
    void connectTakesTheComposeWorkerSettingsAndTheCapturePasswordFromTheSecret() throws IOException {
        JsonNode connect = Manifests.one("KafkaConnect");
        Map<String, String> compose = Manifests.sources().composeConnectEnvironment();
        assertThat(connect.at("/spec/groupId").asString()).isEqualTo(compose.get("GROUP_ID"));
        assertThat(connect.at("/spec/offsetStorageTopic").asString()).isEqualTo(compose.get("OFFSET_STORAGE_TOPIC"));
        assertThat(connect.at("/spec/config/offset.flush.interval.ms").asString()).isEqualTo(compose.get("OFFSET_FLUSH_INTERVAL_MS"));
        assertThat(connect.at("/spec/config/config.providers").asString()).isEqualTo("env");
        assertThat(connect.at("/spec/config/config.providers.env.class").asString())
                .isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(connect.at("/metadata/annotations/strimzi.io~1use-connector-resources").asString()).isEqualTo("true");
        assertThat(Manifests.one("KafkaConnector").at("/metadata/labels/strimzi.io~1cluster").asString())
                .isEqualTo(connect.at("/metadata/name").asString());

        Matcher reference = Pattern.compile("\\$\\{env:(\\w+)}").matcher(
                Manifests.parse(repoText(StackSources.CONNECTOR_FILE)).at("/config/database.password").asString());
        assertThat(reference.matches()).isTrue();
        JsonNode env = connect.at("/spec/template/connectContainer/env");
        assertThat(env).hasSize(1);
        assertThat(env.get(0).path("name").asString()).isEqualTo(reference.group(1));
        assertThat(env.get(0).at("/valueFrom/secretKeyRef/name").asString()).isEqualTo(ClusterShape.CAPTURE_SECRET);
        assertThat(env.get(0).at("/valueFrom/secretKeyRef/key").asString()).isEqualTo(ClusterShape.CAPTURE_SECRET_KEY);
    }

    @Test
    void eachDashboardIsInAConfigMapForTheGrafanaSidecarByteForByte() throws IOException {
        Map<String, String> dashboards = Manifests.sources().dashboards();
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(6);
        List<ObjectNode> configMaps = Manifests.ofKind("ConfigMap").stream()
                .filter(c -> c.at("/metadata/labels/grafana_dashboard").asString("").equals("1")).toList();
        assertThat(configMaps).hasSize(dashboards.size());
        for (String file : dashboards.keySet()) {
            assertThat(configMaps).as(file).anySatisfy(c -> {
                assertThat(c.path("data").propertyNames()).containsExactly(file);
                try {
                    assertThat(c.at("/data/" + file).asString()).isEqualTo(repoText(StackSources.DASHBOARDS_FOLDER + "/" + file));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void thePodMonitorsScrapeAsPrometheusYmlDoes() throws IOException {
        JsonNode prometheus = Manifests.parse(repoText(StackSources.PROMETHEUS_CONFIG));
        List<String> jobs = new ArrayList<>();
        prometheus.path("scrape_configs").forEach(s -> jobs.add(s.path("job_name").asString()));
        List<ObjectNode> monitors = Manifests.ofKind("PodMonitor");
        assertThat(monitors).hasSize(2);
        List<String> monitoredJobs = new ArrayList<>();
        for (ObjectNode monitor : monitors) {
            JsonNode endpoint = monitor.at("/spec/podMetricsEndpoints/0");
            assertThat(endpoint.path("port").asString()).isEqualTo(ClusterShape.METRICS_PORT_NAME);
            assertThat(endpoint.path("interval").asString()).isEqualTo(prometheus.at("/global/scrape_interval").asString());
            JsonNode relabel = endpoint.at("/relabelings/0");
            assertThat(relabel.path("targetLabel").asString()).isEqualTo("job");
            monitoredJobs.add(relabel.path("replacement").asString());
        }
        assertThat(monitoredJobs).containsExactly("kafka", "connect");
        assertThat(jobs).containsAll(monitoredJobs);
        // The rules select these jobs by name: a renamed job in prometheus.yml must show up here.
        String rules = String.join("\n", Manifests.sources().ruleFiles().values());
        assertThat(rules).contains("job=\"kafka\"").contains("job=\"connect\"");
    }
}
