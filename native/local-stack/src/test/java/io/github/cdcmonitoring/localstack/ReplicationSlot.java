package io.github.cdcmonitoring.localstack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The connector's replication slot as PostgreSQL reports it: whether a client streams from it, and how much WAL it
 * retains (from its restart LSN to the current WAL position; what postgres_exporter exports as
 * {@code pg_replication_slots_pg_wal_lsn_diff}).
 */
final class ReplicationSlot {

    private final LocalStack stack;
    private final String name;

    ReplicationSlot(LocalStack stack) {
        this.stack = stack;
        this.name = stack.connectorConfig().get("slot.name");
    }

    String name() {
        return name;
    }

    long retainedBytes() {
        return query("pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint");
    }

    boolean active() {
        return query("active::int") == 1;
    }

    /** One value of the slot's row, read on a fresh connection. */
    private long query(String expression) {
        try (Connection c = stack.postgres().connect();
             PreparedStatement s = c.prepareStatement("SELECT " + expression + " FROM pg_replication_slots "
                     + "WHERE slot_name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no replication slot " + name);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading slot " + name + ": " + e.getMessage(), e);
        }
    }

}
