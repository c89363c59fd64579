package io.github.cdcmonitoring.kubernetes;

import static io.github.cdcmonitoring.kubernetes.ClusterShape.*;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kafka Connect cluster: Strimzi builds its image with the Debezium PostgreSQL plugin of .env's DEBEZIUM_VERSION
 * (from Maven), runs the repository's JMX exporter rules, and takes the worker settings of the compose connect
 * service, with the cluster shape's replication factor for its internal topics.
 */
final class ConnectManifests {

    /** The compose connect service's settings in the names of Debezium's connect image: worker property for each. */
    private static final Map<String, String> IMAGE_SETTINGS = Map.of(
            "OFFSET_FLUSH_INTERVAL_MS", "offset.flush.interval.ms");
    /** CONNECT_FOO_BAR is worker property foo.bar (the Debezium image's convention, docker-compose.yml). */
    private static final String WORKER_PROPERTY_PREFIX = "CONNECT_";
    /** Compose settings Strimzi's own fields or the cluster shape replace. */
    private static final Set<String> REPLACED = Set.of(
            "BOOTSTRAP_SERVERS", // spec.bootstrapServers: the Strimzi cluster's bootstrap Service
            "GROUP_ID", "CONFIG_STORAGE_TOPIC", "OFFSET_STORAGE_TOPIC", "STATUS_STORAGE_TOPIC", // spec fields, same values
            "HEAP_OPTS", // spec.jvmOptions, same sizes
            "KAFKA_OPTS"); // the JMX exporter agent: Strimzi's metricsConfig
    private static final Pattern INTERNAL_TOPIC_REPLICATION = Pattern.compile("(config|offset|status)\\.storage\\.replication\\.factor");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    static final String DEBEZIUM_PLUGIN = "debezium-connector-postgres";
    static final String DEBEZIUM_GROUP = "io.debezium";

    private final StackSources sources;

    ConnectManifests(StackSources sources) {
        this.sources = sources;
    }

    List<ObjectNode> all() {
        return List.of(connectMetricsConfigMap(), kafkaConnect());
    }

    ObjectNode connectMetricsConfigMap() {
        return Resources.configMap(CONNECT_METRICS_CONFIGMAP, Map.of(),
                Map.of(JMX_RULES_KEY, sources.connectJmxRules()));
    }

    ObjectNode kafkaConnect() {
        Map<String, String> compose = sources.composeConnectEnvironment();
        String passwordVariable = passwordVariable();
        ObjectNode connect = Resources.resource(STRIMZI_API, "KafkaConnect", CONNECT_CLUSTER, Map.of());
        // The connector is the KafkaConnector resource, not a REST call.
        connect.withObject("/metadata").putObject("annotations").put("strimzi.io/use-connector-resources", "true");
        ObjectNode spec = connect.putObject("spec");
        spec.put("version", sources.kafkaVersion());
        spec.put("replicas", CONNECT_REPLICAS);
        spec.put("bootstrapServers", BOOTSTRAP_SERVERS);
        spec.put("groupId", composeSetting("GROUP_ID"));
        spec.put("configStorageTopic", composeSetting("CONFIG_STORAGE_TOPIC"));
        spec.put("offsetStorageTopic", composeSetting("OFFSET_STORAGE_TOPIC"));
        spec.put("statusStorageTopic", composeSetting("STATUS_STORAGE_TOPIC"));
        ObjectNode config = spec.putObject("config");
        for (Map.Entry<String, String> setting : compose.entrySet()) {
            String name = setting.getKey();
            if (REPLACED.contains(name) || name.equals(passwordVariable)) {
                continue;
            }
            String property = workerProperty(name);
            if (INTERNAL_TOPIC_REPLICATION.matcher(property).matches()) {
                config.put(property, REPLICATION_FACTOR);
            } else {
                config.put(property, setting.getValue());
            }
        }
        spec.set("jvmOptions", JvmHeap.jvmOptions(composeSetting("HEAP_OPTS"),
                "docker-compose.yml services.connect.environment.HEAP_OPTS"));
        spec.set("metricsConfig", KafkaClusterManifests.metricsConfig(CONNECT_METRICS_CONFIGMAP));
        // The capture role's password, from the Secret the user creates, in the variable register-postgresql.json's
        // ${env:...} reads through the worker's EnvVarConfigProvider (config.providers above).
        ObjectNode env = spec.putObject("template").putObject("connectContainer").putArray("env").addObject();
        env.put("name", passwordVariable);
        ObjectNode secretRef = env.putObject("valueFrom").putObject("secretKeyRef");
        secretRef.put("name", CAPTURE_SECRET);
        secretRef.put("key", CAPTURE_SECRET_KEY);
        spec.set("build", build());
        return connect;
    }

    private ObjectNode build() {
        ObjectNode build = YamlDocuments.object();
        ObjectNode output = build.putObject("output");
        output.put("type", "docker");
        output.put("image", CONNECT_IMAGE_REPOSITORY + ":" + sources.debeziumVersion());
        ObjectNode plugin = build.putArray("plugins").addObject();
        plugin.put("name", DEBEZIUM_PLUGIN);
        // type maven: Strimzi's build resolves the connector's runtime dependencies with Maven, as
        // debezium-jmx-exporter/Dockerfile does for the compose image.
        ObjectNode artifact = plugin.putArray("artifacts").addObject();
        artifact.put("type", "maven");
        artifact.put("group", DEBEZIUM_GROUP);
        artifact.put("artifact", DEBEZIUM_PLUGIN);
        artifact.put("version", sources.debeziumVersion());
        return build;
    }

    /** The variable named by database.password's {@code ${env:NAME}} in register-postgresql.json. */
    String passwordVariable() {
        String password = sources.connectorConfig().path("database.password").asString("");
        Matcher m = ENV_REFERENCE.matcher(password);
        if (!m.matches()) {
            throw new SourceFileException(StackSources.CONNECTOR_FILE
                    + ": database.password must be an ${env:NAME} reference (a literal password would land in a manifest)");
        }
        return m.group(1);
    }

    private String composeSetting(String name) {
        String value = sources.composeConnectEnvironment().get(name);
        if (value == null) {
            throw new SourceFileException("docker-compose.yml: services.connect.environment has no " + name);
        }
        return value;
    }

    private static String workerProperty(String composeName) {
        if (IMAGE_SETTINGS.containsKey(composeName)) {
            return IMAGE_SETTINGS.get(composeName);
        }
        if (composeName.startsWith(WORKER_PROPERTY_PREFIX)) {
            return composeName.substring(WORKER_PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        throw new SourceFileException("docker-compose.yml: services.connect.environment." + composeName
                + " has no Kubernetes counterpart in the generator: carry it in ConnectManifests or list it as replaced");
    }
}
