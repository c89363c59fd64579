package io.github.cdcmonitoring.generator;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool to the generator's database, and the wait for that database to be ready. */
final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Short, so that a dead server turns into a retry with backoff (and a log line) instead of a long silent hang. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Upper bound for one statement's network wait. Without it a connection whose peer vanished without a TCP reset
     * (a cut network) blocks its thread until TCP keepalive gives up, which takes hours by default.
     */
    private static final int SOCKET_TIMEOUT_SECONDS = 60;
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final GeneratorConfig config;
    private final HikariDataSource pool;

    Database(GeneratorConfig config, int poolSize) {
        this.config = config;
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setServerNames(new String[] {config.host()});
        postgres.setPortNumbers(new int[] {config.port()});
        postgres.setDatabaseName(config.database());
        postgres.setUser(config.user());
        postgres.setPassword(config.password());
        postgres.setApplicationName("data-generator");
        postgres.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        postgres.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        postgres.setTcpKeepAlive(true);

        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("data-generator");
        hikari.setDataSource(postgres);
        hikari.setAutoCommit(false);
        hikari.setMaximumPoolSize(poolSize);
        hikari.setMinimumIdle(poolSize);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hikari.setValidationTimeout(TimeUnit.SECONDS.toMillis(1));
        // Do not connect while building the pool: awaitReady() waits for the server with backoff and says so.
        hikari.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(hikari);
    }

    /** A pooled connection with auto-commit off; closing it returns it to the pool (rolling back unfinished work). */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** {@code host:port/database}, for log lines. */
    String describe() {
        return config.host() + ":" + config.port() + "/" + config.database();
    }

    /**
     * Waits until the server accepts connections and the generator's tables exist (the postgres image runs
     * init-db.sql before it listens on TCP, but a server set up by hand may lack them).
     *
     * @return the server version, or null if a stop was requested while waiting
     * @throws GeneratorException if the database is not ready within GENERATOR_DB_WAIT_SECONDS
     */
    String awaitReady(StopSignal stop) {
        Backoff backoff = new Backoff(config.databaseWait());
        while (true) {
            String problem;
            Exception cause = null;
            try (Connection connection = connection();
                 Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT current_setting('server_version'), "
                         + "to_regclass('users') IS NOT NULL AND to_regclass('orders') IS NOT NULL")) {
                row.next();
                String version = row.getString(1);
                if (row.getBoolean(2)) {
                    connection.rollback();
                    return version;
                }
                problem = "connected, but tables users and orders do not exist yet (has init-db.sql run?)";
            } catch (SQLException e) {
                problem = Failures.describe(e);
                cause = e;
            }
            if (backoff.expired()) {
                throw new GeneratorException("PostgreSQL at " + describe() + " not ready after "
                        + config.databaseWait().toSeconds() + " s (" + GeneratorConfig.DB_WAIT_SECONDS + "): "
                        + problem, cause);
            }
            long delay = backoff.nextDelayNanos();
            LOG.info("waiting for PostgreSQL at {} (attempt {}, next in {} ms, giving up after {} s): {}", describe(),
                    backoff.attempts(), TimeUnit.NANOSECONDS.toMillis(delay), config.databaseWait().toSeconds(),
                    problem);
            if (!stop.sleepNanos(delay)) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
