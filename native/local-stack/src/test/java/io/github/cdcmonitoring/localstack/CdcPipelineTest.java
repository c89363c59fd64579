package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.generator.DataGenerator;
import io.github.cdcmonitoring.localstack.config.KafkaImageSettings;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.TempDirectory;
import io.github.cdcmonitoring.testsupport.Background;
import io.github.cdcmonitoring.testsupport.PrometheusText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on real components: PostgreSQL (repo config) -> Debezium on Kafka Connect -> Kafka, with the
 * data generator writing. The tests build on each other in order, on one stack: snapshot, streaming without loss,
 * the connector's metrics, every JMX exporter rule contributing to the live scrape, then a Connect crash.
 *
 * <p>The JMX agent runs on a copy of debezium-jmx-exporter/config.yml (identical until the rule test rewrites it), so
 * the rule test can change the live agent's rules without touching the repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcPipelineTest {

    private static final int SNAPSHOT_USERS = 25;
    private static final int SNAPSHOT_ORDERS = 40;

    private static Path agentDir;
    private static Path agentConfig;
    private static Path brokerAgentConfig;
    private static LocalStack stack;
    private static Reconciliation reconciliation;

    @BeforeAll
    static void startStackWithoutConnector() throws IOException {
        agentDir = TempDirectory.create("jmx-agent-config-");
        agentConfig = Files.copy(repoAgentConfig(), agentDir.resolve("config.yml"));
        brokerAgentConfig = Files.copy(repoBrokerAgentConfig(),
                agentDir.resolve("broker-config.yml"));
        stack = LocalStack.builder().registerConnector(false).jmxExporterConfig(agentConfig)
                .brokerJmxExporterConfig(brokerAgentConfig).start();
        reconciliation = new Reconciliation(stack);
    }

    @AfterAll
    static void stop() {
        try {
            if (reconciliation != null) {
                reconciliation.close();
            }
            if (stack != null) {
                stack.close();
            }
        } finally {
            if (agentDir != null) {
                TempDirectory.deleteRecursively(agentDir);
            }
        }
    }

    private static Path repoAgentConfig() {
        return RepoFiles.locate().file("debezium-jmx-exporter/config.yml");
    }

    private static Path repoBrokerAgentConfig() {
        return RepoFiles.locate().file("kafka-jmx-exporter/config.yml");
    }

    @Test
    @Order(0)
    void theBrokerRunsWithTheComposeKafkaServicesSettings() throws Exception {
        // Every setting the compose file gives the image but the addresses and log folder, read back from the running
        // broker: a setting the native stack drops (the cleaner's buffer once was) fails here.
        RepoFiles repo = RepoFiles.locate();
        Map<String, String> expected = new LinkedHashMap<>(KafkaImageSettings.of(ComposeFile.read(
                repo.file("docker-compose.yml"), repo.dotEnv().asMap()).serviceEnvironment("kafka")).serverProperties());
        expected.keySet().removeAll(KafkaBroker.machineSettings("1", 0, 0, Path.of("data")).keySet());
        assertThat(expected).as("settings of the compose file's kafka service").containsKey("log.cleaner.dedupe.buffer.size");
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers()))) {
            Config running = admin.describeConfigs(Set.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            Map<String, String> actual = new LinkedHashMap<>();
            expected.keySet().forEach(name -> actual.put(name, running.get(name) == null ? null : running.get(name).value()));
            assertThat(actual).as("the native broker's configuration").isEqualTo(expected);
        }
    }

    @Test
    @Order(1)
    void rowsThatExistBeforeRegistrationArriveAsSnapshotReads() throws SQLException {
        SnapshotRows.insert(stack, "before", SNAPSHOT_USERS, SNAPSHOT_ORDERS);
        ConnectorRegistration.Result registration = stack.registerConnector();
        assertThat(registration.succeeded()).as(registration.output()).isTrue();
        reconciliation.expect("users", "r", SNAPSHOT_USERS);
        reconciliation.expect("orders", "r", SNAPSHOT_ORDERS);

        Reconciliation.Drained drained = reconciliation.drain();
        assertThat(drained.users().events("r")).isEqualTo(SNAPSHOT_USERS);
        assertThat(drained.orders().events("r")).isEqualTo(SNAPSHOT_ORDERS);
        assertThat(drained.users().events("c") + drained.orders().events("c")).isZero();
        drained.assertMatchesTables();
    }

    @Test
    @Order(2)
    void streamingMixedWorkloadLosesNothing() throws Exception {
        CommittedCounts counts;
        try (DataGenerator generator = StackGenerator.writingInto(stack);
             Background run = Background.start("generator", generator::run, generator::stop)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> generator.counts().operations() >= 3000);
            generator.stop();
            run.awaitFinished(Duration.ofSeconds(60));
            counts = generator.counts();
        }
        System.out.println("generator: " + counts);
        assertThat(counts.rows("users", "delete")).as("the workload deletes users").isPositive();
        assertThat(counts.rows("orders", "update")).as("the workload updates orders").isPositive();
        reconciliation.expectAll(counts);

        Reconciliation.Drained drained = reconciliation.drain();
        drained.assertMatchesTables();
        drained.assertEventCountsAsExpected();
        assertThat(drained.duplicates()).as("no crash, so no event sent twice").isZero();
        System.out.printf("streaming: %d users + %d orders events, state equal to the tables, lost 0%n",
                drained.users().events("c") + drained.users().events("u") + drained.users().events("d"),
                drained.orders().events("c") + drained.orders().events("u") + drained.orders().events("d"));
    }

    @Test
    @Order(3)
    void metricsShowAConnectedRunningConnectorThatSawEveryEvent() {
        double streamedEvents = reconciliation.drain().changeEvents();
        String server = stack.topicPrefix();
        String connector = stack.connectorName();

        // Debezium counts the heartbeat table's changes as seen and then filtered: what reached the topics is the
        // difference. Both counters come from one scrape; a heartbeat can still land between the agent's reads of
        // the two attributes (seen read before it, filtered after), which shows as a difference one short for that
        // scrape only. So the comparison is retried on fresh scrapes; a real mismatch persists and fails.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PrometheusText metrics = PrometheusText.scrape(stack.metricsUrl());
            double seen = metrics.find("debezium_metrics_events_seen_total", "context", "streaming", "name", server)
                    .orElseThrow().value();
            double filtered = metrics.find("debezium_metrics_events_filtered_total", "context", "streaming",
                    "name", server).orElseThrow().value();
            assertThat(seen - filtered).as("seen %s - filtered %s, from one scrape", seen, filtered)
                    .isEqualTo(streamedEvents);
        });

        PrometheusText metrics = PrometheusText.scrape(stack.metricsUrl());
        assertThat(metrics.find("debezium_metrics_connected", "context", "streaming", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("debezium_metrics_snapshot_completed", "context", "snapshot", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("debezium_metrics_events_seen_total", "context", "snapshot", "name", server))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo((double) (SNAPSHOT_USERS + SNAPSHOT_ORDERS)));
        assertThat(metrics.find("debezium_metrics_rows_scanned", "table", "public.users"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo((double) SNAPSHOT_USERS));
        assertThat(metrics.find("kafka_connect_connector_status", "connector", connector, "status", "running"))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
        assertThat(metrics.find("kafka_connect_connector_task_status", "connector", connector, "task", "0",
                "status", "running")).hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(1.0));
    }

    @Test
    @Order(4)
    void everyJmxExporterRuleContributesASeriesToTheLiveScrape() {
        everyRuleContributes(repoAgentConfig(), agentConfig, stack.metricsUrl(),
                "kafka.connect<type=no-such-metrics><>([a-z-]+)", "kafka_connect_worker_$1");
    }

    /** The broker's rules, on the broker's agent: the topics carry the changes of the tests before. */
    @Test
    @Order(4)
    void everyBrokerJmxExporterRuleContributesASeriesToTheLiveScrape() {
        everyRuleContributes(repoBrokerAgentConfig(), brokerAgentConfig,
                stack.kafka().metricsUrl(), "kafka.server<type=NoSuchMetrics, name=(\\w+)><>Value",
                "kafka_server_replicamanager_$1");
    }

    /**
     * Removes each rule of {@code shipped} in turn from the live agent's {@code live} copy and fails if the scrape
     * loses no series; a bogus rule (pattern {@code bogusPattern}, under a name template real series fit) shows that
     * the check can fail.
     */
    private static void everyRuleContributes(Path shipped, Path live, String metricsUrl, String bogusPattern,
            String bogusName) {
        ObjectNode config = JmxRuleAblation.read(shipped);
        JmxRuleAblation ablation = new JmxRuleAblation(live, metricsUrl);
        int ruleCount = JmxRuleAblation.rules(config).size();
        assertThat(ruleCount).isGreaterThan(10);
        try {
            Map<String, Set<String>> lost = new LinkedHashMap<>();
            for (int i = 0; i < ruleCount; i++) {
                lost.put(JmxRuleAblation.describe(config, i), ablation.lostWithout(config, i));
            }
            lost.forEach((rule, series) -> System.out.printf("rule %s: %d series lost without it, e.g. %s%n",
                    rule, series.size(), series.stream().limit(2).toList()));

            // The check can fail: a rule that matches nothing (under a name template real series fit, which the
            // old name-based check took as evidence) contributes nothing.
            ObjectNode withBogus = config.deepCopy();
            ObjectNode bogus = JmxRuleAblation.rules(withBogus).addObject();
            bogus.put("pattern", bogusPattern);
            bogus.put("name", bogusName);
            bogus.put("type", "GAUGE");
            bogus.put("help", "matches no MBean");
            Set<String> lostWithoutBogus = ablation.lostWithout(withBogus, ruleCount);
            System.out.println("bogus rule: " + lostWithoutBogus.size() + " series lost without it");
            assertThat(lostWithoutBogus).as("a rule that matches nothing contributes nothing").isEmpty();

            assertThat(lost).allSatisfy((rule, series) ->
                    assertThat(series).as("series lost when rule %s is removed", rule).isNotEmpty());
        } finally {
            ablation.restore(config);
        }
    }

    @Test
    @Order(5)
    void connectKilledWithUncommittedOffsetsResendsThemAndLosesNothing() throws Exception {
        CommittedCounts counts;
        Crash crash;
        try (OffsetsTopic offsets = new OffsetsTopic(stack);
             DataGenerator generator = StackGenerator.writingInto(stack);
             Background run = Background.start("generator", generator::run, generator::stop)) {
            // The kill moment is decided by state, not by time: right after Connect has committed source offsets,
            // once records beyond that committed position are in Kafka (the next commit is due only after
            // offset.flush.interval.ms, so these records cannot be committed before the kill).
            offsets.awaitNextCommit(Duration.ofSeconds(60));
            TopicReader reader = reconciliation.reader();
            awaitPolling(Duration.ofSeconds(30), "50 records beyond the committed offset", () -> {
                offsets.readUntilIdle(Duration.ofMillis(50), Duration.ofMillis(200));
                reader.pollUntilIdle(Duration.ofMillis(50), Duration.ofMillis(200));
                return reconciliation.eventsBeyond(offsets.lastCommittedLsn()) >= 50;
            });
            stack.connect().kill();

            // Connect is dead: nothing more reaches the topics, so what is there now is what was there at the kill,
            // and the offsets topic's last record for the connector is the position a restart resumes from.
            offsets.readUntilIdle(Duration.ofSeconds(1), Duration.ofSeconds(10));
            reader.pollUntilIdle(Duration.ofSeconds(1), Duration.ofSeconds(10));
            long committedLsn = offsets.lastCommittedLsn();
            crash = new Crash(committedLsn, reconciliation.eventsBeyond(committedLsn),
                    reconciliation.current().duplicates());

            stack.connect().start();
            long afterRestart = generator.counts().operations();
            await().atMost(Duration.ofSeconds(90)).until(() -> generator.counts().operations() >= afterRestart + 1000);
            generator.stop();
            run.awaitFinished(Duration.ofSeconds(60));
            counts = generator.counts();
        }
        System.out.println("generator: " + counts);
        reconciliation.expectAll(counts);

        Reconciliation.Drained drained = reconciliation.drain();
        long duplicates = drained.duplicates() - crash.duplicatesBefore();
        System.out.printf("crash: killed with %d records in Kafka beyond the committed offset (lsn %d); "
                + "%d duplicates after the restart%n", crash.uncommittedRecords(), crash.committedLsn(), duplicates);
        drained.assertMatchesTables();
        drained.assertEventCountsAsExpected();
        assertThat(crash.uncommittedRecords()).as("records in Kafka beyond the committed offset at the kill")
                .isPositive();
        // The restarted task resumes from the committed offset (at-least-once), so every record that was in Kafka
        // beyond it is sent again. Records the dead worker had not sent yet arrive once, not twice.
        assertThat(duplicates).as("events re-sent from the committed offset after the restart")
                .isGreaterThanOrEqualTo(crash.uncommittedRecords());
        System.out.println("crash: lost 0, every uncommitted record re-sent");
    }

    private record Crash(long committedLsn, long uncommittedRecords, long duplicatesBefore) {
    }

    private static void awaitPolling(Duration atMost, String what, BooleanSupplier condition) {
        await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).alias(what)
                .until(condition::getAsBoolean);
    }
}
