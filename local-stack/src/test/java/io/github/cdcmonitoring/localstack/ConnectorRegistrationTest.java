package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Registration through the same init path as the compose stack's connector-init service (register-connector.sh
 * against the real Connect + Debezium). Bad configurations: the user sees the cause, the script exits non-zero, and
 * neither a connector nor a replication slot is left behind. The repository's configuration: registered idempotently,
 * and it captures the optional inventory dataset when it is present.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorRegistrationTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.builder().registerConnector(false).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void wrongPasswordIsRejectedWithConnectsMessage() throws SQLException {
        ConnectorConfig bad = stack.connectorConfig().withName("bad-password")
                .with("database.password", "not-the-password").with("slot.name", "bad_password_slot");

        ConnectorRegistration.Result result = stack.register(bad);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("password authentication failed for user \"cdc_capture\"");
        assertNothingLeftFor("bad-password", "bad_password_slot");
    }

    @Test
    @Order(2)
    void unknownTableIsRejectedNamingTheTable() throws SQLException {
        ConnectorConfig bad = stack.connectorConfig().withName("unknown-table")
                .with("table.include.list", "public.no_such_table").with("slot.name", "unknown_table_slot");

        ConnectorRegistration.Result result = stack.register(bad);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("public.no_such_table");
        assertNothingLeftFor("unknown-table", "unknown_table_slot");
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
        ConnectorConfig bad = stack.connectorConfig().withName("missing-publication")
                .with("publication.name", "no_such_publication").with("slot.name", "missing_publication_slot");

        ConnectorRegistration.Result result = stack.register(bad);
        System.out.println("register-connector.sh exit " + result.exitCode() + ":\n" + result.output());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).as("it passed validation and was created")
                .contains("created missing-publication")
                .as("Debezium's reason is shown").contains("Publication autocreation is disabled");
        // The rollback is proven by the state, not by the script saying so.
        assertNothingLeftFor("missing-publication", "missing_publication_slot");
    }

    @Test
    @Order(4)
    void theRepositoryConfigIsIdempotentAndCapturesTheInventoryDataset() throws SQLException {
        stack.postgres().loadInventory(); // the README's one psql command, before the connector exists

        ConnectorRegistration.Result first = stack.registerConnector();
        ConnectorRegistration.Result second = stack.registerConnector();

        assertThat(first.succeeded()).as(first.output()).isTrue();
        assertThat(first.output()).contains("created " + stack.connectorName());
        assertThat(second.succeeded()).as(second.output()).isTrue();
        assertThat(second.output()).contains("updated " + stack.connectorName());
        assertThat(stack.rest().connectors()).hasValueSatisfying(names ->
                assertThat(names).containsExactly(stack.connectorName()));

        String products = stack.topic("inventory.products");
        try (TopicReader reader = stack.topicReader(products, stack.topic("inventory.customers"),
                stack.topic("inventory.orders"))) {
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
                    .containsEntry(stack.topic("inventory.customers"), 1000L)
                    .containsEntry(stack.topic("inventory.orders"), 3000L);
        }
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
