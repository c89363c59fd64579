package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every container of docker-compose.yml runs as a user other than root. Images built here end their final stage with
 * a non-root USER; upstream images either set one themselves (read in their Dockerfiles, below) or, for postgres,
 * allow one and get it from compose. A new service fails here until it is put in one of the lists.
 */
class ContainerUsersTest {

    /** The images built from this repository: service -> Dockerfile. */
    private static final Map<String, String> BUILT = Map.of(
            "connect", "debezium-jmx-exporter/Dockerfile",
            "data-generator", "data-generator/Dockerfile",
            "change-exporter", "change-exporter/Dockerfile");

    /**
     * Upstream images whose Dockerfile ends with a non-root USER, so compose must not override it. Read on 2026-11-30:
     * apache/kafka docker/jvm/Dockerfile {@code USER appuser}; prometheus/prometheus Dockerfile {@code USER nobody};
     * prometheus-community/postgres_exporter Dockerfile {@code USER nobody}; grafana/grafana Dockerfile
     * {@code USER "$GF_UID"} (472); connector-init runs the image connect builds ({@code USER kafka}).
     * Read on 2026-12-04: prometheus/alertmanager Dockerfile {@code USER nobody}. Read on 2026-12-05:
     * prometheus/node_exporter Dockerfile {@code USER nobody} (it only needs to stat the volume's mount point).
     */
    private static final Set<String> UPSTREAM_NON_ROOT = Set.of("kafka", "prometheus", "alertmanager",
            "postgres-exporter", "node-exporter", "grafana", "connector-init");

    /**
     * Upstream images whose entrypoint starts as root unless told otherwise, but which allow a non-root user:
     * docker-library/postgres runs as root only to chown PGDATA and then steps down with gosu; its PGDATA is created
     * mode 1777 "to allow semi-arbitrary --user values" (17/bookworm/Dockerfile).
     */
    private static final Map<String, String> GIVEN_A_USER = Map.of("postgres", "postgres");

    private final RepoFiles repo = RepoFiles.locate();

    @Test
    void everyContainerRunsAsNonRoot() throws IOException {
        JsonNode services = compose().get("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        Set<String> classified = new TreeSet<>(BUILT.keySet());
        classified.addAll(UPSTREAM_NON_ROOT);
        classified.addAll(GIVEN_A_USER.keySet());
        assertThat(names).as("services of docker-compose.yml, each classified here").isEqualTo(classified);

        GIVEN_A_USER.forEach((service, user) ->
                assertThat(services.at("/" + service + "/user").asText()).as(service + " user").isEqualTo(user));
        for (String service : names) {
            if (!GIVEN_A_USER.containsKey(service)) {
                assertThat(services.path(service).has("user")).as(service + " keeps its image's USER").isFalse();
            }
        }
        BUILT.forEach((service, dockerfile) -> {
            String user = finalUser(read(dockerfile));
            assertThat(user).as(dockerfile + ": USER of the final stage").isNotNull();
            assertThat(isRoot(user)).as(dockerfile + ": USER " + user).isFalse();
        });
        assertThat(compose().at("/services/connector-init/image").asText())
                .isEqualTo(compose().at("/services/connect/image").asText());
    }

    @Test
    void theDockerfileCheckCatchesARootStage() {
        assertThat(finalUser("FROM a AS build\nUSER 10001\nFROM b\nRUN x\n")).isNull();
        assertThat(finalUser("FROM a\nUSER root\nRUN x\nUSER kafka\n")).isEqualTo("kafka");
        assertThat(isRoot(finalUser("FROM a\nUSER kafka\nUSER 0:0\n"))).isTrue();
    }

    /** The last USER of the final stage (after the last FROM), or null if it sets none (then it runs as root). */
    static String finalUser(String dockerfile) {
        String user = null;
        for (String line : dockerfile.split("\n")) {
            String[] words = line.strip().split("\\s+", 2);
            if (words[0].equalsIgnoreCase("FROM")) {
                user = null;
            } else if (words[0].equalsIgnoreCase("USER") && words.length == 2) {
                user = words[1].strip();
            }
        }
        return user;
    }

    private static boolean isRoot(String user) {
        String name = user.split(":")[0];
        return List.of("root", "0").contains(name);
    }

    private JsonNode compose() throws IOException {
        return new ObjectMapper().valueToTree(new Yaml().load(Files.readString(repo.file("docker-compose.yml"))));
    }

    private String read(String file) {
        try {
            return Files.readString(repo.file(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
