package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.localstack.config.ComposeCluster;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The cluster shape's compose file as Docker Compose resolves it ({@code docker compose -f docker-compose.yml -f
 * docker-compose.cluster.yml config}, no daemon): three KRaft nodes in one quorum with replication factor 3 and
 * min.insync.replicas 2, two Connect workers in one group with the internal topics on three replicas and the rebalance
 * delay set, one build per image and no host port twice; Prometheus scraping every broker and worker once, at its
 * agent's port (the cluster-targets files prometheus.yml reads, mounted by the cluster file only); and the native
 * stack's reading of the two files ({@link ComposeCluster}) gives each broker and worker the environment Compose gives
 * it. Nothing is started: no Docker engine runs here (the cluster is started natively by ClusterFailoverTest).
 */
class ClusterComposeFileTest {

    private static final List<String> BROKERS = List.of("kafka", "kafka-2", "kafka-3");
    private static final List<String> WORKERS = List.of("connect", "connect-2");
    /** The JMX exporter agent in KAFKA_OPTS: {@code -javaagent:<jar>=<port>:<config>}. */
    private static final Pattern JAVA_AGENT = Pattern.compile("-javaagent:[^=\\s]+=(\\d+):");

    private final RepoFiles repo = RepoFiles.locate();

    @TempDir
    Path scratch;
    private JsonNode services;

    @BeforeEach
    void resolveTheCluster() throws IOException {
        services = resolve("-f", "docker-compose.yml", "-f", ComposeCluster.FILE);
    }

    @Test
    void threeKraftNodesInOneQuorumKeepEveryTopicOnThreeReplicas() {
        Set<String> nodeIds = new HashSet<>();
        for (String broker : BROKERS) {
            JsonNode env = services.path(broker).path("environment");
            assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).as(broker).isEqualTo("broker,controller");
            assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).as(broker)
                    .isEqualTo("1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).as(broker).contains("INTERNAL://" + broker + ":");
            nodeIds.add(env.path("KAFKA_NODE_ID").asText());
            assertThat(Map.of(
                    "default", env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText(),
                    "min.insync", env.path("KAFKA_MIN_INSYNC_REPLICAS").asText(),
                    "offsets", env.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText(),
                    "transactions", env.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText(),
                    "transactions min.insync", env.path("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText()))
                    .as(broker).isEqualTo(Map.of("default", "3", "min.insync", "2", "offsets", "3",
                            "transactions", "3", "transactions min.insync", "2"));
            // Each its own log directory.
            assertThat(services.path(broker).path("volumes").path(0).path("source").asText()).as(broker)
                    .isEqualTo(broker.equals("kafka") ? "kafka-data" : broker + "-data");
        }
        assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    void twoConnectWorkersInOneGroupFailOverWithinTheDelaySet() {
        for (String worker : WORKERS) {
            JsonNode env = services.path(worker).path("environment");
            assertThat(env.path("GROUP_ID").asText()).as(worker).isEqualTo("cdc-connect");
            assertThat(env.path("BOOTSTRAP_SERVERS").asText()).as(worker)
                    .isEqualTo("kafka:29092,kafka-2:29092,kafka-3:29092");
            for (String topic : List.of("CONFIG", "OFFSET", "STATUS")) {
                assertThat(env.path("CONNECT_" + topic + "_STORAGE_REPLICATION_FACTOR").asText()).as(worker + " " + topic)
                        .isEqualTo("3");
            }
            // Kafka's default would leave the task of a crashed worker unassigned for 5 minutes.
            assertThat(env.path("CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS").asText()).as(worker).isEqualTo("10000");
            assertThat(services.path(worker).path("depends_on").has("kafka-3")).as(worker + " waits for kafka-3")
                    .isTrue();
        }
    }

    @Test
    void oneBuildPerImageAndNoHostPortTwice() {
        Map<String, String> builtBy = new TreeMap<>();
        List<String> hostPorts = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            // A build without an image name gets a name of its own from Compose.
            if (service.getValue().has("build") && service.getValue().has("image")) {
                String image = service.getValue().path("image").asText();
                assertThat(builtBy.put(image, service.getKey())).as("a second build of " + image).isNull();
            }
            service.getValue().path("ports").forEach(port -> hostPorts.add(port.path("host_ip").asText() + ":"
                    + port.path("published").asText()));
        });
        for (String node : List.of("kafka-2", "kafka-3", "connect-2")) {
            assertThat(services.path(node).has("build")).as(node + " builds nothing").isFalse();
            assertThat(builtBy).as(node + "'s image is built by another service")
                    .containsKey(services.path(node).path("image").asText());
        }
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void theNativeStacksReadingOfTheTwoFilesIsComposes() {
        ComposeFile base = ComposeFile.read(repo.file(ComposeFile.FILE), repo.dotEnv().asMap());
        ComposeCluster cluster = ComposeCluster.read(base, repo.file(ComposeCluster.FILE), repo.dotEnv().asMap());
        assertThat(cluster.brokerServices()).isEqualTo(BROKERS);
        assertThat(cluster.workerServices()).isEqualTo(WORKERS);
        for (String service : concat(BROKERS, WORKERS, List.of("change-exporter"))) {
            Map<String, String> composes = new TreeMap<>();
            services.path(service).path("environment").fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    composes.put(field.getKey(), field.getValue().asText());
                }
            });
            assertThat(new TreeMap<>(cluster.serviceEnvironment(service)))
                    .as("services." + service + ".environment, native reading vs docker compose config")
                    .isEqualTo(composes);
        }
    }

    /**
     * The compose cluster's Prometheus scrapes every broker and worker once, each where its JMX agent listens: the
     * kafka and connect jobs of prometheus.yml scrape their static target plus those of the files their
     * {@code file_sd_configs} name, which Prometheus resolves against prometheus.yml's folder and which the cluster
     * file mounts there; the default shape mounts none of them (nor a folder above them), so that Prometheus finds no
     * such file there and scrapes only the one broker and worker.
     */
    @Test
    void prometheusScrapesEveryBrokerAndWorkerOnceWhereItsAgentListens() throws IOException {
        Path prometheusYml = repo.file(StackConfiguration.PROMETHEUS_YML);
        JsonNode config = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(prometheusYml)));
        JsonNode single = resolve("-f", "docker-compose.yml");
        // Where compose mounts prometheus.yml (/etc/prometheus/prometheus.yml): its folder is the file_sd paths' base.
        Path configFolder = Path.of(mountTarget(services.path("prometheus"), prometheusYml)).getParent();
        assertThat(mountTarget(single.path("prometheus"), prometheusYml)).isEqualTo(configFolder
                .resolve("prometheus.yml").toString());
        Map<String, List<String>> nodes = Map.of("kafka", BROKERS, "connect", WORKERS);
        Set<String> scraped = new TreeSet<>();
        for (Map.Entry<String, List<String>> job : new TreeMap<>(nodes).entrySet()) {
            JsonNode scrape = job(config, job.getKey());
            List<String> targets = new ArrayList<>();
            scrape.path("static_configs").forEach(sc -> sc.path("targets").forEach(t -> targets.add(t.asText())));
            assertThat(scrape.path("file_sd_configs").isEmpty()).as("job " + job.getKey() + " reads target files")
                    .isFalse();
            for (JsonNode fileSd : scrape.path("file_sd_configs")) {
                for (JsonNode pattern : fileSd.path("files")) {
                    String file = pattern.asText();
                    assertThat(file).as("job " + job.getKey() + " file_sd file: a plain name beside prometheus.yml")
                            .matches("[A-Za-z0-9._-]+");
                    Path source = prometheusYml.getParent().resolve(file);
                    Path inContainer = configFolder.resolve(file);
                    assertThat(bindMounts(services.path("prometheus")))
                            .as("the cluster mounts " + source + " read-only at " + inContainer)
                            .contains(source + " -> " + inContainer + " ro z");
                    List<String> singleMounts = new ArrayList<>();
                    single.path("prometheus").path("volumes").forEach(v -> singleMounts.add(v.path("target").asText()));
                    assertThat(singleMounts).as("the default shape mounts nothing at " + inContainer + " or a folder "
                            + "above it").noneMatch(target -> inContainer.startsWith(target));
                    JsonNode groups = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(source)));
                    assertThat(groups.isArray()).as(source + ": a list of target groups").isTrue();
                    groups.forEach(group -> targets.addAll(strings(group.path("targets"))));
                }
            }
            List<String> hosts = new ArrayList<>();
            for (String target : targets) {
                String host = target.substring(0, target.lastIndexOf(':'));
                assertThat(services.has(host)).as("job " + job.getKey() + " target " + target + ": a service of the "
                        + "cluster").isTrue();
                assertThat(agentPort(host)).as("job " + job.getKey() + " target " + target + ": the port of "
                        + host + "'s metrics agent").contains(target.substring(target.lastIndexOf(':') + 1));
                hosts.add(host);
            }
            assertThat(hosts).as("job " + job.getKey() + " scrapes each once").containsExactlyInAnyOrderElementsOf(
                    job.getValue());
            scraped.addAll(hosts);
        }
        Set<String> withAgent = new TreeSet<>();
        services.fieldNames().forEachRemaining(service -> agentPort(service).ifPresent(p -> withAgent.add(service)));
        assertThat(scraped).as("every service running a metrics agent is scraped").isEqualTo(withAgent);
    }

    /*
     * The log-filesystem alerts read node-exporter: it must report each broker's log volume, PostgreSQL's, and nothing
     * it mounts may go unreported (a volume on a disk of its own would be unwatched).
     */
    @Test
    void nodeExporterWatchesEveryBrokersLogVolumeAndPostgresData() {
        JsonNode nodeExporter = services.path(StackConfiguration.NODE_EXPORTER_SERVICE);
        Pattern include = strings(nodeExporter.path("command")).stream()
                .filter(argument -> argument.startsWith(MonitoringServices.MOUNT_POINT_OPTION))
                // `config` prints $$ as written; the container gets one $.
                .map(argument -> Pattern.compile(argument.substring(MonitoringServices.MOUNT_POINT_OPTION.length())
                        .replace("$$", "$")))
                .findFirst().orElseThrow();
        Map<String, String> mounted = new TreeMap<>();
        nodeExporter.path("volumes").forEach(volume -> {
            assertThat(volume.path("read_only").asBoolean()).as("node-exporter mounts " + volume + " read-only")
                    .isTrue();
            mounted.put(volume.path("source").asText(), volume.path("target").asText());
        });
        List<String> watched = new ArrayList<>();
        watched.add("postgres-data");
        BROKERS.forEach(broker -> watched.add(services.path(broker).path("volumes").path(0).path("source").asText()));
        assertThat(mounted).as("node-exporter's volumes: each broker's log and PostgreSQL's data, nothing else")
                .containsOnlyKeys(watched);
        assertThat(new HashSet<>(mounted.values())).as("a mount point each").hasSameSizeAs(mounted.values());
        mounted.forEach((volume, target) -> assertThat(include.matcher(target).matches())
                .as(volume + " at " + target + " is in node-exporter's " + include).isTrue());
        assertThat(include.matcher("/").matches()).as("the root filesystem is not watched").isFalse();
    }

    /** The default shape keeps one copy of each topic, which -1 in register-postgresql.json then takes. */
    @Test
    void theDefaultShapeIsOneBrokerWithReplicationFactorOne() throws IOException {
        JsonNode single = resolve("-f", "docker-compose.yml");
        assertThat(single.has("kafka-2") || single.has("kafka-3") || single.has("connect-2")).isFalse();
        assertThat(single.path("kafka").path("environment").path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText())
                .isEqualTo("1");
        JsonNode connector = new ObjectMapper().readTree(repo.file(StackConfiguration.CONNECTOR_FILE).toFile());
        assertThat(connector.at("/config/topic.creation.default.replication.factor").asText()).isEqualTo("-1");
    }

    /** {@code docker compose <files> config}'s services. */
    private JsonNode resolve(String... files) throws IOException {
        List<String> args = new ArrayList<>(List.of(files));
        args.addAll(List.of("config", "--format", "json"));
        ComposeCli.Result result = ComposeCli.find(scratch).run(repo.root(), args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return new ObjectMapper().readTree(result.output()).path("services");
    }

    /** A service's bind mounts as {@code "<source> -> <target> ro|rw <selinux>"}. */
    private static List<String> bindMounts(JsonNode service) {
        List<String> mounts = new ArrayList<>();
        service.path("volumes").forEach(volume -> {
            if (volume.path("type").asText().equals("bind")) {
                mounts.add(volume.path("source").asText() + " -> " + volume.path("target").asText() + " "
                        + (volume.path("read_only").asBoolean() ? "ro" : "rw") + " "
                        + volume.path("bind").path("selinux").asText("-"));
            }
        });
        return mounts;
    }

    /** Where the service mounts the repository file {@code file}. */
    private static String mountTarget(JsonNode service, Path file) {
        for (JsonNode volume : service.path("volumes")) {
            if (volume.path("source").asText().equals(file.toString())) {
                return volume.path("target").asText();
            }
        }
        throw new AssertionError("no mount of " + file + " in " + service.path("volumes"));
    }

    private static JsonNode job(JsonNode prometheusConfig, String name) {
        for (JsonNode scrape : prometheusConfig.path("scrape_configs")) {
            if (scrape.path("job_name").asText().equals(name)) {
                return scrape;
            }
        }
        throw new AssertionError("prometheus.yml has no job " + name);
    }

    /** The port of the JMX exporter agent in the service's KAFKA_OPTS, if it runs one. */
    private Optional<String> agentPort(String service) {
        Matcher agent = JAVA_AGENT.matcher(services.path(service).path("environment").path("KAFKA_OPTS").asText(""));
        return agent.find() ? Optional.of(agent.group(1)) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
