package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.process.Executables;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.TempDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compose stack run natively on loopback: PostgreSQL 17 initialised from the repository's files, a KRaft Kafka
 * broker, Kafka Connect configured from {@code docker-compose.yml} with the Debezium PostgreSQL connector and the JMX
 * exporter agent, and the connector from {@code register-postgresql.json} registered through
 * {@code register-connector.sh}, as the {@code connector-init} service does. With {@link Builder#allServices(boolean)}
 * every other compose service too: the data generator writing, the change exporter, postgres_exporter, node_exporter,
 * Alertmanager, Prometheus and (where installed) Grafana.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start()) {          // free ports, connector registered and RUNNING
 *     stack.postgres().connect();                        // write rows; read stack.topic("public.users")
 *     stack.connect().kill();                            // crash
 *     stack.connect().start();                           // and recover
 * }
 * try (LocalStack stack = LocalStack.builder().allServices(true).start()) {
 *     stack.prometheusUrl(); stack.generator().stop(); ...
 * }
 * }</pre>
 *
 * Closing it (or the JVM's exit) stops every process and removes the temporary directories. How the pieces are read
 * and checked is {@link StackConfiguration}'s job, the order they start in {@link StackStartup}'s, which records each
 * piece in the {@link StartedComponents} this stack is made with.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final long startNanos = System.nanoTime();
    private final StackConfiguration config;
    private final Consumer<String> progress;
    private final Path workDir;
    private final TopicNames topics;
    private final Map<Component, Duration> readyAfter = new EnumMap<>(Component.class);
    private final Thread shutdownHook = new Thread(this::close, "local-stack-shutdown");
    private final StartedComponents components;
    private boolean closed;

    private LocalStack(StackConfiguration config, Consumer<String> progress, Path workDir,
                       StartedComponents components) {
        this.config = config;
        this.progress = progress;
        this.workDir = workDir;
        this.components = components;
        this.topics = new TopicNames(config.connector.topicPrefix());
    }

    /** Free loopback ports, no inventory dataset, the repository's connector registered, no other service. */
    public static LocalStack start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The builder's choices, read by {@link StackConfiguration}. */
    record Options(DotEnv composeEnv, boolean loadInventory, boolean registerConnector, Path jmxExporterConfig,
                   Path brokerJmxExporterConfig, boolean allServices, Double generatorRate, Ports.Chooser portChooser, String alertWebhook,
                   int alertTimingDivisor, boolean cluster) {
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

    /** Options of {@link LocalStack}; every port is a free one unless {@link #composePorts} says otherwise. */
    public static final class Builder {

        private DotEnv composeEnv;
        private boolean loadInventory;
        private boolean registerConnector = true;
        private Path jmxExporterConfig;
        private Path brokerJmxExporterConfig;
        private boolean allServices;
        private Double generatorRate;
        private Consumer<String> progress = LOG::info;
        private Ports.Chooser portChooser = Ports.Chooser.FREE;
        private String alertWebhook;
        private int alertTimingDivisor = 1;
        private boolean cluster;

        private Builder() {
        }

        /** Where the free ports come from; a test hands out one it holds to take it before the bind. */
        Builder portChooser(Ports.Chooser chooser) {
            this.portChooser = chooser;
            return this;
        }

        /**
         * The compose stack's published ports from .env, each component's {@link Component#portSetting() setting}
         * (those of {@link #allServices} only when it is on); a taken port is reported with the setting's name.
         */
        public Builder composePorts(DotEnv env) {
            this.composeEnv = env;
            return this;
        }

        /**
         * Loads inventory.sql after init-db.sql and, with {@link #registerConnector}, registers its own connector
         * register-inventory.json after register-postgresql.json (LOAD_INVENTORY=true in the compose stack): two
         * connectors, each with its slot, publication and topic prefix.
         */
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

        /** The broker's JMX exporter rules to load instead of kafka-jmx-exporter/config.yml. */
        public Builder brokerJmxExporterConfig(Path config) {
            this.brokerJmxExporterConfig = config;
            return this;
        }

        /**
         * Whether to run every compose service (default false: PostgreSQL, the broker, Connect and the connector, which
         * keeps the pipeline tests fast): then also the data generator, writing from the start as in compose, the
         * change exporter, postgres_exporter, node_exporter, Alertmanager, Prometheus and, where installed, Grafana.
         * Needs their programs on PATH and the generator's and change exporter's jars built.
         */
        public Builder allServices(boolean all) {
            this.allServices = all;
            return this;
        }

        /** The generator's operations per second instead of GENERATOR_RATE from .env (all services only). */
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

        /**
         * The cluster shape (default false: one broker, one worker, as docker-compose.yml): the brokers and Connect
         * workers of docker-compose.cluster.yml over docker-compose.yml (three KRaft nodes, each broker and
         * controller, replication factor 3 and min.insync.replicas 2; two workers in one group), each with its JMX
         * exporter agent and scraped by Prometheus. The first broker and worker take the ports of the single ones;
         * the others free ports, never .env's, and they are not moved when a port is taken before the bind.
         */
        public Builder cluster(boolean cluster) {
            this.cluster = cluster;
            return this;
        }

        /** Receives one line per component as it becomes ready (default: this class's logger at INFO). */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        /** Starts everything; on failure stops what had started and throws with the reason. */
        public LocalStack start() {
            StackConfiguration config = StackConfiguration.assemble(new Options(composeEnv, loadInventory,
                    registerConnector, jmxExporterConfig, brokerJmxExporterConfig, allServices, generatorRate, portChooser, alertWebhook,
                    alertTimingDivisor, cluster));
            StartedComponents components = new StartedComponents();
            LocalStack stack = new LocalStack(config, progress, TempDirectory.create("local-stack-"), components);
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            try {
                new StackStartup(config, stack, components).run();
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
        ConnectorRegistration.Result result = started(Component.CONNECTOR, ConnectorRegistration.class).register(config.connector);
        if (result.succeeded()) {
            ready(Component.CONNECTOR, "connector " + connectorName() + " RUNNING, capturing into topics "
                    + topic("public.users") + ", " + topic("public.orders") + ", ...");
        }
        return result;
    }

    /**
     * Registers the inventory dataset's connector (register-inventory.json, with the local database address) through
     * register-connector.sh, as connector-init does with LOAD_INVENTORY=true; logs a ready line when it succeeds.
     * Its tables must exist: {@link Builder#loadInventory} or {@code postgres().loadInventory()} first.
     */
    public ConnectorRegistration.Result registerInventoryConnector() {
        ConnectorConfig inventory = config.inventoryConnector;
        ConnectorRegistration.Result result = started(Component.CONNECTOR, ConnectorRegistration.class).register(inventory);
        if (result.succeeded()) {
            TopicNames names = new TopicNames(inventory.topicPrefix());
            ready(Component.CONNECTOR, "connector " + inventory.name() + " RUNNING, capturing into topics "
                    + names.topic("inventory.products") + ", " + names.topic("inventory.customers") + ", "
                    + names.topic("inventory.orders"));
        }
        return result;
    }

    /** register-inventory.json with the local database address: the second connector, with the inventory dataset. */
    public ConnectorConfig inventoryConnectorConfig() {
        return config.inventoryConnector;
    }

    /**
     * Registers any connector configuration through register-connector.sh; bad-input tests derive theirs from
     * {@link #connectorConfig()}.
     */
    public ConnectorRegistration.Result register(ConnectorConfig connector) {
        return started(Component.CONNECTOR, ConnectorRegistration.class).register(connector);
    }

    /** Runs register-connector.sh on a connector file as it is, as connector-init would (a bad-input test's case). */
    public ConnectorRegistration.Result register(Path connectorFile) {
        return started(Component.CONNECTOR, ConnectorRegistration.class).register(connectorFile);
    }

    /** Records that a component is ready and passes the line on to the progress consumer. */
    void ready(Component component, String message) {
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
        return started(Component.POSTGRES, RepoPostgres.class);
    }

    public KafkaBroker kafka() {
        return started(Component.KAFKA, KafkaBroker.class);
    }

    /** The Connect worker, to {@link ConnectWorker#kill() kill} and {@link ConnectWorker#start() start} again. */
    public ConnectWorker connect() {
        return started(Component.CONNECT, ConnectWorker.class);
    }

    /** Every broker's address, comma-separated: a client finds the cluster through any one that runs. */
    public String bootstrapServers() {
        return String.join(",", kafkaBrokers().stream().map(KafkaBroker::bootstrapServers).toList());
    }

    /** Every broker: the cluster shape's three ({@link Builder#cluster(boolean)}), else the one of {@link #kafka()}. */
    public List<KafkaBroker> kafkaBrokers() {
        return components.brokers();
    }

    /** Every Connect worker: the cluster shape's two, in one group, else the one of {@link #connect()}. */
    public List<ConnectWorker> connectWorkers() {
        return components.workers();
    }

    /** Whether this is the cluster shape ({@link Builder#cluster(boolean)}). */
    public boolean cluster() {
        return config.nodes.cluster();
    }

    public String connectUrl() {
        return connect().restUrl();
    }

    public String metricsUrl() {
        return connect().metricsUrl();
    }

    /**
     * Connect's REST API at the first worker that runs: every worker of the group serves the same API (a request
     * the leader must handle is forwarded), so in the cluster shape it outlives one worker's death.
     */
    public ConnectRest rest() {
        return connectWorkers().stream().filter(ConnectWorker::isAlive).findFirst().orElse(connect()).rest();
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

    /** Whether every compose service runs ({@link Builder#allServices(boolean)}). */
    public boolean allServices() {
        return config.monitoring.isPresent();
    }

    /** The data generator writing into the database: stop it to idle the database, start it to write again. */
    public ServiceProcess generator() {
        return service(Component.DATA_GENERATOR);
    }

    public ServiceProcess changeExporter() {
        return service(Component.CHANGE_EXPORTER);
    }

    public ServiceProcess postgresExporter() {
        return service(Component.POSTGRES_EXPORTER);
    }

    /** Prometheus, started with all services or by {@link #startPrometheus()}. */
    public ServiceProcess prometheus() {
        return components.get(Component.PROMETHEUS, ServiceProcess.class)
                .orElseGet(() -> service(Component.PROMETHEUS));
    }

    /**
     * Starts Prometheus beside a stack started without all services, as the native stack runs it: the
     * distribution's binary on a copy of debezium-prometheus/prometheus.yml (its rules loaded) scraping this stack's
     * Connect and broker; its other jobs are scraped on free ports where nothing listens, and are down. For the benchmark, which
     * measures the stack's memory with Prometheus in it. Stopped with the stack.
     */
    public synchronized ServiceProcess startPrometheus() {
        Optional<ServiceProcess> running = components.get(Component.PROMETHEUS, ServiceProcess.class);
        if (running.isPresent()) {
            throw new IllegalStateException("Prometheus already runs in this stack at " + running.get().url());
        }
        Path binary = Executables.find("prometheus").orElseThrow(() -> new IllegalStateException("prometheus is "
                + "not installed (not on PATH); install with: " + StackConfiguration.INSTALL_COMMAND));
        StackConfiguration.requirePrometheus3(binary, config.env);
        List<String> jobNames = Arrays.stream(Component.values()).map(Component::job).flatMap(Optional::stream).toList();
        int[] free = Ports.free(jobNames.size()); // distinct, unlike one choice per job
        Map<String, Integer> jobs = new LinkedHashMap<>();
        for (int i = 0; i < jobNames.size(); i++) {
            jobs.put(jobNames.get(i), free[i]);
        }
        jobs.put(Component.CONNECT_METRICS.job().orElseThrow(), connect().metricsPort());
        jobs.put(Component.KAFKA_METRICS.job().orElseThrow(), kafka().metricsPort());
        int port = jobs.get(Component.PROMETHEUS.job().orElseThrow());
        // No Alertmanager here: the alerting target and the alertmanager job point at a free port where nothing runs.
        ServiceProcess prometheus = MonitoringServices.prometheus(binary,
                config.repo.file(StackConfiguration.PROMETHEUS_YML), jobs, Map.of(), port, dir("prometheus"), 1);
        components.record(Component.PROMETHEUS, prometheus).start();
        return prometheus;
    }

    /** Alertmanager on debezium-prometheus/alertmanager.yml, which Prometheus sends its alerts to. */
    public ServiceProcess alertmanager() {
        return service(Component.ALERTMANAGER);
    }

    /** {@code http://127.0.0.1:<port>}: Alertmanager's UI and API ({@code /api/v2/alerts}). */
    public String alertmanagerUrl() {
        return alertmanager().url();
    }

    /** Grafana, where a grafana binary is installed. */
    public Optional<ServiceProcess> grafana() {
        requireAllServices();
        return components.get(Component.GRAFANA, ServiceProcess.class);
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
        return service(Component.NODE_EXPORTER);
    }

    private ServiceProcess service(Component component) {
        requireAllServices();
        return started(component, ServiceProcess.class);
    }

    private <T> T started(Component component, Class<T> type) {
        return components.get(component, type).orElseThrow(() -> new IllegalStateException(component
                + " is not running in this stack"));
    }

    private void requireAllServices() {
        if (!allServices()) {
            throw new IllegalStateException("this stack runs PostgreSQL, Kafka and Connect only: start it with "
                    + "LocalStack.builder().allServices(true)");
        }
    }

    /** When each component became ready, counted from the start, in that order: postgres, kafka, connect, ... */
    public Map<String, Duration> readyAfter() {
        Map<String, Duration> byName = new LinkedHashMap<>();
        synchronized (readyAfter) {
            readyAfter.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(entry -> byName.put(entry.getKey().toString(), entry.getValue()));
        }
        return byName;
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
            components.stopAll();
        } finally {
            TempDirectory.deleteRecursively(workDir);
            progress.accept("stopped; temporary files removed");
        }
    }

    /** A directory under the work dir, created on first use. */
    Path dir(String name) {
        return StackStartup.directory(workDir.resolve(name));
    }
}
