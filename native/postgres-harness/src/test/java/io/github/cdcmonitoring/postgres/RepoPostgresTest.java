package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness database really is configured by the repository's postgresql.conf and init-db.sql. */
class RepoPostgresTest {

    private static RepoPostgres pg;

    @BeforeAll
    static void start() {
        pg = RepoPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void serverRunsWithTheRepositoryPostgresqlConf() throws SQLException {
        try (Connection c = pg.connect()) {
            assertThat(one(c, "SHOW wal_level")).isEqualTo("logical");
            assertThat(one(c, "SHOW max_slot_wal_keep_size")).isEqualTo("2GB");
            assertThat(one(c, "SHOW config_file")).endsWith("postgresql.conf");
            assertThat(one(c, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(one(c, "SELECT split_part(current_setting('server_version'), '.', 1)")).isEqualTo("17");
        }
    }

    @Test
    void initDbCreatesTablesPublicationAndCaptureRole() throws SQLException {
        try (Connection c = pg.connect()) {
            assertThat(one(c, "SELECT count(*) FROM information_schema.tables WHERE table_schema='public' "
                    + "AND table_name IN ('users','orders','debezium_heartbeat')")).isEqualTo("3");
            assertThat(one(c, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_publication_tables "
                    + "WHERE pubname='debezium_publication'")).isEqualTo("debezium_heartbeat,orders,users");
            assertThat(one(c, "SELECT rolreplication AND NOT rolsuper FROM pg_roles WHERE rolname='cdc_capture'"))
                    .isEqualTo("t");
        }
    }

    @Test
    void captureRoleLogsInWithItsPasswordOnlyAndCannotWriteUserTables() throws SQLException {
        // Reads what the table holds, whatever the other tests (in any order) have written to it.
        String rows;
        try (Connection c = pg.connect()) {
            rows = one(c, "SELECT count(*) FROM users");
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "cdc_capture", pg.capturePassword())) {
            assertThat(one(c, "SELECT count(*) FROM users")).isEqualTo(rows);
            assertThatThrownBy(() -> c.createStatement().execute("INSERT INTO users(name) VALUES ('x')"))
                    .hasMessageContaining("permission denied");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), "cdc_capture", "wrong"))
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void restartKeepsTheData() throws SQLException {
        try (Connection c = pg.connect()) {
            c.createStatement().execute("INSERT INTO users(name, email) VALUES ('kept', 'kept@example.com')");
        }
        pg.restart();
        try (Connection c = pg.connect()) {
            assertThat(one(c, "SELECT count(*) FROM users WHERE name='kept'")).isEqualTo("1");
        }
    }
}
