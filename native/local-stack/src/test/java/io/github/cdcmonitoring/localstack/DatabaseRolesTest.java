package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the roles init-db.sql creates may do, read from the catalog of a real server that ran init-db.sql (and
 * inventory.sql, whose tables the capture role reads through default privileges) - not from the SQL text, so a grant
 * to PUBLIC, a role membership or a default privilege that widens a role shows up here.
 */
class DatabaseRolesTest {

    /** Every table privilege PostgreSQL knows; each role's set is compared whole. */
    private static final List<String> TABLE_PRIVILEGES =
            List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");

    private static RepoPostgres pg;

    @BeforeAll
    static void start() {
        pg = RepoPostgres.start(0, true);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void theCaptureRoleCanOnlyReplicateReadTheCapturedTablesAndWriteItsHeartbeat() throws SQLException {
        assertThat(attributes("cdc_capture")).isEqualTo("login replication");
        assertThat(memberships("cdc_capture")).isEmpty();

        Map<String, String> expected = new TreeMap<>();
        // The tables of both connectors' publications (register-postgresql.json's and register-inventory.json's).
        for (String table : rows("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                + "WHERE pubname IN ('debezium_publication', 'inventory_publication')")) {
            expected.put(table, "SELECT");
        }
        expected.put("public.debezium_heartbeat", "SELECT INSERT UPDATE");
        assertThat(expected).containsKeys("public.users", "public.orders", "inventory.products");
        assertThat(tablePrivileges("cdc_capture")).isEqualTo(expected);
        assertThat(sequencePrivileges("cdc_capture")).isEmpty();
        assertThat(createRights("cdc_capture")).isEmpty();
        assertThat(owned("cdc_capture")).isZero();
    }

    /**
     * One publication per connector file, holding exactly the tables its table.include.list names and the heartbeat
     * table its heartbeat.action.query writes: the generator's connector gets nothing of schema inventory, and the
     * inventory connector nothing of the generator's tables.
     */
    @Test
    void eachConnectorsPublicationHoldsItsTablesAndTheHeartbeat() throws SQLException {
        RepoFiles repo = RepoFiles.locate();
        for (String file : List.of("register-postgresql.json", "register-inventory.json")) {
            ConnectorConfig connector = ConnectorConfig.read(repo.file(file));
            java.util.Set<String> expected = new java.util.TreeSet<>(List.of("public.debezium_heartbeat"));
            for (String table : connector.get("table.include.list").split(",")) {
                expected.add(table.strip());
            }
            String publication = connector.get("publication.name");
            assertThat(new java.util.TreeSet<>(rows("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                    + "WHERE pubname = ?", publication))).as(publication + " of " + file).isEqualTo(expected);
        }
    }

    @Test
    void theGeneratorRoleCanOnlyChangeTheRowsOfUsersAndOrders() throws SQLException {
        assertThat(attributes("cdc_generator")).isEqualTo("login");
        assertThat(memberships("cdc_generator")).isEmpty();
        assertThat(tablePrivileges("cdc_generator")).isEqualTo(Map.of(
                "public.users", "SELECT INSERT UPDATE DELETE",
                "public.orders", "SELECT INSERT UPDATE DELETE"));
        assertThat(sequencePrivileges("cdc_generator")).isEqualTo(Map.of(
                "public.users_id_seq", "USAGE", "public.orders_id_seq", "USAGE"));
        assertThat(createRights("cdc_generator")).isEmpty();
        assertThat(owned("cdc_generator")).isZero();
    }

    @Test
    void theMonitoringRoleReadsStatisticsOnly() throws SQLException {
        assertThat(attributes("cdc_monitor")).isEqualTo("login");
        // pg_monitor and the three roles PostgreSQL makes its members: statistics and settings, no table data.
        assertThat(memberships("cdc_monitor"))
                .containsExactly("pg_monitor", "pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables");
        assertThat(tablePrivileges("cdc_monitor")).isEmpty();
        assertThat(createRights("cdc_monitor")).isEmpty();
    }

    /** The role's attributes that grant power, in one string: "login replication", never "superuser". */
    private static String attributes(String role) throws SQLException {
        return single("SELECT concat_ws(' ', CASE WHEN rolsuper THEN 'superuser' END, "
                + "CASE WHEN rolcanlogin THEN 'login' END, CASE WHEN rolreplication THEN 'replication' END, "
                + "CASE WHEN rolcreaterole THEN 'createrole' END, CASE WHEN rolcreatedb THEN 'createdb' END, "
                + "CASE WHEN rolbypassrls THEN 'bypassrls' END) "
                + "FROM pg_roles WHERE rolname = ?", role).strip();
    }

    /** The roles it is a member of, directly or through others (pg_monitor, pg_write_all_data, ...). */
    private static List<String> memberships(String role) throws SQLException {
        return rows("SELECT b.rolname FROM pg_roles b WHERE pg_has_role(?, b.oid, 'MEMBER') AND b.rolname <> ? "
                + "ORDER BY 1", role, role);
    }

    /** Every table, view and partitioned table outside the system schemas on which the role has any privilege. */
    private static Map<String, String> tablePrivileges(String role) throws SQLException {
        Map<String, String> privileges = new TreeMap<>();
        for (String table : rows("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
            List<String> granted = new ArrayList<>();
            for (String privilege : TABLE_PRIVILEGES) {
                if (Boolean.parseBoolean(single("SELECT has_table_privilege(?, ?, ?)::text", role, table, privilege))) {
                    granted.add(privilege);
                }
            }
            if (!granted.isEmpty()) {
                privileges.put(table, String.join(" ", granted));
            }
        }
        return privileges;
    }

    private static Map<String, String> sequencePrivileges(String role) throws SQLException {
        Map<String, String> privileges = new TreeMap<>();
        for (String sequence : rows("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                + "FROM pg_sequences")) {
            List<String> granted = new ArrayList<>();
            for (String privilege : List.of("USAGE", "SELECT", "UPDATE")) {
                if (Boolean.parseBoolean(single("SELECT has_sequence_privilege(?, ?, ?)::text", role, sequence,
                        privilege))) {
                    granted.add(privilege);
                }
            }
            if (!granted.isEmpty()) {
                privileges.put(sequence, String.join(" ", granted));
            }
        }
        return privileges;
    }

    /** Where it could create objects: the database (schemas) or any schema (tables, functions). */
    private static List<String> createRights(String role) throws SQLException {
        List<String> rights = new ArrayList<>(rows("SELECT 'schema ' || nspname FROM pg_namespace "
                + "WHERE has_schema_privilege(?, oid, 'CREATE') ORDER BY 1", role));
        rights.addAll(rows("SELECT 'database ' || datname FROM pg_database "
                + "WHERE has_database_privilege(?, datname, 'CREATE') ORDER BY 1", role));
        return rights;
    }

    /** Objects it owns in this database (an owner has every right on them). */
    private static int owned(String role) throws SQLException {
        return Integer.parseInt(single("SELECT count(*)::text FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                + "WHERE r.rolname = ?", role));
    }

    private static String single(String sql, String... parameters) throws SQLException {
        List<String> rows = rows(sql, parameters);
        assertThat(rows).as(sql).hasSize(1);
        return rows.get(0);
    }

    private static List<String> rows(String sql, String... parameters) throws SQLException {
        try (Connection c = pg.connect(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }
}
