package io.github.cdcmonitoring.localstack.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The broker settings the compose file's {@code kafka} service gives the apache/kafka image, read the way the image
 * reads them, so that the native broker runs with the same ones: every {@code KAFKA_*} variable but the start
 * script's own becomes a server property ({@code .} is {@code _}, {@code _} is {@code __}, {@code -} is {@code ___},
 * as the image's docker/README.md says), and {@code KAFKA_HEAP_OPTS} and {@code KAFKA_OPTS} (the JMX exporter agent)
 * go to the JVM.
 */
public record KafkaImageSettings(Map<String, String> serverProperties, List<String> heap, String kafkaOpts) {

    /** kafka-server-start.sh's heap when KAFKA_HEAP_OPTS is not set. */
    private static final String SCRIPT_HEAP = "-Xmx1G -Xms1G";

    /** Variables kafka-run-class.sh and kafka-server-start.sh read themselves; the image does not turn them into properties. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_LOG4J_OPTS",
            "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_DEBUG", "KAFKA_VERSION",
            "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME",
            "KAFKA_JMX_PORT");

    public static KafkaImageSettings of(Map<String, String> serviceEnvironment) {
        Map<String, String> properties = new LinkedHashMap<>();
        serviceEnvironment.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !SCRIPT_VARIABLES.contains(name)) {
                properties.put(propertyName(name.substring("KAFKA_".length())), value);
            }
        });
        String opts = serviceEnvironment.getOrDefault("KAFKA_HEAP_OPTS", "");
        return new KafkaImageSettings(properties, List.of((opts.isBlank() ? SCRIPT_HEAP : opts).trim().split("\\s+")),
                serviceEnvironment.getOrDefault("KAFKA_OPTS", ""));
    }

    /** {@code LOG_CLEANER___X__Y_Z} → {@code log.cleaner-x_y.z}: the longest run of underscores decides first. */
    public static String propertyName(String variable) {
        return variable.toLowerCase(java.util.Locale.ROOT)
                .replace("___", "\u0000").replace("__", "\u0001").replace('_', '.')
                .replace('\u0000', '-').replace('\u0001', '_');
    }
}
