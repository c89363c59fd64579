package io.github.cdcmonitoring.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.service.ConfigException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing of the environment; the exit status of the process for the same cases is in BadConfigurationTest. */
class ExporterConfigTest {

    @Test
    void defaultsFitTheComposeStack() throws Exception {
        // What docker-compose.yml's change-exporter service sets, against the defaults a user gets with no variable.
        RepoFiles repo = RepoFiles.locate();
        Map<String, String> compose = ComposeFile.of(repo).serviceEnvironment("change-exporter");
        ExporterConfig fromCompose = ExporterConfig.fromEnvironment(compose);
        ExporterConfig defaults = ExporterConfig.fromEnvironment(Map.of());
        String topicPrefix = new ObjectMapper().readTree(Files.readString(repo.file("register-postgresql.json")))
                .at("/config/topic.prefix").asText();

        assertThat(compose).as("the service sets Kafka, the topics and the metrics port").containsKeys(
                "KAFKA_BOOTSTRAP_SERVERS", "CHANGE_EXPORTER_TOPIC_PATTERN", "CHANGE_EXPORTER_METRICS_PORT");
        assertThat(defaults.topicPattern().pattern()).isEqualTo(fromCompose.topicPattern().pattern());
        assertThat(defaults.topicPattern().matcher(topicPrefix + ".public.users").matches()).isTrue();
        assertThat(defaults.topicPattern().matcher(topicPrefix + "X.public.users").matches()).isFalse();
        assertThat(defaults.metricsPort()).isEqualTo(fromCompose.metricsPort());
        // Run on the host, the exporter reaches the broker on the port compose publishes; inside, the internal listener.
        assertThat(defaults.bootstrapServers()).isEqualTo("localhost:" + repo.dotEnv().get("KAFKA_PORT"));
        // Compose sets no group: the stack's consumer group is the default one, which the dashboards' docs name.
        assertThat(compose).doesNotContainKey("CHANGE_EXPORTER_GROUP_ID");
        assertThat(defaults.groupId()).isEqualTo("change-exporter");
        assertThat(defaults.kafkaWait()).hasSeconds(120);
    }

    @Test
    void readsEveryVariable() {
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:29092, [::1]:9092",
                "CHANGE_EXPORTER_TOPIC_PATTERN", "shop\\.(public|inventory)\\..*",
                "CHANGE_EXPORTER_GROUP_ID", "exporter-2",
                "CHANGE_EXPORTER_METRICS_PORT", "0",
                "CHANGE_EXPORTER_KAFKA_WAIT_SECONDS", "5"));

        assertThat(config.bootstrapServers()).isEqualTo("kafka:29092,[::1]:9092");
        assertThat(config.topicPattern().matcher("shop.inventory.products").matches()).isTrue();
        assertThat(config.groupId()).isEqualTo("exporter-2");
        assertThat(config.metricsPort()).isZero();
        assertThat(config.kafkaWait()).hasSeconds(5);
    }

    @Test
    void blankValuesMeanTheDefault() {
        ExporterConfig config = ExporterConfig.fromEnvironment(Map.of("CHANGE_EXPORTER_METRICS_PORT", " ",
                "KAFKA_BOOTSTRAP_SERVERS", ""));

        assertThat(config.metricsPort()).isEqualTo(9401);
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            KAFKA_BOOTSTRAP_SERVERS             | kafka
            KAFKA_BOOTSTRAP_SERVERS             | kafka:99999
            KAFKA_BOOTSTRAP_SERVERS             | kafka:9092,
            KAFKA_BOOTSTRAP_SERVERS             | http://kafka:9092
            CHANGE_EXPORTER_TOPIC_PATTERN       | cdc\\.(
            CHANGE_EXPORTER_TOPIC_PATTERN       | *
            CHANGE_EXPORTER_GROUP_ID            | my group
            CHANGE_EXPORTER_METRICS_PORT        | 70000
            CHANGE_EXPORTER_METRICS_PORT        | -1
            CHANGE_EXPORTER_METRICS_PORT        | http
            CHANGE_EXPORTER_KAFKA_WAIT_SECONDS  | 0
            CHANGE_EXPORTER_KAFKA_WAIT_SECONDS  | 2.5
            CHANGE_EXPORTER_KAFKA_WAIT_SECONDS  | 86401
            CHANGE_EXPORTER_TOPICS              | cdc.public.users
            """)
    void aBadValueIsRejectedNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo(variable);
                    assertThat(e.getMessage()).startsWith(variable + ": ").endsWith(", got '" + value + "'")
                            .doesNotContain("\n");
                });
    }

    @Test
    void controlCharactersAreEscapedSoTheErrorStaysOneLine() {
        assertThatThrownBy(() -> ExporterConfig.fromEnvironment(Map.of("CHANGE_EXPORTER_METRICS_PORT", "94\n01")))
                .hasMessage("CHANGE_EXPORTER_METRICS_PORT: must be a whole number (HTTP port for /metrics; 0 = any "
                        + "free port), got '94\\u000a01'");
    }
}
