package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The postgres service's healthcheck, run as docker would run it (CMD-SHELL, the container's environment) against a
 * real PostgreSQL initialised from the repository's files. The image runs its init scripts only while the data
 * directory is empty: when init-db.sql fails half-way the container restarts on a half-built database, and a
 * healthcheck that only asks "does the server answer" turns that healthy. It must check what init creates.
 */
class PostgresHealthcheckTest {

    private final RepoFiles repo = RepoFiles.locate();

    /** Exit status and output of services.postgres.healthcheck.test, run against the given server and database. */
    private Map.Entry<Integer, String> runHealthcheck(RepoPostgres pg, String database) throws Exception {
        Map<?, ?> compose;
        try (Reader reader = Files.newBufferedReader(repo.file("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        List<?> test = (List<?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) compose.get("services")).get("postgres"))
                .get("healthcheck")).get("test");
        assertThat(test.get(0)).isEqualTo("CMD-SHELL");
        // compose turns $$ into a literal $ for the container's shell
        String command = ((String) test.get(1)).replace("$$", "$");

        Map<String, String> environment = new HashMap<>(
                ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap()).serviceEnvironment("postgres"));
        environment.put("POSTGRES_DB", database);
        // Inside the container the server listens on 5432; here it is a free port, which psql/pg_isready take from PGPORT.
        environment.put("PGPORT", Integer.toString(pg.port()));
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("healthcheck finished").isTrue();
        System.out.println("postgres healthcheck on " + database + ": exit " + process.exitValue() + " " + out.strip());
        return Map.entry(process.exitValue(), out);
    }

    private static void execute(RepoPostgres pg, String database, String... statements) throws SQLException {
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database;
        try (Connection c = java.sql.DriverManager.getConnection(url, pg.superuser(), pg.superuserPassword());
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void healthyOnceInitHasRun() throws Exception {
        try (RepoPostgres pg = RepoPostgres.start()) {
            assertThat(runHealthcheck(pg, pg.database()).getKey()).isZero();
        }
    }

    @Test
    void unhealthyWhenInitFailedHalfWay() throws Exception {
        try (RepoPostgres pg = RepoPostgres.start()) {
            // A second database initialised by the real init-db.sql, which fails part-way: the roles are cluster-wide
            // and already exist, so it stops at CREATE ROLE after creating the tables - before the publication.
            execute(pg, pg.database(), "CREATE DATABASE halfway");
            ProcessBuilder init = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host(),
                    "-p", Integer.toString(pg.port()), "-U", pg.superuser(), "-d", "halfway",
                    "-f", repo.initDbSql().toString()).redirectErrorStream(true);
            // The passwords init-db.sql reads with \getenv, as the postgres service passes them.
            init.environment().putAll(
                    ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap()).serviceEnvironment("postgres"));
            Process psql = init.start();
            psql.getOutputStream().close();
            String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.println("init-db.sql on a second database: exit " + psql.exitValue() + " " + out.strip());
            assertThat(psql.exitValue()).as("init-db.sql failed half-way").isNotZero();
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port()
                    + "/halfway", pg.superuser(), pg.superuserPassword());
                 Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT to_regclass('public.users') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("init got as far as the tables").isTrue();
            }

            assertThat(runHealthcheck(pg, "halfway").getKey()).as("healthcheck exit status").isNotZero();
        }
    }

    @Test
    void unhealthyWithoutTheCaptureRole() throws Exception {
        try (RepoPostgres pg = RepoPostgres.start()) {
            execute(pg, pg.database(), "DROP OWNED BY cdc_capture", "DROP ROLE cdc_capture");

            assertThat(runHealthcheck(pg, pg.database()).getKey()).as("healthcheck exit status").isNotZero();
        }
    }

    @Test
    void unhealthyWithoutThePublication() throws Exception {
        try (RepoPostgres pg = RepoPostgres.start()) {
            execute(pg, pg.database(), "DROP PUBLICATION debezium_publication");

            assertThat(runHealthcheck(pg, pg.database()).getKey()).as("healthcheck exit status").isNotZero();
        }
    }
}
