package io.github.cdcmonitoring.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How ComposeFile reads a service's environment: both forms, anchors and merge keys, interpolation from .env. */
class ComposeFileReadingTest {

    @TempDir
    Path dir;

    private ComposeFile compose(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, yaml);
        return ComposeFile.read(file, env);
    }

    @Test
    void mappingFormWithNumbersBooleansAndInterpolation() throws Exception {
        ComposeFile compose = compose("""
                services:
                  connect:
                    environment:
                      GROUP_ID: ${GROUP:-cdc}
                      OFFSET_FLUSH_INTERVAL_MS: 5000
                      ENABLED: true
                      FROM_SHELL:
                      PASSWORD: ${PW}
                """, Map.of("PW", "secret"));
        assertThat(compose.serviceEnvironment("connect")).containsExactly(
                Map.entry("GROUP_ID", "cdc"), Map.entry("OFFSET_FLUSH_INTERVAL_MS", "5000"),
                Map.entry("ENABLED", "true"), Map.entry("PASSWORD", "secret"));
    }

    @Test
    void listFormAndMergedAnchors() throws Exception {
        ComposeFile compose = compose("""
                x-common: &common
                  environment: &env
                    - A=1
                    - B=${B}
                    - FROM_SHELL
                services:
                  connect:
                    <<: *common
                """, Map.of("B", "2"));
        assertThat(compose.serviceEnvironment("connect")).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    }

    /** An override file as docker-compose.cluster.yml writes one: extends, and Compose's !reset and !override tags. */
    @Test
    void overrideFileWithExtendsResetAndOverride() throws Exception {
        Path file = dir.resolve("docker-compose.override.yml");
        Files.writeString(file, """
                services:
                  kafka-2:
                    extends:
                      file: docker-compose.yml
                      service: kafka
                    build: !reset null
                    ports: !override
                      - "127.0.0.1:9095:9092"
                    environment:
                      KAFKA_NODE_ID: 2
                """);
        ComposeFile compose = ComposeFile.read(file, Map.of());
        assertThat(compose.serviceNames()).containsExactly("kafka-2");
        assertThat(compose.serviceExtends("kafka-2")).contains(new ComposeFile.Extends(
                dir.resolve("docker-compose.yml").toAbsolutePath().normalize(), "kafka"));
        assertThat(compose.serviceEnvironment("kafka-2")).containsExactly(Map.entry("KAFKA_NODE_ID", "2"));
    }

    @Test
    void unknownServiceAndUnsetVariableAreNamed() throws Exception {
        ComposeFile compose = compose("""
                services:
                  connect:
                    environment:
                      PASSWORD: ${PW}
                """, Map.of());
        assertThatThrownBy(() -> compose.serviceEnvironment("kafka")).hasMessageContaining("no service named 'kafka'");
        assertThatThrownBy(() -> compose.serviceEnvironment("connect"))
                .hasMessageContaining("services.connect.environment.PASSWORD")
                .hasMessageContaining("variable PW is not set in .env");
    }

    @Test
    void publishedPortVariablesAreTheHostPortsOfEveryServicesPorts() throws Exception {
        ComposeFile compose = compose("""
                services:
                  db:
                    ports:
                      - "${BIND_ADDRESS}:${DB_PORT}:5432"
                  web:
                    ports: ["${WEB_PORT}:80/tcp", "8443:443"]
                  worker:
                    image: busybox
                """, Map.of());
        assertThat(compose.publishedPortVariables()).containsExactly("DB_PORT", "WEB_PORT");
    }

    /** The repository's compose file publishes a port for every *_PORT setting of its .env, and for nothing else. */
    @Test
    void theRepositorysPublishedPortsAreTheDotEnvPortSettings() {
        RepoFiles repo = RepoFiles.locate();
        assertThat(ComposeFile.of(repo).publishedPortVariables()).containsExactlyInAnyOrderElementsOf(
                repo.dotEnv().asMap().keySet().stream().filter(key -> key.endsWith("_PORT")).toList());
    }
}
