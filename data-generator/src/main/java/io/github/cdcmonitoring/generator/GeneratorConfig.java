package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.service.ConfigException;
import io.github.cdcmonitoring.service.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Everything the generator needs, read from environment variables: the libpq names for the connection (so a shell
 * that already works with psql works here too) and GENERATOR_* for the workload. Every value is checked here, before
 * anything touches the database, and a bad one raises a {@link ConfigException} naming the variable.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>PGHOST, PGPORT</td><td>postgres, 5432</td><td>the server (the compose service name by default)</td></tr>
 *   <tr><td>PGDATABASE, PGUSER</td><td>testDB, postgres</td><td>database and role</td></tr>
 *   <tr><td>PGPASSWORD</td><td>(empty)</td><td>never logged</td></tr>
 *   <tr><td>GENERATOR_RATE</td><td>20</td><td>operations per second over all threads; 0 = as fast as possible</td></tr>
 *   <tr><td>GENERATOR_THREADS</td><td>2</td><td>concurrent connections writing</td></tr>
 *   <tr><td>GENERATOR_MAX_OPS</td><td>0</td><td>stop after this many committed operations; 0 = run until
 *       stopped</td></tr>
 *   <tr><td>GENERATOR_MIX</td><td>users=20,orders=60,updates=15,deletes=5</td><td>percent per operation
 *       (keys users, orders, updates, deletes, signups), adding up to 100</td></tr>
 *   <tr><td>GENERATOR_BATCH_SIZE</td><td>1</td><td>operations per transaction, sent as JDBC batches; above 1 only
 *       with GENERATOR_RATE=0, since a batch is a burst</td></tr>
 *   <tr><td>GENERATOR_METRICS_PORT</td><td>9400</td><td>HTTP port of /metrics; 0 = any free port</td></tr>
 *   <tr><td>GENERATOR_DB_WAIT_SECONDS</td><td>120</td><td>how long to wait for the database, at start and whenever it
 *       goes away, before giving up</td></tr>
 * </table>
 * Any other GENERATOR_* variable is rejected: a misspelt GENERATOR_RATES would otherwise be ignored silently.
 */
public final class GeneratorConfig {

    static final String PGHOST = "PGHOST";
    static final String PGPORT = "PGPORT";
    static final String PGDATABASE = "PGDATABASE";
    static final String PGUSER = "PGUSER";
    static final String PGPASSWORD = "PGPASSWORD";
    static final String RATE = "GENERATOR_RATE";
    static final String THREADS = "GENERATOR_THREADS";
    static final String MAX_OPS = "GENERATOR_MAX_OPS";
    static final String MIX = OperationMix.VARIABLE;
    static final String BATCH_SIZE = "GENERATOR_BATCH_SIZE";
    static final String METRICS_PORT = "GENERATOR_METRICS_PORT";
    static final String DB_WAIT_SECONDS = "GENERATOR_DB_WAIT_SECONDS";

    private static final String GENERATOR_PREFIX = "GENERATOR_";
    private static final List<String> GENERATOR_VARIABLES =
            List.of(RATE, THREADS, MAX_OPS, MIX, BATCH_SIZE, METRICS_PORT, DB_WAIT_SECONDS);

    static final int MAX_THREADS = 64;
    static final int MAX_BATCH_SIZE = 1000;
    static final double MAX_RATE = 1_000_000;

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final double ratePerSecond;
    private final int threads;
    private final long maxOperations;
    private final OperationMix mix;
    private final int batchSize;
    private final int metricsPort;
    private final Duration databaseWait;

    private GeneratorConfig(ConfigValues values) {
        host = values.text(PGHOST, "postgres");
        port = values.integer(PGPORT, 5432, 1, 65535, "the PostgreSQL server's TCP port");
        database = values.text(PGDATABASE, "testDB");
        user = values.text(PGUSER, "cdc_generator");
        password = values.secret(PGPASSWORD);
        ratePerSecond = values.decimal(RATE, 20, 0, MAX_RATE, "operations per second; 0 = as fast as possible");
        threads = values.integer(THREADS, 2, 1, MAX_THREADS, "concurrent writing connections");
        maxOperations = values.longInteger(MAX_OPS, 0, 0, Long.MAX_VALUE,
                "operations to commit before stopping; 0 = run until stopped");
        mix = OperationMix.parse(values.text(MIX, OperationMix.DEFAULT));
        batchSize = values.integer(BATCH_SIZE, 1, 1, MAX_BATCH_SIZE, "operations per transaction");
        metricsPort = values.integer(METRICS_PORT, 9400, 0, 65535, "HTTP port for /metrics; 0 = any free port");
        databaseWait = Duration.ofSeconds(values.longInteger(DB_WAIT_SECONDS, 120, 1, 86_400,
                "seconds to wait for an unreachable database before giving up"));
        if (batchSize > 1 && ratePerSecond > 0) {
            throw new ConfigException(BATCH_SIZE, "must be 1 unless " + RATE + "=0: a batch of " + batchSize
                    + " operations in one transaction is a burst, not a steady rate");
        }
    }

    /**
     * Reads the configuration from environment variables (pass {@code System.getenv()}, or a map of your own when
     * embedding the generator).
     *
     * @throws ConfigException naming the first variable that is invalid or unknown
     */
    public static GeneratorConfig fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(GENERATOR_PREFIX) && !GENERATOR_VARIABLES.contains(name)) {
                throw new ConfigException(name, "unknown setting; the generator reads "
                        + String.join(", ", GENERATOR_VARIABLES));
            }
        }
        return new GeneratorConfig(new ConfigValues(env));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Operations per second over all threads; 0 means as fast as the database allows. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    public int threads() {
        return threads;
    }

    /** Operations to commit before {@link DataGenerator#run()} returns; 0 means until stopped. */
    public long maxOperations() {
        return maxOperations;
    }

    public OperationMix mix() {
        return mix;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The configured /metrics port; 0 means any free port (see {@link DataGenerator#metricsPort()}). */
    public int metricsPort() {
        return metricsPort;
    }

    public Duration databaseWait() {
        return databaseWait;
    }

    /** The settings as one log line, the password masked. */
    @Override
    public String toString() {
        return "host=" + host + " port=" + port + " database=" + database + " user=" + user
                + " password=" + (password.isEmpty() ? "(none)" : "*****")
                + " rate=" + (ratePerSecond == 0 ? "unlimited" : ratePerSecond + "/s")
                + " threads=" + threads + " maxOps=" + (maxOperations == 0 ? "unlimited" : maxOperations)
                + " mix=" + mix + " batchSize=" + batchSize + " metricsPort=" + metricsPort
                + " dbWait=" + databaseWait.toSeconds() + "s";
    }
}
