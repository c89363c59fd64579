package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The postgres-exporter service's login, run for real: the compose service's environment (DATA_SOURCE_URI,
 * DATA_SOURCE_USER=cdc_monitor, DATA_SOURCE_PASS) against a PostgreSQL initialised by init-db.sql, with the only
 * change the server's address. The exporter binary is Debian's build of the postgres_exporter line .env pins for the
 * image (VersionsAgreeTest compares them), so this proves the role's privileges and the connection settings, not the
 * image.
 */
class PostgresExporterRoleTest {

    private static final Path EXPORTER = Path.of("/usr/bin/prometheus-postgres-exporter");

    private final RepoFiles repo = RepoFiles.locate();

    @Test
    void cdcMonitorReadsTheReplicationSlotsButNoTableData() throws Exception {
        // Fails rather than skips: .ci/run installs it, and a skipped check would prove nothing.
        assertThat(Files.isExecutable(EXPORTER)).as(EXPORTER + " is not installed (install with: sudo bash "
                + ".ci/install-packages; .ci/run does)").isTrue();
        Map<String, String> service = ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap())
                .serviceEnvironment("postgres-exporter");
        try (RepoPostgres pg = RepoPostgres.start()) {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                // A slot such as Debezium's, so the exporter has one to report.
                s.execute("SELECT pg_create_logical_replication_slot('exporter_test_slot', 'pgoutput')");
            }
            String user = service.get("DATA_SOURCE_USER");
            String password = service.get("DATA_SOURCE_PASS");
            // Least privilege: the monitoring role sees no table data.
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), user, password)) {
                assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT count(*) FROM users"))
                        .hasMessageContaining("permission denied");
            }

            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(EXPORTER.toString(),
                    "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(service);
            // The service's address is postgres:5432 on the compose network; here the harness server.
            builder.environment().put("DATA_SOURCE_URI", service.get("DATA_SOURCE_URI")
                    .replace("postgres:5432", pg.host() + ":" + pg.port()));
            String queries = service.get("PG_EXPORTER_EXTEND_QUERY_PATH");
            Path queriesFile = repo.root().resolve("postgres-exporter/queries.yml");
            if (queries != null) {
                if (Files.exists(queriesFile)) {
                    builder.environment().put("PG_EXPORTER_EXTEND_QUERY_PATH", queriesFile.toString());
                } else {
                    builder.environment().remove("PG_EXPORTER_EXTEND_QUERY_PATH"); // arrives with its own branch
                }
            }
            Process exporter = builder.start();
            try {
                String metrics = scrape(port);
                assertThat(metrics).contains("pg_up 1");
                assertThat(metrics).containsPattern(
                        "(?m)^pg_replication_slots_pg_wal_lsn_diff\\{.*slot_name=\"exporter_test_slot\".*} ");
                assertThat(metrics).containsPattern("(?m)^pg_stat_activity_count\\{");
                // queries.yml's additions, every one readable by cdc_monitor (a refused query would set
                // pg_exporter_last_scrape_error, checked below).
                assertThat(metrics).containsPattern("(?m)^cdc_slot_wal_status\\{.*slot_name=\"exporter_test_slot\".*"
                        + "wal_status=\"reserved\".*} 1$");
                assertThat(metrics).containsPattern("(?m)^cdc_wal_directory_bytes(\\{[^}]*})? [0-9.e+]+$");
                for (String metric : new String[] {"cdc_slot_confirmed_flush_lag_bytes", "cdc_slot_catalog_xmin_age_xids",
                        "cdc_slot_safe_wal_size_bytes",
                        "cdc_slot_decoding_spilled_transactions_total", "cdc_slot_decoding_spilled_bytes_total",
                        "cdc_slot_decoding_decoded_transactions_total", "cdc_slot_decoding_decoded_bytes_total"}) {
                    assertThat(metrics).as(metric).containsPattern("(?m)^" + metric + "\\{.*slot_name="
                            + "\"exporter_test_slot\".*} [0-9.e+]+$");
                }
                assertThat(metrics).containsPattern("(?m)^pg_exporter_last_scrape_error 0$");
            } finally {
                exporter.destroy();
                exporter.waitFor();
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_drop_replication_slot('exporter_test_slot')");
                }
            }
        }
    }

    private static String scrape(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        // Until it listens and answers with the pg_up metric (it binds a moment after it starts).
        return await("postgres_exporter's metrics").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(java.io.IOException.class)
                .until(() -> http.send(request, HttpResponse.BodyHandlers.ofString()),
                        response -> response.statusCode() == 200 && response.body().contains("pg_up"))
                .body();
    }
}
