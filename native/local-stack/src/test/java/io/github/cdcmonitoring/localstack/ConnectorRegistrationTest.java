package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration through the same init path as the compose stack's connector-init service (register-connector.sh
 * against the real Connect + Debezium). Bad configurations: the user sees the cause, the script exits non-zero, and
 * neither a connector nor a replication slot is left behind. The repository's two configurations: registered
 * idempotently, each with its own slot; the inventory dataset's connector is refused without the dataset and captures
 * it, alone, when it is present.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorRegistrationTest {

    @AutoClose
    private static LocalStack stack;

    @TempDir
    static Path scratch;

    @BeforeAll
    static void start() {
        stack = LocalStack.builder().registerConnector(false).start();
    }

    @Test
    @Order(1)
    void wrongPasswordIsRejectedWithConnectsMessage() throws SQLException {
        ConnectorRegistration.Result result = registerWith("wrong password", "bad-password",
                "database.password", "not-the-password");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("password authentication failed for user \"cdc_capture\"")
                .contains("register-connector: Connect rejected ");
        assertNothingLeftFor("bad-password", slotOf("bad-password"));
    }

    @Test
    @Order(2)
    void unknownTableIsRejectedNamingTheTable() throws SQLException {
        ConnectorRegistration.Result result = registerWith("table that does not exist", "unknown-table",
                "table.include.list", "public.no_such_table");
        assertThat(result.exitCode()).isNotZero();
        // The script's own check, before Connect is asked: Debezium accepts an unknown table and captures nothing.
        assertThat(result.output()).contains("register-connector: table.include.list of unknown-table names tables "
                + "that do not exist or that " + stack.connectorConfig().get("database.user") + " cannot read in "
                + "database " + stack.postgres().database() + ": public.no_such_table")
                .doesNotContain("Connect rejected", "created unknown-table");
        assertNothingLeftFor("unknown-table", slotOf("unknown-table"));
    }

    /**
     * The rollback branch of register-connector.sh: a configuration Connect's validation accepts (Debezium does not
     * check the publication there) but whose task fails at start, because the publication does not exist and
     * publication.autocreate.mode=disabled forbids creating it. The script created the connector, so it must delete
     * it again, and no replication slot may stay behind holding WAL.
     */
    @Test
    @Order(3)
    void aConnectorWhoseTaskFailsIsRemovedAgainWithItsSlot() throws SQLException {
        ConnectorRegistration.Result result = registerWith("publication that does not exist", "missing-publication",
                "publication.name", "no_such_publication");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).as("it passed validation and was created")
                .contains("created missing-publication")
                .as("Debezium's reason is shown").contains("Publication autocreation is disabled");
        // The rollback is proven by the state, not by the script saying so.
        assertNothingLeftFor("missing-publication", slotOf("missing-publication"));
    }

    /** jq's own parse error, naming the file: before this check the script said the 'name' field was missing. */
    @Test
    @Order(4)
    void malformedJsonIsRejectedBeforeConnectIsAsked() throws Exception {
        String repositoryFile = Files.readString(RepoFiles.locate().file("register-postgresql.json"));
        // The repository's file, cut short after its first setting, as an editor crash or a bad merge leaves it.
        String truncated = repositoryFile.substring(0, repositoryFile.indexOf(",", repositoryFile.indexOf("\"config\"")))
                .replace("postgres-connector", "malformed");
        Path file = scratch.resolve("malformed.json");
        Files.writeString(file, truncated);

        ConnectorRegistration.Result result = stack.register(file);

        report("malformed JSON", result);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("malformed.json is not a JSON object: ")
                .contains("parse error").doesNotContain("validating");
        assertNothingLeftFor("malformed", "debezium_slot");
    }

    @Test
    @Order(5)
    void unknownConnectorClassIsRejectedNamingTheField() throws SQLException {
        ConnectorRegistration.Result result = registerWith("unknown connector class", "unknown-class",
                "connector.class", "io.debezium.connector.postgresql.PostgresConector");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("config.connector.class io.debezium.connector.postgresql.PostgresConector "
                + "is not installed").contains("io.debezium.connector.postgresql.PostgresConnector");
        assertThat(errorLines(result)).hasSize(1);
        assertNothingLeftFor("unknown-class", slotOf("unknown-class"));
    }

    @Test
    @Order(6)
    void unknownSnapshotModeIsRejectedNamingTheSetting() throws SQLException {
        ConnectorRegistration.Result result = registerWith("unknown snapshot.mode", "unknown-snapshot-mode",
                "snapshot.mode", "sometimes");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLines(result)).singleElement().asString()
                .startsWith("register-connector: Connect rejected snapshot.mode of unknown-snapshot-mode: ");
        assertNothingLeftFor("unknown-snapshot-mode", slotOf("unknown-snapshot-mode"));
    }

    /**
     * register-inventory.json names its tables, so the script refuses it while the dataset is not loaded (compose
     * registers it only with LOAD_INVENTORY=true): one line naming the three tables, and no connector or slot left.
     */
    @Test
    @Order(7)
    void theInventoryConnectorIsRefusedWithoutItsDataset() throws SQLException {
        ConnectorRegistration.Result result = stack.registerInventoryConnector();
        String name = stack.inventoryConnectorConfig().name();
        report("register-inventory.json", "without the inventory dataset", result);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLines(result)).singleElement().asString().isEqualTo("register-connector: table.include.list of "
                + name + " names tables that do not exist or that cdc_capture cannot read in database "
                + stack.postgres().database() + ": inventory.products inventory.customers inventory.orders");
        assertNothingLeftFor(name, stack.inventoryConnectorConfig().get("slot.name"));
    }

    /**
     * Both repository files registered twice each (created, then updated in place), each with its own slot; the
     * inventory dataset's rows and later changes arrive under the inventory connector's prefix only, and the generator
     * tables' connector sends nothing of schema inventory.
     */
    @Test
    @Order(8)
    void bothRepositoryConfigsAreIdempotentAndOnlyTheInventoryConnectorCapturesTheDataset() throws SQLException {
        stack.postgres().loadInventory(); // the README's one psql command, before its connector exists
        ConnectorConfig inventory = stack.inventoryConnectorConfig();

        ConnectorRegistration.Result first = stack.registerConnector();
        ConnectorRegistration.Result second = stack.registerConnector();
        ConnectorRegistration.Result firstInventory = stack.registerInventoryConnector();
        ConnectorRegistration.Result secondInventory = stack.registerInventoryConnector();

        assertThat(first.succeeded()).as(first.output()).isTrue();
        assertThat(first.output()).contains("created " + stack.connectorName());
        assertThat(second.succeeded()).as(second.output()).isTrue();
        assertThat(second.output()).contains("updated " + stack.connectorName());
        assertThat(firstInventory.succeeded()).as(firstInventory.output()).isTrue();
        assertThat(firstInventory.output()).contains("created " + inventory.name())
                .as("it waited for the offset after its snapshot").contains(inventory.name()
                        + " has committed its first offset after the snapshot");
        assertThat(secondInventory.succeeded()).as(secondInventory.output()).isTrue();
        assertThat(secondInventory.output()).contains("updated " + inventory.name());
        assertThat(stack.rest().connectors()).hasValueSatisfying(names ->
                assertThat(names).containsExactlyInAnyOrder(stack.connectorName(), inventory.name()));
        try (Connection c = stack.postgres().connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT slot_name FROM pg_replication_slots ORDER BY 1")) {
            List<String> slots = new java.util.ArrayList<>();
            while (rs.next()) {
                slots.add(rs.getString(1));
            }
            assertThat(slots).as("replication slots").containsExactly(stack.connectorConfig().get("slot.name"),
                    inventory.get("slot.name"));
        }

        TopicNames topics = new TopicNames(inventory.topicPrefix());
        String products = topics.topic("inventory.products");
        try (TopicReader reader = TopicReader.of(stack, products, topics.topic("inventory.customers"),
                topics.topic("inventory.orders"))) {
            assertThat(reader.awaitFirst(r -> r.topic().equals(products) && r.value().contains("\"op\":\"r\""),
                    Duration.ofSeconds(60))).as("snapshot of inventory.products").isPresent();
            try (Connection c = stack.postgres().connect()) {
                c.createStatement().execute("INSERT INTO inventory.products (name, price) VALUES ('added later', 9.99)");
            }
            assertThat(reader.awaitFirst(r -> r.topic().equals(products) && r.value().contains("added later")
                    && r.value().contains("\"op\":\"c\""), Duration.ofSeconds(60))).as("change after the snapshot").isPresent();
            reader.pollUntilIdle(Duration.ofSeconds(2), Duration.ofSeconds(30));
            Map<String, Long> snapshotReads = reader.records().stream()
                    .filter(r -> r.value() != null && r.value().contains("\"op\":\"r\""))
                    .collect(Collectors.groupingBy(r -> r.topic(), Collectors.counting()));
            assertThat(snapshotReads).containsEntry(products, 1000L)
                    .containsEntry(topics.topic("inventory.customers"), 1000L)
                    .containsEntry(topics.topic("inventory.orders"), 3000L);
        }
        // The generator tables' connector was registered after the dataset was loaded: had it captured schema inventory,
        // its snapshot would have created cdc.inventory.* topics (Connect creates a topic with its first record).
        Set<String> existing;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the topics", e);
        }
        assertThat(existing).as("topics")
                .contains(products, "__debezium-heartbeat." + stack.topicPrefix())
                .noneMatch(topic -> topic.startsWith(stack.topic("inventory.")));
    }

    /**
     * Registers the repository's configuration named {@code name} with one setting changed (and a slot of its own, so
     * that a slot left behind is the one this case created); prints what the user sees.
     */
    private static ConnectorRegistration.Result registerWith(String input, String name, String key, String value) {
        ConnectorRegistration.Result result = stack.register(stack.connectorConfig().withName(name).with(key, value)
                .with("slot.name", slotOf(name)));
        report(input, result);
        return result;
    }

    private static String slotOf(String connector) {
        return connector.replace('-', '_') + "_slot";
    }

    /** The exact lines the user sees, for RELIABILITY.md's "Bad input" table. */
    private static void report(String input, ConnectorRegistration.Result result) {
        report("register-postgresql.json", input, result);
    }

    private static void report(String file, String input, ConnectorRegistration.Result result) {
        System.out.println("RELIABILITY | bad input | " + file + ": " + input + " | exit "
                + result.exitCode() + " | " + String.join(" / ", errorLines(result)));
    }

    /** What the script printed beyond its progress lines and retries. */
    private static List<String> errorLines(ConnectorRegistration.Result result) {
        return result.output().lines().filter(line -> !line.startsWith("register-connector: validating ")
                && !line.contains("retrying in") && !line.startsWith("HTTP ")).toList();
    }

    private static void assertNothingLeftFor(String connector, String slot) throws SQLException {
        assertThat(stack.rest().connectors()).hasValueSatisfying(names -> assertThat(names).doesNotContain(connector));
        try (Connection c = stack.postgres().connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("replication slot " + slot + " left behind").isZero();
        }
    }
}
