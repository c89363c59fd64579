package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.DotEnv;
import io.github.cdcmonitoring.postgres.RepoFiles;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.postgres.TempDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose stack run natively on loopback: PostgreSQL 17 initialised from the repository's files, a KRaft Kafka
 * broker, Kafka Connect configured from {@code docker-compose.yml} with the Debezium PostgreSQL connector and the JMX
 * exporter agent, and the connector from {@code register-postgresql.json} registered through
 * {@code register-connector.sh}, as the {@code connector-init} service does.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start()) {          // free ports, connector registered and RUNNING
 *     try (TopicReader users = stack.topicReader(stack.topic("public.users"))) { ... }
 *     stack.connect().kill();                            // crash
 *     stack.connect().start();                           // and recover
 * }
 * }</pre>
 *
 * Closing it (or the JVM's exit) stops every process and removes the temporary directories.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration REGISTER_WAIT = Duration.ofSeconds(120);
    private static final String COMPOSE_FILE = "docker-compose.yml";
    private static final String CONNECTOR_FILE = "register-postgresql.json";
    private static final String EXPORTER_DIR = "debezium-jmx-exporter";

    private final long startNanos = System.nanoTime();
    private final Consumer<String> progress;
    private final Path workDir;
    private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "local-stack-shutdown");
    private CompletableFuture<RepoPostgres> postgresStart;
    private RepoPostgres postgres;
    private KafkaBroker kafka;
    private ConnectWorker connect;
    private ConnectorConfig connector;
    private ConnectorRegistration registration;
    private boolean closed;

    private LocalStack(Consumer<String> progress, Path workDir) {
        this.progress = progress;
        this.workDir = workDir;
    }

    /** Free loopback ports, no inventory dataset, the repository's connector registered. */
    public static LocalStack start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of {@link LocalStack}; a port of 0 (the default) means a free one. */
    public static final class Builder {

        private int postgresPort;
        private int kafkaPort;
        private int connectPort;
        private int metricsPort;
        private Map<String, String> portSettings = Map.of();
        private boolean loadInventory;
        private boolean registerConnector = true;
        private Path jmxExporterConfig;
        private Consumer<String> progress = LOG::info;

        private Builder() {
        }

        public Builder postgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder connectPort(int port) {
            this.connectPort = port;
            return this;
        }

        public Builder metricsPort(int port) {
            this.metricsPort = port;
            return this;
        }

        /**
         * The compose stack's published ports from .env: POSTGRES_PORT, KAFKA_PORT, CONNECT_PORT and
         * CONNECT_METRICS_PORT. A taken port is then reported with the setting's name.
         */
        public Builder composePorts(DotEnv env) {
            postgresPort = port(env, "POSTGRES_PORT");
            kafkaPort = port(env, "KAFKA_PORT");
            connectPort = port(env, "CONNECT_PORT");
            metricsPort = port(env, "CONNECT_METRICS_PORT");
            portSettings = Map.of("postgres", "POSTGRES_PORT in .env", "kafka", "KAFKA_PORT in .env",
                    "connect", "CONNECT_PORT in .env", "metrics", "CONNECT_METRICS_PORT in .env");
            return this;
        }

        private static int port(DotEnv env, String key) {
            String value = env.get(key);
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " in .env must be a port number, got '" + value + "'", e);
            }
        }

        /** Loads inventory.sql after init-db.sql (LOAD_INVENTORY=true in the compose stack). */
        public Builder loadInventory(boolean load) {
            this.loadInventory = load;
            return this;
        }

        /**
         * Whether to register register-postgresql.json once everything runs (default true). Without it, a test can
         * write rows first and then call {@link LocalStack#registerConnector()} to see them arrive as a snapshot.
         */
        public Builder registerConnector(boolean register) {
            this.registerConnector = register;
            return this;
        }

        /** The JMX exporter rules to load instead of debezium-jmx-exporter/config.yml. */
        public Builder jmxExporterConfig(Path config) {
            this.jmxExporterConfig = config;
            return this;
        }

        /** Receives one line per component as it becomes ready (default: this class's logger at INFO). */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        /** Starts everything; on failure stops what had started and throws with the reason. */
        public LocalStack start() {
            RepoFiles repo = RepoFiles.locate();
            DotEnv env = repo.dotEnv();
            int[] free = Ports.free(5);
            int pg = choose(postgresPort, free[0], "postgres");
            int kafka = choose(kafkaPort, free[1], "kafka");
            int connect = choose(connectPort, free[2], "connect");
            int metrics = choose(metricsPort, free[3], "metrics");
            int controller = free[4];

            // Everything read and checked before any process starts.
            ComposeFile compose = ComposeFile.read(repo.file(COMPOSE_FILE), env.asMap());
            ConnectImageEntrypoint.Result image =
                    ConnectImageEntrypoint.translate(compose.serviceEnvironment("connect"), "127.0.0.1");
            ConnectorConfig connector = ConnectorConfig.read(repo.file(CONNECTOR_FILE));
            Path exporter = repo.root().resolve(EXPORTER_DIR);
            Path agentConfig = jmxExporterConfig != null ? jmxExporterConfig : exporter.resolve("config.yml");

            LocalStack stack = new LocalStack(progress, TempDirectory.create("local-stack-"));
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            try {
                Path log4j = stack.writeForkLogConfig();
                stack.connect = ConnectWorker.create(new ConnectWorker.Settings(image, "127.0.0.1:" + kafka, connect,
                        metrics, exporter.resolve("target/connect-plugins"),
                        exporter.resolve("target/jmx_prometheus_javaagent.jar"), agentConfig,
                        stack.dir("connect"), log4j));
                stack.registration = new ConnectorRegistration(exporter.resolve("register-connector.sh"),
                        compose.serviceEnvironment("connector-init"), stack.connect.restUrl(), stack.dir("connectors"), REGISTER_WAIT);
                stack.connector = connector.withDatabase("127.0.0.1", pg);
                stack.run(pg, kafka, controller, log4j, loadInventory, registerConnector);
                return stack;
            } catch (RuntimeException | Error e) {
                stack.close();
                throw e;
            }
        }

        private int choose(int requested, int free, String component) {
            if (requested == 0) {
                return free;
            }
            Ports.requireFree(requested, portSettings.getOrDefault(component, component + " port"));
            return requested;
        }
    }

    private void run(int pgPort, int kafkaPort, int controllerPort, Path log4j, boolean inventory, boolean register) {
        // PostgreSQL starts alongside the broker: neither needs the other, and each spends time waiting on disk.
        postgresStart = CompletableFuture.supplyAsync(() -> {
            RepoPostgres started = RepoPostgres.start(pgPort, inventory);
            ready("postgres", "PostgreSQL ready on 127.0.0.1:" + started.port() + ", database " + started.database()
                    + (inventory ? " with the inventory dataset" : ""));
            return started;
        }, runnable -> {
            Thread thread = new Thread(runnable, "local-stack-postgres");
            thread.setDaemon(true);
            thread.start();
        });
        // Connect's JVM boots and scans its plugins while the broker starts; it waits for the broker by itself.
        kafka = KafkaBroker.launch(dir("kafka"), kafkaPort, controllerPort, log4j);
        connect.launch();
        kafka.awaitReady();
        ready("kafka", "Kafka broker ready on " + kafka.bootstrapServers());
        connect.awaitReady();
        ready("connect", "Kafka Connect ready at " + connect.restUrl() + ", metrics at " + connect.metricsUrl());
        postgres = awaitPostgres();
        if (register) {
            ConnectorRegistration.Result result = registerConnector();
            if (!result.succeeded()) {
                throw new IllegalStateException("registering " + connector.name() + " failed (register-connector.sh "
                        + "exit " + result.exitCode() + "):\n" + result.output());
            }
        }
    }

    private RepoPostgres awaitPostgres() {
        try {
            return postgresStart.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Registers the repository's connector (with the local database address) through register-connector.sh, as
     * the connector-init service does; logs a ready line when it succeeds.
     */
    public ConnectorRegistration.Result registerConnector() {
        ConnectorRegistration.Result result = registration.register(connector);
        if (result.succeeded()) {
            ready("connector", "connector " + connector.name() + " RUNNING, capturing into topics "
                    + topic("public.users") + ", " + topic("public.orders") + ", ...");
        }
        return result;
    }

    /**
     * Registers any connector configuration through register-connector.sh; bad-input tests derive theirs from
     * {@link #connectorConfig()}.
     */
    public ConnectorRegistration.Result register(ConnectorConfig config) {
        return registration.register(config);
    }

    private void ready(String component, String message) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        synchronized (readyAfter) {
            readyAfter.put(component, elapsed);
        }
        progress.accept(String.format(Locale.ROOT, "[%5.1f s] %s", elapsed.toMillis() / 1000.0, message));
    }


    private Path dir(String name) {
        Path dir = workDir.resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path writeForkLogConfig() {
        Path file = workDir.resolve("log4j2.properties");
        try (InputStream in = LocalStack.class.getResourceAsStream("fork-log4j2.properties")) {
            if (in == null) {
                throw new IllegalStateException("fork-log4j2.properties is missing from local-stack");
            }
            Files.copy(in, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RepoPostgres postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** The Connect worker, to {@link ConnectWorker#kill() kill} and {@link ConnectWorker#start() start} again. */
    public ConnectWorker connect() {
        return connect;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String connectUrl() {
        return connect.restUrl();
    }

    public String metricsUrl() {
        return connect.metricsUrl();
    }

    public ConnectRest rest() {
        return connect.rest();
    }

    /** register-postgresql.json with the local database address: the connector this stack registers. */
    public ConnectorConfig connectorConfig() {
        return connector;
    }

    public String connectorName() {
        return connector.name();
    }

    public String topicPrefix() {
        return connector.topicPrefix();
    }

    /** The topic Debezium writes a table's changes to: {@code <topic.prefix>.<schema>.<table>}. */
    public String topic(String schemaAndTable) {
        if (!schemaAndTable.contains(".")) {
            throw new IllegalArgumentException("name the table with its schema, e.g. public.users, got "
                    + schemaAndTable);
        }
        return topicPrefix() + "." + schemaAndTable;
    }

    /** A reader of the given topics from their beginning; close it after use. */
    public TopicReader topicReader(String... topics) {
        return new TopicReader(bootstrapServers(), Arrays.asList(topics));
    }

    /** One scrape of the Connect JVM's JMX exporter endpoint, in the Prometheus text format. */
    public String scrapeMetrics() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(metricsUrl()))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(metricsUrl() + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + metricsUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** When each component became ready, counted from the start: postgres, kafka, connect, connector. */
    public Map<String, Duration> readyAfter() {
        synchronized (readyAfter) {
            return Map.copyOf(readyAfter);
        }
    }

    /** The time since {@link Builder#start()} began. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The temporary directory holding configs and logs (kafka/kafka.log, connect/connect.log); removed on close. */
    public Path workDir() {
        return workDir;
    }

    /** Stops Connect, then Kafka, then PostgreSQL, and removes the temporary directories. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                LOG.debug("JVM already shutting down; the hook closes the stack");
            }
        }
        try {
            if (connect != null) {
                connect.stop();
            }
        } finally {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                try {
                    closePostgres();
                } finally {
                    TempDirectory.deleteRecursively(workDir);
                    progress.accept("stopped; temporary files removed");
                }
            }
        }
    }

    private void closePostgres() {
        if (postgres == null && postgresStart != null) {
            try {
                postgres = postgresStart.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.warn("PostgreSQL did not start, nothing to stop: {}", e.getMessage());
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

}
