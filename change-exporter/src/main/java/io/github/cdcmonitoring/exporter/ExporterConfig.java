package io.github.cdcmonitoring.exporter;

import io.github.cdcmonitoring.service.ConfigException;
import io.github.cdcmonitoring.service.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The exporter's settings, read from environment variables and checked before anything is contacted; a bad value
 * raises a {@link ConfigException} naming the variable. A blank value counts as unset (compose files commonly pass
 * {@code VAR=${VAR:-}} through).
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>KAFKA_BOOTSTRAP_SERVERS</td><td>localhost:9092</td><td>comma-separated host:port list</td></tr>
 *   <tr><td>CHANGE_EXPORTER_TOPIC_PATTERN</td><td>{@code (cdc|inventory)\..*}</td><td>Java regex; every topic it matches in
 *       full is consumed</td></tr>
 *   <tr><td>CHANGE_EXPORTER_GROUP_ID</td><td>change-exporter</td><td>consumer group; offsets are committed there, so a
 *       restart resumes where the last run stopped</td></tr>
 *   <tr><td>CHANGE_EXPORTER_METRICS_PORT</td><td>9401</td><td>HTTP port of /metrics; 0 = any free port</td></tr>
 *   <tr><td>CHANGE_EXPORTER_KAFKA_WAIT_SECONDS</td><td>120</td><td>how long to wait for Kafka at start</td></tr>
 * </table>
 * Any other CHANGE_EXPORTER_* variable is rejected (a misspelt one would otherwise be ignored silently), except
 * CHANGE_EXPORTER_PORT, the host-side port in .env.
 */
final class ExporterConfig {

    static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    static final String TOPIC_PATTERN = "CHANGE_EXPORTER_TOPIC_PATTERN";
    static final String GROUP_ID = "CHANGE_EXPORTER_GROUP_ID";
    static final String METRICS_PORT = "CHANGE_EXPORTER_METRICS_PORT";
    static final String KAFKA_WAIT_SECONDS = "CHANGE_EXPORTER_KAFKA_WAIT_SECONDS";

    private static final String PREFIX = "CHANGE_EXPORTER_";
    private static final List<String> OWN_VARIABLES =
            List.of(TOPIC_PATTERN, GROUP_ID, METRICS_PORT, KAFKA_WAIT_SECONDS);
    /**
     * The compose stack's .env names the host side of the /metrics port CHANGE_EXPORTER_PORT. A shell that sourced
     * .env passes it on; it is not the exporter's to read, and not a misspelling to reject.
     */
    private static final String DOTENV_HOST_PORT = "CHANGE_EXPORTER_PORT";
    static final long MAX_KAFKA_WAIT_SECONDS = 86_400;
    /** Kafka refuses group ids it cannot use as a key; 255 is the practical limit of its internal topic keys. */
    private static final Pattern GROUP_ID_CHARS = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):([0-9]{1,5})");

    private final String bootstrapServers;
    private final Pattern topicPattern;
    private final String groupId;
    private final int metricsPort;
    private final Duration kafkaWait;

    private ExporterConfig(ConfigValues values) {
        bootstrapServers = bootstrapServers(values.text(BOOTSTRAP_SERVERS, "localhost:9092"));
        topicPattern = topicPattern(values.text(TOPIC_PATTERN, "(cdc|inventory)\\..*"));
        groupId = groupId(values.text(GROUP_ID, "change-exporter"));
        metricsPort = values.integer(METRICS_PORT, 9401, 0, 65535, "HTTP port for /metrics; 0 = any free port");
        kafkaWait = Duration.ofSeconds(values.longInteger(KAFKA_WAIT_SECONDS, 120, 1, MAX_KAFKA_WAIT_SECONDS,
                "seconds to wait for Kafka at start"));
    }

    /**
     * Reads the settings from environment variables (pass {@code System.getenv()}).
     *
     * @throws ConfigException naming the first variable that is invalid or unknown
     */
    static ExporterConfig fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(PREFIX) && !OWN_VARIABLES.contains(name) && !name.equals(DOTENV_HOST_PORT)) {
                throw new ConfigException(name, "unknown setting; the exporter reads " + BOOTSTRAP_SERVERS + ", "
                        + String.join(", ", OWN_VARIABLES), env.get(name));
            }
        }
        return new ExporterConfig(new ConfigValues(env, ConfigValues.OutOfRange.AS_GIVEN));
    }

    /** host:port[,host:port...]; checked here because the Kafka client would only complain on first contact. */
    private static String bootstrapServers(String value) {
        for (String server : value.split(",", -1)) {
            var m = HOST_PORT.matcher(server.strip());
            if (!m.matches()) {
                throw new ConfigException(BOOTSTRAP_SERVERS, "must be a comma-separated list of host:port", value);
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw new ConfigException(BOOTSTRAP_SERVERS, "port " + port + " is not between 1 and 65535", value);
            }
        }
        return value.replace(" ", "");
    }

    private static Pattern topicPattern(String value) {
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(TOPIC_PATTERN, "must be a Java regular expression (" + e.getDescription()
                    + " near index " + e.getIndex() + ")", value);
        }
    }

    private static String groupId(String value) {
        if (!GROUP_ID_CHARS.matcher(value).matches()) {
            throw new ConfigException(GROUP_ID, "must be 1 to 255 characters of A-Z a-z 0-9 . _ -", value);
        }
        return value;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Pattern topicPattern() {
        return topicPattern;
    }

    String groupId() {
        return groupId;
    }

    /** The configured /metrics port; 0 means any free port. */
    int metricsPort() {
        return metricsPort;
    }

    Duration kafkaWait() {
        return kafkaWait;
    }

    /** The settings as one log line (there is no secret among them). */
    @Override
    public String toString() {
        return "bootstrapServers=" + bootstrapServers + " topicPattern=" + topicPattern.pattern() + " groupId="
                + groupId + " metricsPort=" + metricsPort + " kafkaWait=" + kafkaWait.toSeconds() + "s";
    }
}
