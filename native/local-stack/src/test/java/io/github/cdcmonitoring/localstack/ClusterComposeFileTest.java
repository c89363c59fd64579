package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.localstack.config.ComposeCluster;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster shape's compose file as Docker Compose resolves it ({@code docker compose -f docker-compose.yml -f
 * docker-compose.cluster.yml config}, no daemon): three KRaft nodes in one quorum with replication factor 3 and
 * min.insync.replicas 2, two Connect workers in one group with the internal topics on three replicas and the rebalance
 * delay set, one build per image and no host port twice; and the native stack's reading of the two files
 * ({@link ComposeCluster}) gives each broker and worker the environment Compose gives it. Nothing is started: no Docker
 * engine runs here (the cluster is started natively by ClusterFailoverTest).
 */
class ClusterComposeFileTest {

    private static final List<String> BROKERS = List.of("kafka", "kafka-2", "kafka-3");
    private static final List<String> WORKERS = List.of("connect", "connect-2");

    private final RepoFiles repo = RepoFiles.locate();

    @TempDir
    Path scratch;
    private JsonNode services;

    @BeforeEach
    void resolve() throws IOException {
        ComposeCli.Result result = ComposeCli.find(scratch).run(repo.root(), "-f", "docker-compose.yml", "-f",
                ComposeCluster.FILE, "config", "--format", "json");
        assertThat(result.exitCode()).as(result.output()).isZero();
        services = new ObjectMapper().readTree(result.output()).path("services");
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

    /** The default shape keeps one copy of each topic, which -1 in register-postgresql.json then takes. */
    @Test
    void theDefaultShapeIsOneBrokerWithReplicationFactorOne() throws IOException {
        ComposeCli.Result result = ComposeCli.find(scratch).run(repo.root(), "-f", "docker-compose.yml", "config",
                "--format", "json");
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode single = new ObjectMapper().readTree(result.output()).path("services");
        assertThat(single.has("kafka-2") || single.has("kafka-3") || single.has("connect-2")).isFalse();
        assertThat(single.path("kafka").path("environment").path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText())
                .isEqualTo("1");
        JsonNode connector = new ObjectMapper().readTree(repo.file(StackConfiguration.CONNECTOR_FILE).toFile());
        assertThat(connector.at("/config/topic.creation.default.replication.factor").asText()).isEqualTo("-1");
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
