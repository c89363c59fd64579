package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.TempDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose stack run natively on loopback: PostgreSQL 17 initialised from the repository's files, a KRaft Kafka
 * broker, Kafka Connect configured from {@code docker-compose.yml} with the Debezium PostgreSQL connector and the JMX
 * exporter agent, and the connector from {@code register-postgresql.json} registered through
 * {@code register-connector.sh}, as the {@code connector-init} service does. With {@link Builder#monitoring(boolean)}
 * also the data generator, the change exporter, postgres_exporter, Prometheus and (where installed) Grafana.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start()) {          // free ports, connector registered and RUNNING
 *     stack.postgres().connect();                        // write rows; read stack.topic("public.users")
 *     stack.connect().kill();                            // crash
 *     stack.connect().start();                           // and recover
 * }
 * try (LocalStack stack = LocalStack.builder().monitoring(true).start()) {
 *     stack.prometheusUrl(); stack.generator().stop(); ...
 * }
 * }</pre>
 *
 * Closing it (or the JVM's exit) stops every process and removes the temporary directories. How the pieces are read
 * and checked is {@link StackConfiguration}'s job, the order they start in {@link StackStartup}'s.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final long startNanos = System.nanoTime();
    private final StackConfiguration config;
    private final Consumer<String> progress;
    private final Path workDir;
    private final TopicNames topics;
    private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "local-stack-shutdown");
    CompletableFuture<RepoPostgres> postgresStart;
    RepoPostgres postgres;
    KafkaBroker kafka;
    ConnectWorker connect;
    ConnectorRegistration registration;
    ServiceProcess generator;
    ServiceProcess changeExporter;
    ServiceProcess postgresExporter;
    ServiceProcess nodeExporter;
    ServiceProcess prometheus;
    ServiceProcess alertmanager;
    ServiceProcess grafana;
    private boolean closed;

    private LocalStack(StackConfiguration config, Consumer<String> progress, Path workDir) {
        this.config = config;
        this.progress = progress;
        this.workDir = workDir;
        this.topics = new TopicNames(config.connector.topicPrefix());
    }

    /** Free loopback ports, no inventory dataset, the repository's connector registered, no monitoring. */
    public static LocalStack start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The builder's choices, read by {@link StackConfiguration}. */
    record Options(int postgresPort, int kafkaPort, int connectPort, int metricsPort, int generatorMetricsPort,
                   int changeExporterPort, int postgresExporterPort, int prometheusPort, int grafanaPort,
                   Map<String, String> portSettings, boolean loadInventory, boolean registerConnector,
                   Path jmxExporterConfig, boolean monitoring, Double generatorRate, DotEnv composeEnv,
                   Ports.Chooser portChooser, String alertWebhook, int alertTimingDivisor) {
    }

    /** A port number from .env, or an error naming the variable. */
    static int envPort(DotEnv env, String key) {
        String value = env.get(key);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " in .env must be a port number, got '" + value + "'", e);
        }
    }

    /** Options of {@link LocalStack}; a port of 0 (the default) means a free one. */
    public static final class Builder {

        private int postgresPort;
        private int kafkaPort;
        private int connectPort;
        private int metricsPort;
        private int generatorMetricsPort;
        private int changeExporterPort;
        private int postgresExporterPort;
        private int prometheusPort;
        private int grafanaPort;
        private final Map<String, String> portSettings = new HashMap<>();
        private DotEnv composeEnv;
        private boolean loadInventory;
        private boolean registerConnector = true;
        private Path jmxExporterConfig;
        private boolean monitoring;
        private Double generatorRate;
        private Consumer<String> progress = LOG::info;
        private Ports.Chooser portChooser = Ports.Chooser.FREE;
        private String alertWebhook;
        private int alertTimingDivisor = 1;

        private Builder() {
        }

        /** Where the free ports come from; a test hands out one it holds to take it before the bind. */
        Builder portChooser(Ports.Chooser chooser) {
            this.portChooser = chooser;
            return this;
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
         * CONNECT_METRICS_PORT, and with monitoring GENERATOR_METRICS_PORT, CHANGE_EXPORTER_PORT,
         * POSTGRES_EXPORTER_PORT, PROMETHEUS_PORT and GRAFANA_PORT. A taken port is then reported with the setting's
         * name.
         */
        public Builder composePorts(DotEnv env) {
            postgresPort = port(env, "POSTGRES_PORT", "postgres");
            kafkaPort = port(env, "KAFKA_PORT", "kafka");
            connectPort = port(env, "CONNECT_PORT", "connect");
            metricsPort = port(env, "CONNECT_METRICS_PORT", "connect-metrics");
            composeEnv = env;
            return this;
        }

        private int port(DotEnv env, String key, String component) {
            portSettings.put(component, key + " in .env");
            return envPort(env, key);
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

        /**
         * Whether to run the monitoring side too (default false, which keeps the pipeline tests fast): the data
         * generator, the change exporter, postgres_exporter, Prometheus and, where installed, Grafana. Needs
         * {@code prometheus} and {@code prometheus-postgres-exporter} on PATH and the generator's and change exporter's
         * jars built.
         */
        public Builder monitoring(boolean monitoring) {
            this.monitoring = monitoring;
            return this;
        }

        /** The generator's operations per second instead of GENERATOR_RATE from .env (monitoring only). */
        public Builder generatorRate(double operationsPerSecond) {
            if (operationsPerSecond < 0) {
                throw new IllegalArgumentException("generatorRate must be 0 (unthrottled) or more, got "
                        + operationsPerSecond);
            }
            this.generatorRate = operationsPerSecond;
            return this;
        }

        /**
         * Also notify {@code url} (a webhook receiver, e.g. a test's own HTTP server): Alertmanager then runs on a
         * derived copy of debezium-prometheus/alertmanager.yml that adds a {@code webhook_configs} entry with this
         * URL (send_resolved) to every receiver; routes, grouping and inhibition are read from the shipped file.
         */
        public Builder alertWebhook(String url) {
            this.alertWebhook = url;
            return this;
        }

        /**
         * For tests that cannot wait for the shipped timings: every alert's {@code for:} (in a derived copy of the
         * rule files) and Alertmanager's {@code group_interval} and {@code repeat_interval} (in a derived copy of
         * alertmanager.yml; {@code group_wait} as shipped) divided by {@code divisor}, in whole seconds; expressions, labels,
         * routes and inhibition as shipped. Default 1: everything as shipped. Never use it to measure the stack's
         * real time to notification.
         */
        public Builder alertTimingDivisor(int divisor) {
            if (divisor < 1) {
                throw new IllegalArgumentException("alertTimingDivisor must be 1 or more, got " + divisor);
            }
            this.alertTimingDivisor = divisor;
            return this;
        }

        /** Receives one line per component as it becomes ready (default: this class's logger at INFO). */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        /** Starts everything; on failure stops what had started and throws with the reason. */
        public LocalStack start() {
            StackConfiguration config = StackConfiguration.assemble(new Options(postgresPort, kafkaPort, connectPort,
                    metricsPort, generatorMetricsPort, changeExporterPort, postgresExporterPort, prometheusPort,
                    grafanaPort, Map.copyOf(portSettings), loadInventory, registerConnector, jmxExporterConfig,
                    monitoring, generatorRate, composeEnv, portChooser, alertWebhook, alertTimingDivisor));
            LocalStack stack = new LocalStack(config, progress, TempDirectory.create("local-stack-"));
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            try {
                new StackStartup(config, stack).run();
                return stack;
            } catch (RuntimeException | Error e) {
                stack.close();
                throw e;
            }
        }
    }

    /**
     * Registers the repository's connector (with the local database address) through register-connector.sh, as
     * the connector-init service does; logs a ready line when it succeeds.
     */
    public ConnectorRegistration.Result registerConnector() {
        ConnectorRegistration.Result result = registration.register(config.connector);
        if (result.succeeded()) {
            ready("connector", "connector " + connectorName() + " RUNNING, capturing into topics "
                    + topic("public.users") + ", " + topic("public.orders") + ", ...");
        }
        return result;
    }

    /**
     * Registers any connector configuration through register-connector.sh; bad-input tests derive theirs from
     * {@link #connectorConfig()}.
     */
    public ConnectorRegistration.Result register(ConnectorConfig connector) {
        return registration.register(connector);
    }

    /** Runs register-connector.sh on a connector file as it is, as connector-init would (a bad-input test's case). */
    public ConnectorRegistration.Result register(Path connectorFile) {
        return registration.register(connectorFile);
    }

    /** Records that a component is ready and passes the line on to the progress consumer. */
    void ready(String component, String message) {
        Duration elapsed = elapsed();
        synchronized (readyAfter) {
            readyAfter.put(component, elapsed);
        }
        progress.accept(String.format(Locale.ROOT, "[%5.1f s] %s", elapsed.toMillis() / 1000.0, message));
    }

    /** A line that is not a component becoming ready (e.g. that Grafana is not installed). */
    void note(String message) {
        progress.accept(message);
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
        return config.connector;
    }

    public String connectorName() {
        return config.connector.name();
    }

    public String topicPrefix() {
        return config.connector.topicPrefix();
    }

    /** The topic Debezium writes a table's changes to: {@code <topic.prefix>.<schema>.<table>}. */
    public String topic(String schemaAndTable) {
        return topics.topic(schemaAndTable);
    }

    /** Whether the monitoring processes run ({@link Builder#monitoring(boolean)}). */
    public boolean monitoring() {
        return config.monitoring.isPresent();
    }

    /** The data generator writing into the database: stop it to idle the database, start it to write again. */
    public ServiceProcess generator() {
        return requireMonitoring(generator);
    }

    public ServiceProcess changeExporter() {
        return requireMonitoring(changeExporter);
    }

    public ServiceProcess postgresExporter() {
        return requireMonitoring(postgresExporter);
    }

    public ServiceProcess prometheus() {
        return requireMonitoring(prometheus);
    }

    /**
     * Starts Prometheus beside a stack started without the monitoring, as the native stack runs it: the
     * distribution's binary on a copy of debezium-prometheus/prometheus.yml (its rules loaded) scraping this stack's
     * Connect, and the other jobs on {@code otherJobPorts} (a job left out is scraped where nothing listens, and
     * is down). For the benchmark, which measures the stack's memory with Prometheus in it. Stopped with the stack.
     */
    public synchronized ServiceProcess startPrometheus(Map<String, Integer> otherJobPorts) {
        if (prometheus != null) {
            throw new IllegalStateException("Prometheus already runs in this stack at " + prometheus.url());
        }
        Path binary = Executables.find("prometheus").orElseThrow(() -> new IllegalStateException("prometheus is "
                + "not installed (not on PATH); install with: " + StackConfiguration.INSTALL_COMMAND));
        StackConfiguration.requirePrometheus3(binary, config.env);
        int[] free = Ports.free(StackConfiguration.PROMETHEUS_JOBS.size() + 1);
        Map<String, Integer> jobs = new LinkedHashMap<>();
        int next = 0;
        for (String job : StackConfiguration.PROMETHEUS_JOBS) {
            jobs.put(job, otherJobPorts.getOrDefault(job, free[next++]));
        }
        jobs.put("connect", connect.metricsPort());
        jobs.put("prometheus", free[next]);
        // No Alertmanager here: the alerting target and the alertmanager job point at a free port (as a left-out job).
        prometheus = MonitoringServices.prometheus(binary, config.repo.file(StackConfiguration.PROMETHEUS_YML), jobs,
                free[next], dir("prometheus"), 1);
        prometheus.start();
        return prometheus;
    }

    /** Alertmanager on debezium-prometheus/alertmanager.yml, which Prometheus sends its alerts to. */
    public ServiceProcess alertmanager() {
        return requireMonitoring(alertmanager);
    }

    /** {@code http://127.0.0.1:<port>}: Alertmanager's UI and API ({@code /api/v2/alerts}). */
    public String alertmanagerUrl() {
        return alertmanager().url();
    }

    /** Grafana, where a grafana binary is installed. */
    public Optional<ServiceProcess> grafana() {
        requireMonitoring(prometheus);
        return Optional.ofNullable(grafana);
    }

    /** {@code http://127.0.0.1:<port>}: Prometheus's UI and API. */
    public String prometheusUrl() {
        return prometheus().url();
    }

    public String generatorMetricsUrl() {
        return generator().url();
    }

    public String changeExporterMetricsUrl() {
        return changeExporter().url();
    }

    public String postgresExporterMetricsUrl() {
        return postgresExporter().url();
    }

    /** node_exporter, reporting the filesystem of PostgreSQL's data and no other. */
    public ServiceProcess nodeExporter() {
        return requireMonitoring(nodeExporter);
    }

    private ServiceProcess requireMonitoring(ServiceProcess process) {
        if (!monitoring()) {
            throw new IllegalStateException("this stack runs without monitoring: start it with "
                    + "LocalStack.builder().monitoring(true)");
        }
        return process;
    }

    /** When each component became ready, counted from the start: postgres, kafka, connect, connector, ... */
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

    /**
     * Stops the generator first (no more writes), then the other monitoring processes, Connect, Kafka and PostgreSQL,
     * and removes the temporary directories. Idempotent.
     */
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
            for (ServiceProcess process : new ServiceProcess[] {generator, changeExporter, grafana, prometheus,
                    alertmanager, postgresExporter, nodeExporter}) {
                stopQuietly(process);
            }
            try {
                if (connect != null) {
                    connect.stop();
                }
            } finally {
                if (kafka != null) {
                    kafka.close();
                }
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

    /** One process failing to stop must not keep the others running. */
    private static void stopQuietly(ServiceProcess process) {
        if (process == null) {
            return;
        }
        try {
            process.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping {} failed: {}", process.name(), e.getMessage());
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

    /** A directory under the work dir, created on first use. */
    Path dir(String name) {
        return StackStartup.directory(workDir.resolve(name));
    }
}
