package io.github.cdcmonitoring.localstack.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options a compose service passes in KAFKA_OPTS, with its Prometheus JMX exporter agent pointed at this
 * machine's jar, rules file and loopback port instead of the image's paths (e.g.
 * {@code -javaagent:/kafka/jmx-exporter/jmx_prometheus_javaagent.jar=8080:/kafka/jmx-exporter/config.yml}).
 */
public final class JmxAgentOption {

    private static final String AGENT_JAR = "jmx_prometheus_javaagent";

    private JmxAgentOption() {
    }

    /**
     * @param service the compose service, named in the error when its KAFKA_OPTS loads no agent
     * @param kafkaOpts the service's KAFKA_OPTS, split into words as kafka-run-class.sh splits an unquoted $KAFKA_OPTS
     */
    public static List<String> localised(String service, String kafkaOpts, Path agentJar, int port, Path rules) {
        List<String> options = new ArrayList<>();
        boolean agent = false;
        for (String option : kafkaOpts.trim().split("\\s+")) {
            if (option.startsWith("-javaagent:") && option.contains(AGENT_JAR)) {
                options.add("-javaagent:" + agentJar + "=127.0.0.1:" + port + ":" + rules);
                agent = true;
            } else if (!option.isEmpty()) {
                options.add(option);
            }
        }
        if (!agent) {
            throw new IllegalArgumentException("services." + service + ".environment.KAFKA_OPTS does not load the JMX "
                    + "exporter (-javaagent:...jmx_prometheus_javaagent.jar=<port>:<config>): the compose stack "
                    + "would export no metrics");
        }
        return options;
    }
}
