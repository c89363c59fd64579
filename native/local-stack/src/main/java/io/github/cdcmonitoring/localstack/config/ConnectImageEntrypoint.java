package io.github.cdcmonitoring.localstack.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What the Debezium connect image's {@code docker-entrypoint.sh} (debezium/container-images, connect-base) makes of
 * the container's environment, so that the native worker runs with the settings the compose file gives the
 * {@code connect} service. The script:
 * <ol>
 *   <li>starts from the Kafka distribution's stock {@code config/connect-distributed.properties} (copied from
 *       {@code config.orig} into {@code config});</li>
 *   <li>turns the image's own names into {@code CONNECT_*} variables, with its defaults, overwriting any
 *       {@code CONNECT_*} variable of the same meaning: BOOTSTRAP_SERVERS (default 0.0.0.0:9092), GROUP_ID (1),
 *       CONFIG_STORAGE_TOPIC and OFFSET_STORAGE_TOPIC (required), STATUS_STORAGE_TOPIC (optional), KEY_CONVERTER and
 *       VALUE_CONVERTER (JsonConverter), OFFSET_FLUSH_INTERVAL_MS (60000), OFFSET_FLUSH_TIMEOUT_MS (5000),
 *       SHUTDOWN_TIMEOUT (10000, to task.shutdown.graceful.timeout.ms), REST_PORT/ADVERTISED_PORT (8083) and
 *       REST_HOST_NAME/ADVERTISED_HOST_NAME (the container's address); HEAP_OPTS becomes KAFKA_HEAP_OPTS;</li>
 *   <li>takes {@code CONNECT_LOG4J*} variables for the logging configuration, not the worker's;</li>
 *   <li>turns every other {@code CONNECT_FOO_BAR=value} into worker property {@code foo.bar=value}, replacing the
 *       line (even a commented-out one) if the stock file has it, else appending it. The image's Dockerfile sets
 *       CONNECT_PLUGIN_PATH=/kafka/connect this way.</li>
 * </ol>
 * The script rewrites existing lines with {@code sed}, which mangles values containing {@code @}, {@code &} or a
 * backslash; such values are refused here so the two cannot silently differ.
 */
public final class ConnectImageEntrypoint {

    /** Path of the image's plugin directory, set by its Dockerfile as CONNECT_PLUGIN_PATH. */
    public static final String IMAGE_PLUGIN_PATH = "/kafka/connect";

    private static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

    /** Variables the script consumes and unsets before Kafka Connect starts. */
    private static final Set<String> CONSUMED = Set.of("HOST_NAME", "REST_PORT", "REST_HOST_NAME", "ADVERTISED_PORT",
            "ADVERTISED_HOST_NAME", "GROUP_ID", "OFFSET_FLUSH_INTERVAL_MS", "OFFSET_FLUSH_TIMEOUT_MS",
            "SHUTDOWN_TIMEOUT", "KEY_CONVERTER", "VALUE_CONVERTER", "HEAP_OPTS");

    /**
     * The translation's outcome.
     *
     * @param workerProperties the worker configuration, stock file order first, then appended properties
     * @param heapOpts KAFKA_HEAP_OPTS as the image sets it from HEAP_OPTS, or null when the compose file sets none
     * @param kafkaOpts KAFKA_OPTS (extra JVM options, the JMX agent among them), or an empty string
     * @param environment the variables the Connect process itself sees (the connector's ${env:...} values)
     */
    public record Result(Map<String, String> workerProperties, String heapOpts, String kafkaOpts,
                  Map<String, String> environment) {
    }

    private ConnectImageEntrypoint() {
    }

    /**
     * @param composeEnvironment {@code services.connect.environment}, interpolated
     * @param hostName the address the container would have (HOST_NAME: the default REST and advertised host)
     */
    public static Result translate(Map<String, String> composeEnvironment, String hostName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CONNECT_PLUGIN_PATH", IMAGE_PLUGIN_PATH); // the image's Dockerfile ENV
        env.putAll(composeEnvironment);

        if (!blank(env.get("APICURIO_REGISTRY"))) {
            throw new IllegalArgumentException("APICURIO_REGISTRY (Avro through Apicurio) is not supported by the "
                    + "native stack: its converters are not part of the connector plugin");
        }
        String bootstrap = valueOr(env, "BOOTSTRAP_SERVERS", "0.0.0.0:9092");
        String host = valueOr(env, "HOST_NAME", hostName);
        env.put("CONNECT_REST_ADVERTISED_PORT", valueOr(env, "ADVERTISED_PORT", "8083"));
        env.put("CONNECT_REST_ADVERTISED_HOST_NAME", valueOr(env, "ADVERTISED_HOST_NAME", host));
        env.put("CONNECT_REST_PORT", valueOr(env, "REST_PORT", "8083"));
        env.put("CONNECT_REST_HOST_NAME", valueOr(env, "REST_HOST_NAME", host));
        env.put("CONNECT_BOOTSTRAP_SERVERS", bootstrap);
        env.put("CONNECT_GROUP_ID", valueOr(env, "GROUP_ID", "1"));
        env.put("CONNECT_CONFIG_STORAGE_TOPIC", env.getOrDefault("CONFIG_STORAGE_TOPIC", ""));
        env.put("CONNECT_OFFSET_STORAGE_TOPIC", env.getOrDefault("OFFSET_STORAGE_TOPIC", ""));
        if (!blank(env.get("STATUS_STORAGE_TOPIC"))) {
            env.put("CONNECT_STATUS_STORAGE_TOPIC", env.get("STATUS_STORAGE_TOPIC"));
        }
        env.put("CONNECT_KEY_CONVERTER", valueOr(env, "KEY_CONVERTER", JSON_CONVERTER));
        env.put("CONNECT_VALUE_CONVERTER", valueOr(env, "VALUE_CONVERTER", JSON_CONVERTER));
        env.put("CONNECT_TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS", valueOr(env, "SHUTDOWN_TIMEOUT", "10000"));
        env.put("CONNECT_OFFSET_FLUSH_INTERVAL_MS", valueOr(env, "OFFSET_FLUSH_INTERVAL_MS", "60000"));
        env.put("CONNECT_OFFSET_FLUSH_TIMEOUT_MS", valueOr(env, "OFFSET_FLUSH_TIMEOUT_MS", "5000"));
        String heapOpts = blank(env.get("HEAP_OPTS")) ? null : env.get("HEAP_OPTS");
        CONSUMED.forEach(env::remove);

        // The script's own start-up checks, with its messages.
        require(env, "CONNECT_GROUP_ID", "The GROUP_ID must be set to an ID that uniquely identifies the Kafka "
                + "Connect cluster these workers belong to.");
        require(env, "CONNECT_CONFIG_STORAGE_TOPIC", "The CONFIG_STORAGE_TOPIC variable must be set to the name of "
                + "the topic where connector configurations will be stored.");
        require(env, "CONNECT_OFFSET_STORAGE_TOPIC", "The OFFSET_STORAGE_TOPIC variable must be set to the name of "
                + "the topic where connector offsets will be stored.");

        Stock stock = Stock.load();
        Map<String, String> properties = new LinkedHashMap<>(stock.properties);
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("CONNECT_") || name.startsWith("CONNECT_LOG4J")) {
                continue; // CONNECT_LOG4J* configure logging only
            }
            String property = name.substring("CONNECT_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            String value = e.getValue();
            if (stock.lineKeys.contains(property) && value.matches("(?s).*[@&\\\\].*")) {
                throw new IllegalArgumentException(name + ": the connect image's entrypoint writes " + property
                        + " with sed, which mangles values containing @, & or a backslash");
            }
            properties.put(property, value);
        }

        Map<String, String> processEnv = new LinkedHashMap<>(composeEnvironment);
        CONSUMED.forEach(processEnv::remove);
        processEnv.remove("KAFKA_OPTS");
        return new Result(Collections.unmodifiableMap(properties), heapOpts,
                composeEnvironment.getOrDefault("KAFKA_OPTS", ""), Collections.unmodifiableMap(processEnv));
    }

    /** bash {@code : ${NAME:=default}}: the default when the variable is unset or empty. */
    private static String valueOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return blank(value) ? fallback : value;
    }

    private static boolean blank(String value) {
        return value == null || value.isEmpty();
    }

    private static void require(Map<String, String> env, String name, String message) {
        if (blank(env.get(name))) {
            throw new IllegalArgumentException("services.connect.environment: " + message);
        }
    }

    /** The stock connect-distributed.properties: its properties, and every key on a line, commented-out or not. */
    private record Stock(Map<String, String> properties, Set<String> lineKeys) {

        public static Stock load() {
            String text;
            try (InputStream in = ConnectImageEntrypoint.class.getResourceAsStream("connect-distributed.properties")) {
                if (in == null) {
                    throw new IllegalStateException("connect-distributed.properties is missing from local-stack");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Properties loaded = new Properties();
            try {
                loaded.load(new StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            Set<String> keys = new LinkedHashSet<>();
            for (String line : List.of(text.split("\n"))) {
                // The script's test: grep -E "(^|^#)$prop_name="
                String candidate = line.startsWith("#") ? line.substring(1) : line;
                int eq = candidate.indexOf('=');
                if (eq > 0 && candidate.substring(0, eq).matches("[a-z0-9.]+")) {
                    String key = candidate.substring(0, eq);
                    keys.add(key);
                    if (loaded.containsKey(key)) {
                        ordered.put(key, loaded.getProperty(key));
                    }
                }
            }
            return new Stock(Collections.unmodifiableMap(ordered), Collections.unmodifiableSet(keys));
        }
    }
}
