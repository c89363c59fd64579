package io.github.cdcmonitoring.kubernetes;

import static io.github.cdcmonitoring.kubernetes.ClusterShape.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The KafkaConnector: register-postgresql.json's config as spec.config, less what Strimzi takes as its own fields,
 * with the cluster shape's replication for the CDC topics the connector creates.
 */
final class ConnectorManifest {

    /** Config keys Strimzi sets from spec fields (it ignores them in spec.config): key -> the spec field. */
    static final Map<String, String> MOVED_TO_SPEC = Map.of("connector.class", "class", "tasks.max", "tasksMax");

    /**
     * The cluster shape's values for the topics the connector creates (Kafka Connect's topic.creation.default.*): all
     * three copies and two in sync. The file's replication factor -1 takes the broker's default, which the Kafka
     * resource sets to the same 3; stated here too, so that the connector alone shows what its topics get.
     */
    static final Map<String, String> CLUSTER_OVERRIDES = orderedOverrides();

    private final StackSources sources;

    ConnectorManifest(StackSources sources) {
        this.sources = sources;
    }

    private static Map<String, String> orderedOverrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("topic.creation.default.replication.factor", String.valueOf(REPLICATION_FACTOR));
        overrides.put("topic.creation.default.min.insync.replicas", String.valueOf(MIN_INSYNC_REPLICAS));
        return overrides;
    }

    List<ObjectNode> all() {
        return List.of(kafkaConnector());
    }

    ObjectNode kafkaConnector() {
        ObjectNode fileConfig = sources.connectorConfig();
        ObjectNode connector = Resources.resource(STRIMZI_API, "KafkaConnector", sources.connectorName(),
                Map.of("strimzi.io/cluster", CONNECT_CLUSTER));
        ObjectNode spec = connector.putObject("spec");
        spec.put("class", required(fileConfig, "connector.class"));
        spec.put("tasksMax", Integer.parseInt(required(fileConfig, "tasks.max")));
        ObjectNode config = spec.putObject("config");
        for (Map.Entry<String, JsonNode> entry : fileConfig.properties()) {
            if (!MOVED_TO_SPEC.containsKey(entry.getKey())) {
                config.set(entry.getKey(), entry.getValue());
            }
        }
        CLUSTER_OVERRIDES.forEach(config::put);
        return connector;
    }

    private static String required(ObjectNode config, String key) {
        JsonNode value = config.get(key);
        if (value == null || !value.isString()) {
            throw new SourceFileException(StackSources.CONNECTOR_FILE + ": config has no \"" + key + "\" string");
        }
        return value.asString();
    }
}
