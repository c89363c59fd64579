package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad connector configurations go through the same init path as the compose stack's connector-init service
 * (register-connector.sh against the real Connect + Debezium): the user sees Connect's message, the script exits
 * non-zero, and neither a connector nor a replication slot is left behind.
 */
class ConnectorRejectionTest {

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
    void wrongPasswordIsRejectedWithConnectsMessage() throws SQLException {
        ConnectorConfig bad = stack.connectorConfig().withName("bad-password")
                .with("database.password", "not-the-password").with("slot.name", "bad_password_slot");

        ConnectorRegistration.Result result = stack.register(bad);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("password authentication failed for user \"cdc_capture\"");
        assertNothingLeftFor("bad-password", "bad_password_slot");
    }

    @Test
    void unknownTableIsRejectedNamingTheTable() throws SQLException {
        ConnectorConfig bad = stack.connectorConfig().withName("unknown-table")
                .with("table.include.list", "public.no_such_table").with("slot.name", "unknown_table_slot");

        ConnectorRegistration.Result result = stack.register(bad);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("public.no_such_table");
        assertNothingLeftFor("unknown-table", "unknown_table_slot");
    }

    @Test
    void theRepositoryConfigIsAcceptedAndRegisteringItTwiceIsIdempotent() {
        ConnectorRegistration.Result first = stack.registerConnector();
        ConnectorRegistration.Result second = stack.registerConnector();

        assertThat(first.succeeded()).as(first.output()).isTrue();
        assertThat(first.output()).contains("created " + stack.connectorName());
        assertThat(second.succeeded()).as(second.output()).isTrue();
        assertThat(second.output()).contains("updated " + stack.connectorName());
        assertThat(stack.rest().connectors()).hasValueSatisfying(names ->
                assertThat(names).containsExactly(stack.connectorName()));
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
