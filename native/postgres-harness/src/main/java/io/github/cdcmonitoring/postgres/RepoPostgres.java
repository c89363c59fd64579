package io.github.cdcmonitoring.postgres;

import io.github.cdcmonitoring.repo.BoundedProcess;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.FreePorts;
import io.github.cdcmonitoring.repo.LeftoverReaper;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.TempDirectory;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 initialised the way the compose stack's postgres container is: the server's whole
 * configuration is the repository's postgresql.conf (the container runs {@code postgres -c
 * config_file=/etc/postgresql/postgresql.conf}), the database and passwords come from .env, and init-db.sql (then
 * inventory.sql if asked) runs through psql as the superuser. Only the listen address, port and socket directory
 * differ: loopback, by default a free port, and the run's own directory. They are rewritten in a copy of the file,
 * not passed as {@code -c} options, and nothing else is passed: no {@code -F}, so fsync is what the file says.
 *
 * <p>The server and its directory are registered with {@link LeftoverReaper}: if this JVM is killed, the server is
 * stopped and the directory removed all the same.
 */
public final class RepoPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepoPostgres.class);

    /** The settings the copy of postgresql.conf sets itself; everything else is the repository's file verbatim. */
    private static final Pattern OWN_SETTINGS =
            Pattern.compile("^\\s*(listen_addresses|port|unix_socket_directories)\\s*(=|\\s).*$");
    private static final Duration INITDB_LIMIT = Duration.ofMinutes(2);
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(60);
    private static final Duration READY_POLL = Duration.ofMillis(100);
    /** Fresh ports tried when the chosen free port was taken before the server could bind it. */
    private static final int BIND_ATTEMPTS = 5;
    private static final int LOG_TAIL_BYTES = 4 * 1024;

    private final RepoFiles repo;
    private final Path runDir;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;
    private final ServerUser user;
    private final PostgresBinaries binaries;
    /** Where fresh ports come from after a bind failure; null when the caller fixed the port. */
    private final IntSupplier freePorts;
    /** Receives one line per bind retry. */
    private final Consumer<String> retries;
    private int port;
    private final String database;
    private final String superuser;
    private final String superuserPassword;
    private final String capturePassword;
    private final Map<String, String> dotEnv;
    private Process postmaster;

    private RepoPostgres(RepoFiles repo, Path runDir, int port, IntSupplier freePorts, Consumer<String> retries) {
        DotEnv env = repo.dotEnv();
        this.repo = repo;
        this.runDir = runDir;
        this.dataDir = runDir.resolve("data");
        this.configFile = runDir.resolve("postgresql.conf");
        this.logFile = runDir.resolve("postgres.log");
        this.user = ServerUser.choose();
        this.binaries = PostgresBinaries.unpacked();
        this.port = port;
        this.freePorts = freePorts;
        this.retries = retries;
        this.database = env.get("POSTGRES_DB");
        this.superuser = env.get("POSTGRES_USER");
        this.superuserPassword = env.get("POSTGRES_PASSWORD");
        this.capturePassword = env.get("CDC_DB_PASSWORD");
        this.dotEnv = env.asMap();
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
        return start(port, loadInventory, FreePorts::choose);
    }

    /**
     * As {@link #start(int, boolean)}; with port 0 the ports are drawn from {@code freePorts}: the first to start on,
     * a fresh one after each bind failure (local-stack offers the port it chose first; a test hands out a taken one).
     */
    public static RepoPostgres start(int port, boolean loadInventory, IntSupplier freePorts) {
        return start(port, loadInventory, freePorts, LOG::info);
    }

    /** As {@link #start(int, boolean, IntSupplier)}, giving each bind retry's line to {@code retries}. */
    public static RepoPostgres start(int port, boolean loadInventory, IntSupplier freePorts,
                                     Consumer<String> retries) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (a free one) or between 1 and 65535, got " + port);
        }
        RepoFiles repo = RepoFiles.locate();
        if (port != 0) {
            LeftoverReaper.settleEarlierRuns(); // a killed run on the same port may still be shutting down
        }
        Path runDir = TempDirectory.create("repo-postgres-");
        RepoPostgres pg;
        try {
            pg = new RepoPostgres(repo, runDir, port == 0 ? freePorts.getAsInt() : port, port == 0 ? freePorts : null,
                    retries);
        } catch (RuntimeException e) {
            TempDirectory.deleteRecursively(runDir);
            throw e;
        }
        try {
            pg.initialise(loadInventory);
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private void initialise(boolean loadInventory) {
        initdb();
        startServer(freePorts != null ? BIND_ATTEMPTS : 1);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), internalConnectionProperties());
             Statement s = c.createStatement()) {
            // The image's entrypoint does the same from POSTGRES_DB (initdb set POSTGRES_USER's password).
            s.execute("CREATE DATABASE " + quoteIdent(database));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database " + database + ": " + e.getMessage(), e);
        }
        Psql psql = Psql.find();
        // Every .env variable, so the file's \getenv lines (CDC_DB_PASSWORD, MONITOR_DB_PASSWORD, ...) find what the
        // compose file gives the container, without a list here to keep in step.
        psql.runFile(repo.initDbSql(), port, database, superuser, superuserPassword, dotEnv);
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

    /** initdb as the server user, with the superuser and password from .env (the image's entrypoint does the same). */
    private void initdb() {
        user.own(runDir);
        Path passwordFile = runDir.resolve("superuser-password");
        try {
            Files.writeString(passwordFile, superuserPassword + "\n");
            user.own(passwordFile);
            // --no-sync skips only initdb's final flush of the new cluster's files (seconds on a busy disk); the
            // server itself then runs with fsync as postgresql.conf says, and its first checkpoint syncs everything.
            BoundedProcess.runChecked("initdb", user.command(List.of(binaries.initdb().toString(),
                    "-D", dataDir.toString(), "-U", superuser, "--pwfile=" + passwordFile, "-E", "UTF8",
                    "--no-locale", "--no-instructions", "--no-sync")), user.environment(), INITDB_LIMIT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + passwordFile, e);
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", passwordFile, e.getMessage());
            }
        }
        writeHba();
    }

    /**
     * Starts the postmaster on {@link #port} and waits until it accepts connections. When this class chose the port
     * and another process took it in the meantime, starts again on a fresh one, up to {@code attempts} times.
     */
    private void startServer(int attempts) {
        for (int attempt = 1; ; attempt++) {
            writeConfig();
            long logStart = logLength();
            launch();
            try {
                awaitReady(logStart);
                return;
            } catch (BindFailure e) {
                if (attempt >= attempts) {
                    throw new IllegalStateException("PostgreSQL cannot listen on 127.0.0.1:" + port + ": " + e.getMessage()
                            + (freePorts != null ? " (tried " + attempts + " free ports)" : "; stop what listens there "
                            + "or choose another port"));
                }
                int taken = port;
                port = freePorts.getAsInt();
                // Worded as local-stack's other services word their retries.
                retries.accept("PostgreSQL could not bind 127.0.0.1:" + taken + ": Address already in use (another "
                        + "process took the port after it was chosen); starting again on 127.0.0.1:" + port
                        + " (attempt " + (attempt + 1) + " of " + attempts + ")");
            }
        }
    }

    /** The repository's postgresql.conf with this run's listen address, port and socket directory. */
    private void writeConfig() {
        List<String> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(repo.postgresqlConf(), StandardCharsets.UTF_8)) {
                lines.add(OWN_SETTINGS.matcher(line).matches() ? "# set below by RepoPostgres: " + line : line);
            }
            lines.add("");
            lines.add("# Written by RepoPostgres: the native harness listens on loopback only, on its own port and socket.");
            lines.add("listen_addresses = '127.0.0.1'");
            lines.add("port = " + port);
            lines.add("unix_socket_directories = '" + runDir + "'");
            Files.write(configFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    private void launch() {
        List<String> command = user.command(List.of(binaries.postgres().toString(), "-D", dataDir.toString(),
                "-c", "config_file=" + configFile));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(user.environment());
        try {
            postmaster = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.postgres(), e);
        }
        // SIGQUIT: PostgreSQL's immediate shutdown, which also ends its backends.
        LeftoverReaper.watchProcess(postmaster.pid(), "QUIT", dataDir.toString());
    }

    /** Thrown while starting when the server exited because its port was taken. */
    private static final class BindFailure extends Exception {
        BindFailure(String message) {
            super(message);
        }
    }

    /**
     * Waits for the postmaster to report "ready" in its postmaster.pid, as pg_ctl does. Probing with a connection
     * instead would, after a bind failure, reach whoever holds the port and wait out a login timeout there.
     */
    private void awaitReady(long logStart) throws BindFailure {
        // A BindFailure thrown by the condition ends the wait and reaches the caller as it is (Awaitility rethrows
        // what a condition throws).
        boolean ready = Waits.within(STARTUP_LIMIT, READY_POLL, () -> {
            if (!postmaster.isAlive()) {
                LeftoverReaper.forgetProcess(postmaster.pid());
                String log = logSince(logStart);
                if (log.contains("could not bind") || log.contains("could not create any TCP/IP sockets")) {
                    throw new BindFailure(log.lines().filter(l -> l.contains("could not") || l.contains("HINT"))
                            .map(l -> l.replaceFirst("^.*?(LOG|WARNING|FATAL|HINT): +", ""))
                            .collect(java.util.stream.Collectors.joining("; ")));
                }
                throw new IllegalStateException("PostgreSQL exited with status " + postmaster.exitValue()
                        + " while starting; " + logFile + ":\n" + lastLines(log, 20));
            }
            if (!reportsReady()) {
                return false;
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), internalConnectionProperties())) {
                return true;
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL reports ready on port " + port + " but refuses a "
                        + "connection: " + e.getMessage() + "; " + logFile + ":\n" + lastLines(logSince(logStart), 20), e);
            }
        });
        if (!ready) {
            killPostmaster();
            throw new IllegalStateException("PostgreSQL did not become ready on port " + port + " within "
                    + STARTUP_LIMIT.toSeconds() + " s; " + logFile + ":\n" + lastLines(logSince(logStart), 20));
        }
    }

    /** Line 1 of postmaster.pid is the postmaster's pid, line 8 its status ("starting", "ready", ...). */
    private boolean reportsReady() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() >= 8 && lines.get(0).strip().equals(Long.toString(postmaster.pid()))
                    && lines.get(7).strip().equals("ready");
        } catch (IOException notYetWritten) {
            return false;
        }
    }

    /**
     * Bounded waits for the connections this class opens: a server that accepts but never answers cannot hang it.
     * Connections handed to callers ({@link #connect()}) get the connect and login limits only, since a caller's
     * statement may rightly run for minutes.
     */
    private Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", superuser);
        properties.setProperty("password", superuserPassword);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        return properties;
    }

    private Properties internalConnectionProperties() {
        Properties properties = connectionProperties();
        properties.setProperty("socketTimeout", "60");
        return properties;
    }

    /**
     * Password authentication for every role but the superuser, like the image's pg_hba.conf for connections from
     * other containers, so a wrong capture-role password is refused here as it is in the stack. The superuser keeps
     * trust on loopback, as the image trusts its local connections.
     */
    private void writeHba() {
        String hba = String.join("\n",
                "# written by RepoPostgres",
                "local all all trust",
                "host all " + superuser + " 127.0.0.1/32 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "");
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server the way a crash-free restart does (fast shutdown) and starts it again on the same port and data. */
    public void restart() {
        stop();
        startServer(1);
    }

    /** Stops the server (fast shutdown: clients are disconnected) but keeps its data, for {@link #startAgain()}. */
    public void stop() {
        shutDown("INT");
    }

    /**
     * Immediate shutdown, as {@code pg_ctl stop -m immediate} does (SIGQUIT to the postmaster): every backend quits
     * without a checkpoint, so {@link #startAgain()} runs crash recovery from the WAL. The data stays.
     */
    public void stopImmediately() {
        shutDown("QUIT");
    }

    /** Sends the postmaster {@code signal} (INT: fast, QUIT: immediate shutdown) and waits for it to exit. */
    private void shutDown(String signal) {
        if (postmaster == null) {
            return;
        }
        try {
            if (postmaster.isAlive()) {
                BoundedProcess.run("kill -" + signal + " " + postmaster.pid(),
                        List.of("sh", "-c", "kill -" + signal + " \"$0\"", Long.toString(postmaster.pid())),
                        Map.of(), Duration.ofSeconds(10));
                if (!postmaster.waitFor(SHUTDOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("PostgreSQL (pid {}) did not shut down within {} s; killing it", postmaster.pid(),
                            SHUTDOWN_LIMIT.toSeconds());
                    killPostmaster();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killPostmaster();
        } finally {
            LeftoverReaper.forgetProcess(postmaster.pid());
            postmaster = null;
        }
    }

    private void killPostmaster() {
        postmaster.destroyForcibly();
        try {
            postmaster.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void startAgain() {
        if (postmaster == null) {
            startServer(1);
        }
    }

    /** The server's own log (stdout and stderr of the postmaster), in the run's directory. */
    public Path logFile() {
        return logFile;
    }

    /** The postmaster's pid while it runs. */
    public long pid() {
        if (postmaster == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        return postmaster.pid();
    }

    /** The run's directory (data, config copy, socket, log); removed by {@link #close()}. */
    public Path runDirectory() {
        return runDir;
    }

    private long logLength() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(offset, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static String lastLines(String text, int count) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - count), lines.length));
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

    /** libpq's variables for a client of this database as the superuser: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD. */
    public Map<String, String> clientEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PGHOST", host());
        environment.put("PGPORT", Integer.toString(port));
        environment.put("PGDATABASE", database);
        environment.put("PGUSER", superuser);
        environment.put("PGPASSWORD", superuserPassword);
        return environment;
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
        return DriverManager.getConnection(jdbcUrl(), connectionProperties());
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirectory.deleteRecursively(runDir);
        }
    }


    private static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

}
