package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
        assertThat(compose.at("/services/postgres-exporter/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/change-exporter/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.at("/services/grafana/depends_on/prometheus/condition").asText()).isEqualTo("service_healthy");
        // Prometheus sends its alerts from the first evaluation on: Alertmanager must be there to take them.
        assertThat(compose.at("/services/prometheus/depends_on/alertmanager/condition").asText()).isEqualTo("service_healthy");
        // A service_healthy dependency on a service without a healthcheck would never start.
        compose.get("services").forEach(service -> service.path("depends_on").fields().forEachRemaining(dep -> {
            if ("service_healthy".equals(dep.getValue().path("condition").asText())) {
                assertThat(compose.at("/services/" + dep.getKey() + "/healthcheck").isMissingNode())
                        .as(dep.getKey() + " has a healthcheck").isFalse();
            }
        }));
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void onlyOneServiceBuildsEachImage() {
        // Compose builds every service that has build: as its own bake target; two targets tagging the same image make
        // the first `docker compose up` fail with "image ... already exists".
        Map<String, List<String>> buildersByImage = new TreeMap<>();
        compose.get("services").fields().forEachRemaining(service -> {
            if (service.getValue().has("build")) {
                String image = service.getValue().path("image").asText("<project>-" + service.getKey());
                buildersByImage.computeIfAbsent(image, i -> new ArrayList<>()).add(service.getKey());
            }
        });
        List<String> shared = new ArrayList<>();
        buildersByImage.forEach((image, builders) -> {
            if (builders.size() > 1) {
                shared.add(image + " is built by " + builders);
            }
        });
        assertThat(shared).as("images built by more than one service").isEmpty();

        // A service that only names an image another service builds must never try to pull it from a registry.
        compose.get("services").fields().forEachRemaining(service -> {
            List<String> builders = buildersByImage.get(service.getValue().path("image").asText());
            if (builders != null && !service.getValue().has("build")) {
                assertThat(service.getValue().path("pull_policy").asText()).as(service.getKey() + " pull_policy")
                        .isEqualTo("never");
                assertThat(service.getValue().path("depends_on").has(builders.get(0)))
                        .as(service.getKey() + " depends on " + builders.get(0)).isTrue();
            }
        });
    }

    @Test
    void aServiceThatNamesTheImageItBuildsNeverPullsIt() {
        // With build: and image: but no pull_policy, Compose first tries to pull the image name from a registry and
        // builds only when that fails (pkg/compose/pull.go, "image can be built, so we can ignore pull failure"):
        // whoever publishes the name would have their image run with this stack's passwords. A service with build:
        // and no image: is never pulled (mustPull skips an empty image name).
        List<String> pulled = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(service -> {
            JsonNode s = service.getValue();
            if (s.has("build") && s.has("image") && !"build".equals(s.path("pull_policy").asText())) {
                pulled.add(service.getKey() + " builds " + s.path("image").asText() + " with pull_policy '"
                        + s.path("pull_policy").asText() + "'");
            }
        });
        assertThat(pulled).as("services that build a named image without pull_policy: build").isEmpty();
        assertThat(compose.at("/services/connect/pull_policy").asText()).isEqualTo("build");
    }

    @Test
    void theReadmeRequiresTheBuildxThatComposeBuildsWith() throws IOException {
        // Compose 2.40.2 and later refuse buildx older than 0.17 ("compose build requires buildx 0.17 or later",
        // pkg/compose/build_bake.go), and Compose 5 without buildx falls back to the classic builder (BuilderV1,
        // pkg/compose/build_classic.go), which rejects RUN --mount and reads no Dockerfile.dockerignore.
        boolean builds = false;
        for (JsonNode service : compose.get("services")) {
            builds |= service.has("build");
        }
        assertThat(builds).as("the compose file builds images").isTrue();
        String readme = Files.readString(repo.file("README.md"));
        Matcher line = Pattern.compile("(?m)^Requirements:.*$").matcher(readme);
        assertThat(line.find()).as("README.md has a line starting with 'Requirements:'").isTrue();
        Matcher buildx = Pattern.compile("buildx(?: plugin)? (\\d+)\\.(\\d+)").matcher(line.group());
        assertThat(buildx.find()).as("README's '" + line.group() + "' names the buildx version").isTrue();
        assertThat(Integer.parseInt(buildx.group(1)) * 1000 + Integer.parseInt(buildx.group(2)))
                .as("buildx minimum in README's '" + line.group() + "'").isGreaterThanOrEqualTo(17);
    }

    @Test
    void theConnectHeapCommentNamesTheHeapAndQueueItSets() throws IOException {
        // The comment above HEAP_OPTS argues from two figures: both must be the ones the files set.
        String heapOpts = compose.at("/services/connect/environment/HEAP_OPTS").asText();
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(heapOpts);
        assertThat(xmx.find()).as("HEAP_OPTS " + heapOpts + " sets -Xmx in MiB").isTrue();
        long queueBytes = new ObjectMapper().readTree(repo.file("register-postgresql.json").toFile())
                .at("/config/max.queue.size.in.bytes").asLong();
        assertThat(queueBytes % (1024 * 1024)).as("max.queue.size.in.bytes in whole MiB").isZero();

        List<String> lines = composeText.lines().toList();
        int at = 0;
        while (!lines.get(at).strip().startsWith("HEAP_OPTS:")) {
            at++;
        }
        StringBuilder comment = new StringBuilder();
        for (int i = at - 1; i >= 0 && lines.get(i).strip().startsWith("#"); i--) {
            comment.insert(0, lines.get(i).strip().substring(1) + " ");
        }
        Set<String> mib = new TreeSet<>();
        Matcher figure = Pattern.compile("(\\d+) MiB").matcher(comment);
        while (figure.find()) {
            mib.add(figure.group(1));
        }
        assertThat(mib).as("MiB figures in the comment above HEAP_OPTS: " + comment)
                .containsExactlyInAnyOrder(Long.toString(queueBytes / (1024 * 1024)), xmx.group(1));
    }

    @Test
    void theReadmeRequiresTheDockerVersionTheComposeFileNeeds() throws IOException {
        // Healthcheck start_interval is refused by Docker Engines older than 25.0 (API 1.44).
        List<String> needsEngine25 = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(service -> {
            if (service.getValue().path("healthcheck").has("start_interval")) {
                needsEngine25.add(service.getKey());
            }
        });
        String readme = Files.readString(repo.file("README.md"));
        Matcher line = Pattern.compile("(?m)^Requirements:.*$").matcher(readme);
        assertThat(line.find()).as("README.md has a line starting with 'Requirements:'").isTrue();
        String requirements = line.group();
        Matcher engine = Pattern.compile("Docker Engine (\\d+)").matcher(requirements);
        int engineStated = engine.find() ? Integer.parseInt(engine.group(1)) : 0;
        assertThat(requirements).as("README requirements name the Compose version").containsPattern("Compose v2\\.\\d+");
        if (engineStated < 25) {
            // The README promises any Engine: then no healthcheck may use what Engines before 25.0 refuse.
            assertThat(needsEngine25).as("services whose healthcheck uses start_interval (Docker Engine 25+), while "
                    + "README's '" + requirements + "' asks for no Engine 25").isEmpty();
        }
    }

    @Test
    void connectTurnsHealthyOnlyOnceTheWorkerHasJoinedItsGroup() {
        // GET /connectors answers as soon as the REST server is up; GET /health (Kafka Connect 3.9+) answers 503 until
        // the worker has joined its group and can serve requests.
        String test = String.join(" ", strings(compose.at("/services/connect/healthcheck/test")));
        assertThat(test).contains("http://localhost:8083/health").doesNotContain("/connectors");
    }

    @Test
    void bindMountsCarryTheSharedSelinuxLabel() {
        // Without :z an SELinux-enforcing host (Fedora, RHEL) denies the containers their repository files.
        List<String> unlabelled = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(service -> service.getValue().path("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            if (parts[0].startsWith(".")) {
                List<String> options = parts.length > 2 ? List.of(parts[2].split(",")) : List.of();
                if (!options.contains("z")) {
                    unlabelled.add(service.getKey() + ": " + v.asText());
                }
            }
        }));
        assertThat(unlabelled).as("bind mounts without :z").isEmpty();
    }

    @Test
    void connectKeepsNoConfigurationFromAnEarlierImage() {
        // The Debezium connect image declares VOLUME /kafka/config (connect-base Dockerfile) and its entrypoint copies
        // the stock files there only if absent (cp -n): an anonymous volume kept across `up` would serve an old image's
        // config after an upgrade. A tmpfs mount gives every container start the current image's files.
        JsonNode connect = compose.at("/services/connect");
        List<String> targets = new ArrayList<>();
        connect.path("tmpfs").forEach(t -> targets.add(t.asText().split(":")[0]));
        connect.path("volumes").forEach(v -> targets.add(v.asText().split(":").length > 1 ? v.asText().split(":")[1] : v.asText()));
        assertThat(targets).as("mount targets of the connect service (tmpfs and volumes)").contains("/kafka/config");
    }

    @Test
    void theJmxAgentOverrideForKafkaToolsIsDocumented() {
        // KAFKA_OPTS is container-wide: a Kafka tool run with `docker compose exec connect` would start a second agent
        // on port 8080 and exit, unless the command clears it as the compose file's comment says.
        assertThat(compose.at("/services/connect/environment/KAFKA_OPTS").asText()).contains("-javaagent:");
        assertThat(composeText).contains("docker compose exec -e KAFKA_OPTS= connect");
    }

    /**
     * Names that register-postgresql.json repeats from .env, init-db.sql and the postgres healthcheck (null: a
     * connector file the healthcheck does not name, register-inventory.json). The file
     * cannot take them from .env (Connect's config providers resolve only in the worker, and the registration script
     * checks the tables with psql first), so the build fails when they disagree.
     */
    private static List<String> nameMismatches(String file, JsonNode connector, Map<String, String> dotEnv,
                                               String initSql, String postgresHealthcheck) {
        List<String> problems = new ArrayList<>();
        String db = connector.path("database.dbname").asText();
        String user = connector.path("database.user").asText();
        String publication = connector.path("publication.name").asText();
        if (!db.equals(dotEnv.get("POSTGRES_DB"))) {
            problems.add(file + " database.dbname " + db + " but .env POSTGRES_DB "
                    + dotEnv.get("POSTGRES_DB"));
        }
        if (!initSql.contains("CREATE ROLE " + user + " WITH LOGIN REPLICATION")) {
            problems.add("database.user " + user + " is not the replication role init-db.sql creates");
        }
        if (!initSql.contains("CREATE PUBLICATION " + publication + "\n")) {
            problems.add("publication.name " + publication + " is not the publication init-db.sql creates");
        }
        if (postgresHealthcheck != null
                && (!postgresHealthcheck.contains("'" + user + "'") || !postgresHealthcheck.contains("'" + publication + "'"))) {
            problems.add("the postgres healthcheck does not check for role " + user + " and publication " + publication);
        }
        return problems;
    }

    @Test
    void theConnectorsNamesAgreeWithDotEnvInitDbAndTheHealthcheck() throws IOException {
        JsonNode connector = new ObjectMapper().readTree(repo.file("register-postgresql.json").toFile()).get("config");
        String initSql = Files.readString(repo.initDbSql());
        String healthcheck = String.join(" ", strings(compose.at("/services/postgres/healthcheck/test")));
        assertThat(nameMismatches("register-postgresql.json", connector, env.asMap(), initSql, healthcheck)).isEmpty();
        // The inventory dataset's connector: the same database and role, its own publication. The healthcheck waits
        // for register-postgresql.json's publication, which init-db.sql creates after this one (both or neither).
        JsonNode inventory = new ObjectMapper().readTree(repo.file("register-inventory.json").toFile()).get("config");
        assertThat(nameMismatches("register-inventory.json", inventory, env.asMap(), initSql, null)).isEmpty();
        assertThat(initSql.indexOf("CREATE PUBLICATION " + inventory.path("publication.name").asText() + "\n"))
                .as("init-db.sql creates the inventory publication before the one the healthcheck waits for")
                .isLessThan(initSql.indexOf("CREATE PUBLICATION " + connector.path("publication.name").asText() + "\n"));

        // The check can fail: POSTGRES_DB changed in .env alone.
        Map<String, String> changed = new LinkedHashMap<>(env.asMap());
        changed.put("POSTGRES_DB", "otherDB");
        assertThat(nameMismatches("register-postgresql.json", connector, changed, initSql, healthcheck))
                .containsExactly("register-postgresql.json database.dbname " + connector.path("database.dbname").asText()
                        + " but .env POSTGRES_DB otherDB");
    }

    @Test
    void everyNamedVolumeIsDeclared() {
        Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        compose.get("services").fields().forEachRemaining(service -> service.getValue().path("volumes").forEach(v -> {
            String source = v.asText().split(":")[0];
            if (v.asText().contains(":") && !source.startsWith(".") && !source.startsWith("/")) {
                assertThat(declared).as(service.getKey() + " uses volume " + source).contains(source);
            }
        }));
    }

    @Test
    void monitoringServicesAsTheContractNamesThem() throws IOException {
        // Images pinned in .env, current major versions.
        assertThat(compose.at("/services/prometheus/image").asText()).isEqualTo("prom/prometheus:${PROMETHEUS_VERSION}");
        assertThat(env.get("PROMETHEUS_VERSION")).matches("v3\\.\\d+\\.\\d+");
        assertThat(compose.at("/services/grafana/image").asText()).isEqualTo("grafana/grafana:${GRAFANA_VERSION}");
        assertThat(env.get("GRAFANA_VERSION")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(compose.at("/services/postgres-exporter/image").asText())
                .isEqualTo("quay.io/prometheuscommunity/postgres-exporter:${POSTGRES_EXPORTER_VERSION}");
        assertThat(env.get("POSTGRES_EXPORTER_VERSION")).matches("v0\\.(18|19|20)\\.\\d+");
        assertThat(compose.at("/services/alertmanager/image").asText())
                .isEqualTo("prom/alertmanager:${ALERTMANAGER_VERSION}");
        assertThat(env.get("ALERTMANAGER_VERSION")).matches("v0\\.\\d+\\.\\d+");

        // Ports: the .env variables and defaults that prometheus.yml and the READMEs name, every one on BIND_ADDRESS.
        Map<String, String> ports = Map.of("prometheus", "PROMETHEUS_PORT:9090", "grafana", "GRAFANA_PORT:3000",
                "alertmanager", "ALERTMANAGER_PORT:9093",
                "postgres-exporter", "POSTGRES_EXPORTER_PORT:9187", "change-exporter", "CHANGE_EXPORTER_PORT:9401",
                "data-generator", "GENERATOR_METRICS_PORT:9400", "connect", "CONNECT_METRICS_PORT:8080");
        ports.forEach((service, port) -> {
            String variable = port.split(":")[0];
            String containerPort = port.split(":")[1];
            assertThat(strings(compose.at("/services/" + service + "/ports")))
                    .contains("${BIND_ADDRESS}:${" + variable + "}:" + containerPort);
            assertThat(env.get(variable)).as(variable).isEqualTo(containerPort);
        });

        // Mounts as debezium-prometheus/ and debezium-grafana/ expect them (read-only, SELinux-labelled), data in named volumes.
        assertThat(strings(compose.at("/services/prometheus/volumes")))
                .contains("./debezium-prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro,z",
                        "./debezium-prometheus/rules:/etc/prometheus/rules:ro,z", "prometheus-data:/prometheus");
        assertThat(strings(compose.at("/services/alertmanager/volumes")))
                .contains("./debezium-prometheus/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro,z",
                        "alertmanager-data:/alertmanager");
        assertThat(strings(compose.at("/services/alertmanager/command")))
                .contains("--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager");
        assertThat(strings(compose.at("/services/grafana/volumes"))).contains(
                "./debezium-grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro,z",
                "./debezium-grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro,z",
                "./debezium-grafana/dashboards:/var/lib/grafana/dashboards:ro,z",
                "grafana-data:/var/lib/grafana");

        // Grafana: no admin/admin, no anonymous access, no sign-up; the overview dashboard as home.
        JsonNode grafana = compose.at("/services/grafana/environment");
        assertThat(grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText()).isEqualTo("${GRAFANA_ADMIN_PASSWORD}");
        assertThat(env.get("GRAFANA_ADMIN_PASSWORD")).isNotBlank().isNotEqualTo("admin");
        assertThat(grafana.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
        assertThat(grafana.path("GF_USERS_ALLOW_SIGN_UP").asText()).isEqualTo("false");
        assertThat(grafana.path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText())
                .isEqualTo("/var/lib/grafana/dashboards/cdc-overview.json");

        // Health: Prometheus's readiness endpoint, Grafana's health API.
        assertThat(String.join(" ", strings(compose.at("/services/prometheus/healthcheck/test")))).contains("/-/ready");
        assertThat(String.join(" ", strings(compose.at("/services/grafana/healthcheck/test")))).contains("/api/health");
        assertThat(String.join(" ", strings(compose.at("/services/alertmanager/healthcheck/test")))).contains("/-/healthy");

        // postgres-exporter logs in as the least-privilege monitoring role that init-db.sql creates.
        JsonNode exporter = compose.at("/services/postgres-exporter/environment");
        assertThat(exporter.path("DATA_SOURCE_USER").asText()).isEqualTo("cdc_monitor");
        assertThat(exporter.path("DATA_SOURCE_PASS").asText()).isEqualTo("${MONITOR_DB_PASSWORD}");
        assertThat(exporter.path("DATA_SOURCE_URI").asText()).isEqualTo("postgres:5432/${POSTGRES_DB}?sslmode=disable");
        assertThat(compose.at("/services/postgres/environment/MONITOR_DB_PASSWORD").asText())
                .isEqualTo("${MONITOR_DB_PASSWORD}");
        assertThat(env.get("MONITOR_DB_PASSWORD")).isNotBlank(); // its value only in .env (TrackedPasswordsTest)
        assertThat(Files.readString(repo.initDbSql()))
                .contains("CREATE ROLE cdc_monitor WITH LOGIN PASSWORD :'monitor_password' IN ROLE pg_monitor;");

        // change-exporter: built like the data generator, consuming from the broker's internal listener.
        assertThat(compose.at("/services/change-exporter/build/dockerfile").asText()).isEqualTo("change-exporter/Dockerfile");
        assertThat(compose.at("/services/change-exporter/build/args"))
                .isEqualTo(compose.at("/services/data-generator/build/args"));
        JsonNode changeExporter = compose.at("/services/change-exporter/environment");
        assertThat(changeExporter.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:29092");
        assertThat(changeExporter.path("CHANGE_EXPORTER_METRICS_PORT").asText()).isEqualTo("9401");
    }

    /** The container ports a service publishes ("${BIND_ADDRESS}:${X_PORT}:9090" -> 9090). */
    private static Set<String> containerPorts(String service) {
        Set<String> ports = new TreeSet<>();
        compose.at("/services/" + service + "/ports").forEach(p -> {
            String[] parts = p.asText().split(":");
            ports.add(parts[parts.length - 1].replace("/tcp", ""));
        });
        return ports;
    }

    @Test
    void prometheusAndGrafanaReachTheServicesWhereTheyListen() throws IOException {
        // Every host:port that prometheus.yml scrapes and the Grafana datasource calls must be a compose service
        // listening on that port.
        Path prometheusYml = repo.root().resolve("debezium-prometheus/prometheus.yml");
        Path datasource = repo.root().resolve("debezium-grafana/provisioning/datasources/datasource.yml");
        List<String> targets = new ArrayList<>();
        JsonNode prometheus = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(prometheusYml)));
        prometheus.path("scrape_configs").forEach(job -> job.path("static_configs").forEach(sc ->
                sc.path("targets").forEach(t -> targets.add(job.path("job_name").asText() + " " + t.asText()))));
        assertThat(targets).isNotEmpty();
        prometheus.path("alerting").path("alertmanagers").forEach(am -> am.path("static_configs").forEach(sc ->
                sc.path("targets").forEach(t -> targets.add("alerting " + t.asText()))));
        assertThat(targets).as("prometheus.yml sends alerts to alertmanager").contains("alerting alertmanager:9093");
        JsonNode sources = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(datasource)));
        sources.path("datasources").forEach(ds -> targets.add("grafana datasource "
                + ds.path("url").asText().replaceFirst("^https?://", "").replaceFirst("/.*$", "")));
        List<String> unreachable = new ArrayList<>();
        for (String entry : targets) {
            String target = entry.substring(entry.lastIndexOf(' ') + 1);
            String host = target.split(":")[0];
            String port = target.split(":")[1];
            if (host.equals("localhost")) {
                continue; // Prometheus scraping itself
            }
            if (compose.at("/services/" + host).isMissingNode() || !containerPorts(host).contains(port)) {
                unreachable.add(entry);
            }
        }
        assertThat(unreachable).as("targets that are no compose service:port").isEmpty();
    }
}
