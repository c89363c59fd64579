package io.github.cdcmonitoring.kubernetes;

import static io.github.cdcmonitoring.kubernetes.ClusterShape.*;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kafka cluster: one KafkaNodePool of three nodes that are broker and controller at once (KRaft), the Kafka
 * resource with the durability settings of the cluster shape, and the broker's JMX exporter rules as a ConfigMap.
 */
final class KafkaClusterManifests {

    /** The compose kafka service's heap (docker-compose.yml), kept: the dedupe buffer below is sized for it. */
    static final String COMPOSE_HEAP = "KAFKA_HEAP_OPTS";
    /** Carried from the compose kafka service: the log cleaner's buffer sized for that heap (see the comment there). */
    static final String COMPOSE_DEDUPE_BUFFER = "KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE";

    private final StackSources sources;

    KafkaClusterManifests(StackSources sources) {
        this.sources = sources;
    }

    List<ObjectNode> all() {
        return List.of(brokerMetricsConfigMap(), nodePool(), kafka());
    }

    ObjectNode brokerMetricsConfigMap() {
        return Resources.configMap(BROKER_METRICS_CONFIGMAP, Map.of(),
                Map.of(JMX_RULES_KEY, sources.brokerJmxRules()));
    }

    ObjectNode nodePool() {
        ObjectNode pool = Resources.resource(STRIMZI_API, "KafkaNodePool", NODE_POOL, Map.of("strimzi.io/cluster", KAFKA_CLUSTER));
        ObjectNode spec = pool.putObject("spec");
        spec.put("replicas", KAFKA_NODES);
        spec.putArray("roles").add("controller").add("broker");
        ObjectNode storage = spec.putObject("storage");
        storage.put("type", "jbod");
        ObjectNode volume = storage.putArray("volumes").addObject();
        volume.put("id", 0);
        volume.put("type", "persistent-claim");
        volume.put("size", KAFKA_VOLUME_SIZE);
        volume.put("deleteClaim", false);
        // The KRaft metadata log on the same volume as the partitions.
        volume.put("kraftMetadata", "shared");
        spec.set("jvmOptions", JvmHeap.jvmOptions(composeSetting(COMPOSE_HEAP),
                "docker-compose.yml services.kafka.environment." + COMPOSE_HEAP));
        return pool;
    }

    ObjectNode kafka() {
        ObjectNode kafka = Resources.resource(STRIMZI_API, "Kafka", KAFKA_CLUSTER, Map.of());
        ObjectNode spec = kafka.putObject("spec").putObject("kafka");
        spec.put("version", sources.kafkaVersion());
        ObjectNode listener = spec.putArray("listeners").addObject();
        listener.put("name", "plain");
        listener.put("port", 9092);
        listener.put("type", "internal");
        listener.put("tls", false);
        ObjectNode config = spec.putObject("config");
        config.put("default.replication.factor", REPLICATION_FACTOR);
        config.put("min.insync.replicas", MIN_INSYNC_REPLICAS);
        config.put("offsets.topic.replication.factor", REPLICATION_FACTOR);
        config.put("transaction.state.log.replication.factor", REPLICATION_FACTOR);
        config.put("transaction.state.log.min.isr", MIN_INSYNC_REPLICAS);
        config.put("log.cleaner.dedupe.buffer.size", Long.parseLong(composeSetting(COMPOSE_DEDUPE_BUFFER)));
        spec.set("metricsConfig", metricsConfig(BROKER_METRICS_CONFIGMAP));
        return kafka;
    }

    private String composeSetting(String name) {
        String value = sources.composeKafkaEnvironment().get(name);
        if (value == null) {
            throw new SourceFileException("docker-compose.yml: services.kafka.environment has no " + name);
        }
        return value;
    }

    /** Strimzi's JMX exporter agent, reading its rules from the ConfigMap {@code configMap}. */
    static ObjectNode metricsConfig(String configMap) {
        ObjectNode metrics = YamlDocuments.object();
        metrics.put("type", "jmxPrometheusExporter");
        ObjectNode ref = metrics.putObject("valueFrom").putObject("configMapKeyRef");
        ref.put("name", configMap);
        ref.put("key", JMX_RULES_KEY);
        return metrics;
    }
}
