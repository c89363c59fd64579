package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.cdcmonitoring.postgres.DotEnv;
import io.github.cdcmonitoring.postgres.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file, checked without a Docker engine: against the official Compose specification schema (vendored in
 * test resources with its license), and for the mistakes the schema cannot see - missing mounted/built files,
 * undefined .env variables, ports not bound to the configured address, a connector pointing elsewhere than the
 * database service.
 */
class ComposeFileTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?[-?][^}]*)?}");

    private static RepoFiles repo;
    private static String composeText;
    private static JsonNode compose;
    private static DotEnv env;
    private static Schema schema;

    @BeforeAll
    static void load() throws IOException {
        repo = RepoFiles.locate();
        composeText = Files.readString(repo.file("docker-compose.yml"));
        // SnakeYAML resolves the file's anchors and aliases (x-connect-build) as docker compose does.
        compose = new ObjectMapper().valueToTree(new Yaml().load(composeText));
        env = repo.dotEnv();
        // The schema's $id is resolved against this location; without one the validator rejects it.
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of("classpath:compose-spec/compose-spec.json"));
    }

    private static List<String> schemaErrors(String yaml) {
        List<String> messages = new ArrayList<>();
        for (Error error : schema.validate(yaml, InputFormat.YAML)) {
            messages.add(error.toString());
        }
        return messages;
    }

    @Test
    void isValidAgainstTheComposeSpecification() {
        assertThat(schemaErrors(composeText)).isEmpty();
    }

    @Test
    void schemaCheckRejectsABrokenFile() {
        // Proves the validation above is real: a misspelt depends_on condition must be reported, naming its place.
        String broken = composeText.replaceFirst("condition: service_healthy", "condition: service_happy");
        assertThat(broken).isNotEqualTo(composeText);
        assertThat(schemaErrors(broken)).anySatisfy(m -> assertThat(m).contains("condition"));
    }

    @Test
    void usesCurrentComposeSyntaxAndKraftOnly() {
        assertThat(compose.has("version")).as("obsolete top-level version key").isFalse();
        assertThat(composeText).doesNotContainIgnoringCase("zookeeper");
        compose.get("services").fields().forEachRemaining(service ->
                assertThat(service.getValue().has("container_name")).as(service.getKey() + " container_name").isFalse());
        assertThat(compose.at("/services/kafka/environment/KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    }

    @Test
    void everyMountedOrBuiltFileExists() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") && !Files.exists(repo.root().resolve(source))) {
                    missing.add(service.getKey() + " mounts " + source);
                }
            }
            JsonNode build = service.getValue().path("build");
            if (!build.isMissingNode()) {
                Path context = repo.root().resolve(build.path("context").asText("."));
                // As in compose, dockerfile is relative to the build context.
                Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
                if (!Files.isDirectory(context)) {
                    missing.add(service.getKey() + " builds from " + context);
                }
                if (!Files.isRegularFile(dockerfile)) {
                    missing.add(service.getKey() + " needs " + dockerfile);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyVariableIsDefinedInDotEnvAndEveryBuildArgIsDeclared() throws IOException {
        Set<String> used = new TreeSet<>();
        Matcher m = VARIABLE.matcher(composeText.replace("$$", ""));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(env.asMap().keySet()).containsAll(used);
        // A build arg the Dockerfile does not declare is silently ignored by docker: catch the typo here.
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
            JsonNode build = it.next().getValue().path("build");
            if (build.isMissingNode()) {
                continue;
            }
            Path context = repo.root().resolve(build.path("context").asText("."));
            String dockerfile = Files.readString(context.resolve(build.path("dockerfile").asText("Dockerfile")));
            build.path("args").fieldNames().forEachRemaining(arg ->
                    assertThat(dockerfile).as("Dockerfile declares ARG " + arg).containsPattern("(?m)^ARG " + arg + "\\b"));
        }
    }

    @Test
    void everyPublishedPortIsBoundToTheConfiguredAddress() {
        assertThat(env.get("BIND_ADDRESS")).isEqualTo("127.0.0.1");
        List<String> ports = new ArrayList<>();
        compose.get("services").forEach(service -> service.path("ports").forEach(p -> ports.add(p.asText())));
        assertThat(ports).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("${BIND_ADDRESS}:"));
        assertThat(ports).contains(
                "${BIND_ADDRESS}:${POSTGRES_PORT}:5432",
                "${BIND_ADDRESS}:${KAFKA_PORT}:9092",
                "${BIND_ADDRESS}:${CONNECT_PORT}:8083",
                "${BIND_ADDRESS}:${CONNECT_METRICS_PORT}:8080");
    }

    @Test
    void theConnectorPointsAtThePostgresServiceWithTheCaptureRole() throws IOException {
        JsonNode connector = new ObjectMapper().readTree(repo.file("register-postgresql.json").toFile()).get("config");
        String host = connector.get("database.hostname").asText();
        JsonNode postgres = compose.at("/services/" + host);
        assertThat(postgres.isMissingNode()).as("a service named " + host).isFalse();
        assertThat(postgres.get("image").asText()).startsWith("postgres:");
        assertThat(postgres.get("ports").get(0).asText()).endsWith(":" + connector.get("database.port").asText());
        assertThat(connector.get("database.dbname").asText()).isEqualTo(env.get("POSTGRES_DB"));
        assertThat(Files.readString(repo.initDbSql()))
                .contains("CREATE ROLE " + connector.get("database.user").asText() + " WITH LOGIN REPLICATION");

        // The password is a config-provider reference resolved from the connect container's environment, never a literal.
        Matcher ref = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}").matcher(connector.get("database.password").asText());
        assertThat(ref.matches()).as("database.password is ${env:...}").isTrue();
        assertThat(compose.at("/services/connect/environment/" + ref.group(1)).asText()).isEqualTo("${" + ref.group(1) + "}");
        assertThat(compose.at("/services/connect/environment/CONNECT_CONFIG_PROVIDERS_ENV_CLASS").asText())
                .isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    }

    @Test
    void servicesStartInOrder() {
        assertThat(compose.at("/services/connect/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/connect/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/connector-init/depends_on/connect/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/data-generator/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        // A service_healthy dependency on a service without a healthcheck would never start.
        compose.get("services").forEach(service -> service.path("depends_on").fields().forEachRemaining(dep -> {
            if ("service_healthy".equals(dep.getValue().path("condition").asText())) {
                assertThat(compose.at("/services/" + dep.getKey() + "/healthcheck").isMissingNode())
                        .as(dep.getKey() + " has a healthcheck").isFalse();
            }
        }));
    }
}
