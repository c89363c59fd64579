package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.ComposeCluster;
import io.github.cdcmonitoring.localstack.config.ConnectImageEntrypoint;
import io.github.cdcmonitoring.localstack.config.KafkaImageSettings;
import io.github.cdcmonitoring.localstack.process.Executables;
import io.github.cdcmonitoring.localstack.process.ProgramVersion;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything the local stack needs, read from the repository's files and the {@link LocalStack.Builder}'s options and
 * checked before any process starts: ports, the compose file's Connect settings, the connector, and (with monitoring)
 * the programs on PATH and the jars the build makes. A missing program or jar is one line naming it and the command
 * that provides it.
 */
final class StackConfiguration {

    static final String CONNECTOR_FILE = "register-postgresql.json";
    /** The inventory dataset's own connector, registered with it (LOAD_INVENTORY=true in the compose stack). */
    static final String INVENTORY_CONNECTOR_FILE = "register-inventory.json";
    static final String JMX_EXPORTER_DIR = "debezium-jmx-exporter";
    /** The broker's JMX exporter rules, which the kafka image built from kafka-jmx-exporter/ loads. */
    static final String BROKER_JMX_RULES = "kafka-jmx-exporter/config.yml";
    static final String PROMETHEUS_YML = "debezium-prometheus/prometheus.yml";
    /** The compose service mounts it at /etc/alertmanager/alertmanager.yml (ComposeFileTest). */
    static final String ALERTMANAGER_YML = "debezium-prometheus/alertmanager.yml";
    /** The compose service that reports the free space under PostgreSQL's data, and the volume it watches. */
    static final String NODE_EXPORTER_SERVICE = "node-exporter";
    static final String POSTGRES_DATA_VOLUME = "postgres-data";
    static final String KAFKA_DATA_VOLUME = "kafka-data";
    /** The compose service's database address in DATA_SOURCE_URI / DATA_SOURCE_NAME: host {@code postgres}. */
    private static final Pattern COMPOSE_DATABASE = Pattern.compile("(^|@|//)postgres(:5432)?([/?]|$)");
    static final String GRAFANA_DIR = "debezium-grafana";
    static final String BUILD_COMMAND = "./mvnw -pl native/local-stack -am package -DskipTests";
    /**
     * Installs every program the stack runs, each of the line .env pins: Debian 12's own {@code apt-get install
     * prometheus} would give Prometheus 2.42 and postgres_exporter 0.11.
     */
    static final String INSTALL_COMMAND = "sudo bash .ci/install-packages";

    /** The loopback port of each component that listens; without all services, only the pipeline's. */
    record StackPorts(Map<Component, Integer> ports) {

        StackPorts {
            ports = Map.copyOf(ports);
        }

        int of(Component component) {
            Integer port = ports.get(component);
            if (port == null) {
                throw new IllegalStateException(component + " has no port in this stack");
            }
            return port;
        }
    }

    /** The monitoring processes' programs and settings. */
    record Monitoring(ServiceJar generatorJar, Map<String, String> generatorWorkload, ServiceJar changeExporterJar,
                      Path postgresExporter, Map<String, String> postgresExporterEnvironment, Path prometheus,
                      Path prometheusYml, Optional<Path> grafana, Path grafanaDir,
                      Map<String, String> grafanaEnvironment, Path alertmanager, Path alertmanagerYml,
                      Optional<String> alertWebhook, int alertTimingDivisor, Path nodeExporter,
                      List<String> nodeExporterArguments) {
    }

    final RepoFiles repo;
    final DotEnv env;
    final StackPorts ports;
    /** The components whose port this stack chose (not fixed by the builder or .env): moved after a bind failure. */
    private final Set<Component> chosenPorts;
    private final Ports.Chooser portChooser;
    final ComposeFile compose;
    final ConnectImageEntrypoint.Result connectImage;
    /** The brokers and workers to run: one each, or the cluster shape's. */
    final Nodes nodes;
    /** The connector with the database address; moves with PostgreSQL ({@link #postgresMovedTo}). */
    ConnectorConfig connector;
    /** register-inventory.json with the database address; registered only with the inventory dataset. */
    ConnectorConfig inventoryConnector;
    final Path jmxExporterDir;
    final Path jmxExporterConfig;
    /** The agent jar (the one debezium-jmx-exporter's build puts in its target/) with the broker's rules. */
    final KafkaBroker.MetricsAgent brokerAgent;
    final boolean loadInventory;
    final boolean registerConnector;
    /** The monitoring settings; postgres_exporter's database address moves with PostgreSQL too. */
    Optional<Monitoring> monitoring;

    private StackConfiguration(RepoFiles repo, DotEnv env, StackPorts ports, Set<Component> chosenPorts,
                               Ports.Chooser portChooser, ComposeFile compose,
                               Nodes nodes, ConnectorConfig connector, ConnectorConfig inventoryConnector,
                               Path jmxExporterDir, Path jmxExporterConfig, KafkaBroker.MetricsAgent brokerAgent,
                               boolean loadInventory,
                               boolean registerConnector, Optional<Monitoring> monitoring) {
        this.repo = repo;
        this.env = env;
        this.ports = ports;
        this.chosenPorts = Set.copyOf(chosenPorts);
        this.portChooser = portChooser;
        this.compose = compose;
        this.nodes = nodes;
        this.connectImage = nodes.workers().get(0).image();
        this.connector = connector;
        this.inventoryConnector = inventoryConnector;
        this.jmxExporterDir = jmxExporterDir;
        this.jmxExporterConfig = jmxExporterConfig;
        this.brokerAgent = brokerAgent;
        this.loadInventory = loadInventory;
        this.registerConnector = registerConnector;
        this.monitoring = monitoring;
    }

    /** Reads and checks everything; throws with one line naming what is missing or wrong. */
    static StackConfiguration assemble(LocalStack.Options options) {
        // Programs on PATH first (a machine without them cannot run the stack however it is built), then the jars
        // the build makes, then ports: each missing piece is named before anything starts.
        Optional<Programs> programs = programs(options.allServices());
        RepoFiles repo = RepoFiles.locate();
        Optional<Built> built = programs.map(p -> new Built(ServiceJar.of(repo, "data-generator", BUILD_COMMAND),
                ServiceJar.of(repo, "change-exporter", BUILD_COMMAND)));
        DotEnv env = repo.dotEnv();
        ComposeFile compose = ComposeFile.read(repo.file(ComposeFile.FILE), env.asMap());
        Nodes nodes = options.cluster()
                ? Nodes.of(ComposeCluster.read(compose, repo.file(ComposeCluster.FILE), env.asMap()))
                : Nodes.single(compose);
        Path exporterDir = repo.root().resolve(JMX_EXPORTER_DIR);
        Path agentConfig = options.jmxExporterConfig() != null
                ? options.jmxExporterConfig() : exporterDir.resolve("config.yml");
        Set<Component> chosen = EnumSet.noneOf(Component.class);
        StackPorts ports = ports(options, chosen);
        ConnectorConfig connector = ConnectorConfig.read(repo.file(CONNECTOR_FILE))
                .withDatabase("127.0.0.1", ports.of(Component.POSTGRES));
        ConnectorConfig inventoryConnector = ConnectorConfig.read(repo.file(INVENTORY_CONNECTOR_FILE))
                .withDatabase("127.0.0.1", ports.of(Component.POSTGRES));
        Optional<Monitoring> monitoring = programs.map(p -> monitoring(p, built.orElseThrow(), repo, env, compose,
                ports, options));
        return new StackConfiguration(repo, env, ports, chosen, options.portChooser(), compose, nodes, connector,
                inventoryConnector, exporterDir, agentConfig,
                new KafkaBroker.MetricsAgent(exporterDir.resolve("target/jmx_prometheus_javaagent.jar"),
                        options.brokerJmxExporterConfig() != null ? options.brokerJmxExporterConfig()
                                : repo.file(BROKER_JMX_RULES)),
                options.loadInventory(), options.registerConnector(), monitoring);
    }

    /** A broker: its compose service and the settings the image makes of its environment. */
    record BrokerNode(String service, KafkaImageSettings settings) {
    }

    /** A Connect worker: its compose service and what the connect image's entrypoint makes of its environment. */
    record WorkerNode(String service, ConnectImageEntrypoint.Result image) {
    }

    /** The brokers and Connect workers of the shape, the first of each being compose's kafka and connect. */
    record Nodes(List<BrokerNode> brokers, List<WorkerNode> workers) {

        Nodes {
            brokers = List.copyOf(brokers);
            workers = List.copyOf(workers);
        }

        /** docker-compose.yml: one broker, one worker. */
        static Nodes single(ComposeFile compose) {
            return new Nodes(List.of(new BrokerNode("kafka", KafkaImageSettings.of(compose.serviceEnvironment("kafka")))),
                    List.of(worker("connect", compose.serviceEnvironment("connect"))));
        }

        /** The cluster shape: every broker and worker service of docker-compose.cluster.yml over docker-compose.yml. */
        static Nodes of(ComposeCluster cluster) {
            return new Nodes(cluster.brokerServices().stream()
                    .map(service -> new BrokerNode(service, KafkaImageSettings.of(cluster.serviceEnvironment(service))))
                    .toList(),
                    cluster.workerServices().stream()
                            .map(service -> worker(service, cluster.serviceEnvironment(service))).toList());
        }

        private static WorkerNode worker(String service, Map<String, String> environment) {
            return new WorkerNode(service, ConnectImageEntrypoint.translate(environment, "127.0.0.1"));
        }

        boolean cluster() {
            return brokers.size() > 1 || workers.size() > 1;
        }
    }

    /** Whether this stack chose {@code component}'s port, and so may start it again on a fresh one. */
    boolean chosePort(Component component) {
        return chosenPorts.contains(component);
    }

    /** A fresh port for a component whose chosen port was taken before it could bind it. */
    int freshPort(Component component) {
        return Ports.fresh(portChooser, component);
    }

    /**
     * PostgreSQL had to move from its chosen port to {@code port}: the connector and postgres_exporter follow it.
     * Called on the starting thread before either is used.
     */
    void postgresMovedTo(int port) {
        connector = connector.withDatabase("127.0.0.1", port);
        inventoryConnector = inventoryConnector.withDatabase("127.0.0.1", port);
        monitoring = monitoring.map(m -> new Monitoring(m.generatorJar(), m.generatorWorkload(),
                m.changeExporterJar(), m.postgresExporter(), postgresExporterEnvironment(repo, compose, port),
                m.prometheus(),
                m.prometheusYml(), m.grafana(), m.grafanaDir(), m.grafanaEnvironment(), m.alertmanager(),
                m.alertmanagerYml(), m.alertWebhook(), m.alertTimingDivisor(), m.nodeExporter(),
                m.nodeExporterArguments()));
    }

    /** The jars of the repository's own programs, made by the build. */
    private record Built(ServiceJar generatorJar, ServiceJar changeExporterJar) {
    }

    /** The native programs of the monitoring side. */
    record Programs(Path prometheus, Path postgresExporter, Path alertmanager, Path nodeExporter,
                    Optional<Path> grafana) {
    }

    /**
     * The programs the stack runs from PATH: register-connector.sh's jq, curl and psql always, Prometheus,
     * postgres_exporter, node_exporter and Alertmanager (Debian names the binaries prometheus-postgres-exporter,
     * prometheus-node-exporter and prometheus-alertmanager) with the monitoring. Every missing one is named in a
     * single line with the command that
     * installs them, before anything starts; so is a Prometheus or postgres_exporter too old for the stack
     * ({@link #requireVersions}).
     */
    static Optional<Programs> programs(boolean monitoring) {
        List<String> missing = new ArrayList<>();
        for (String tool : new String[] {"jq", "curl", "psql"}) {
            require(missing, Executables.find(tool), tool);
        }
        if (!monitoring) {
            throwIfMissing(missing);
            return Optional.empty();
        }
        Optional<Path> prometheus = require(missing, Executables.find("prometheus"), "prometheus");
        Optional<Path> postgresExporter = require(missing,
                Executables.findAny("prometheus-postgres-exporter", "postgres_exporter"), "postgres_exporter");
        Optional<Path> alertmanager = require(missing,
                Executables.findAny("prometheus-alertmanager", "alertmanager"), "alertmanager");
        Optional<Path> nodeExporter = require(missing,
                Executables.findAny("prometheus-node-exporter", "node_exporter"), "node_exporter");
        throwIfMissing(missing);
        DotEnv env = RepoFiles.locate().dotEnv();
        requireVersions(prometheus.orElseThrow(), postgresExporter.orElseThrow(), env);
        requirePinnedLine("alertmanager", alertmanager.orElseThrow(), "ALERTMANAGER_VERSION", env);
        requirePinnedLine("node_exporter", nodeExporter.orElseThrow(), "NODE_EXPORTER_VERSION", env);
        return Optional.of(new Programs(prometheus.orElseThrow(), postgresExporter.orElseThrow(),
                alertmanager.orElseThrow(), nodeExporter.orElseThrow(),
                Executables.findAny("grafana", "grafana-server")));
    }

    /**
     * Refuses, in one line naming the version found, a Prometheus older than 3 and a postgres_exporter older than
     * the line .env pins for the compose stack. Prometheus 2 evaluates the same rules differently (range selectors
     * closed on the left, so {@code rate()}/{@code increase()} and the moment an alert fires differ) and the rule
     * tests are written for 3. Debian 12's postgres_exporter 0.11 lacks the {@code pg_replication_slot_*} series of
     * the current line and reports a lost slot's retained WAL as NaN; the rules and dashboards are checked against
     * the pinned line, so an older exporter would leave panels and alerts silently empty.
     */
    static void requireVersions(Path prometheus, Path postgresExporter, DotEnv env) {
        requirePrometheus3(prometheus, env);
        String exporterSetting = "POSTGRES_EXPORTER_VERSION=" + env.get("POSTGRES_EXPORTER_VERSION");
        ProgramVersion exporterPin = ProgramVersion.pinned("POSTGRES_EXPORTER_VERSION",
                env.get("POSTGRES_EXPORTER_VERSION"));
        ProgramVersion exporterFound = ProgramVersion.of(postgresExporter);
        if (exporterFound.olderThan(exporterPin)) {
            throw new IllegalStateException("postgres_exporter at " + postgresExporter + " is version "
                    + exporterFound + "; the stack needs " + exporterPin.line() + " or newer (.env pins "
                    + exporterSetting + "); install with: " + INSTALL_COMMAND);
        }
    }

    /** A program older than the line .env pins for its image ({@code pinKey}), refused in one line. */
    static void requirePinnedLine(String name, Path program, String pinKey, DotEnv env) {
        String value = env.get(pinKey);
        ProgramVersion pin = ProgramVersion.pinned(pinKey, value);
        ProgramVersion found = ProgramVersion.of(program);
        if (found.olderThan(pin)) {
            throw new IllegalStateException(name + " at " + program + " is version " + found
                    + "; the stack needs " + pin.line() + " or newer (.env pins " + pinKey + "=" + value
                    + "); install with: " + INSTALL_COMMAND);
        }
    }

    /** See {@link #requireVersions}. */
    static void requirePrometheus3(Path prometheus, DotEnv env) {
        ProgramVersion.pinned("PROMETHEUS_VERSION", env.get("PROMETHEUS_VERSION"));
        ProgramVersion found = ProgramVersion.of(prometheus);
        if (found.major() < 3) {
            throw new IllegalStateException("prometheus at " + prometheus + " is version " + found
                    + "; the stack needs Prometheus 3 (.env pins PROMETHEUS_VERSION=" + env.get("PROMETHEUS_VERSION")
                    + "); install with: " + INSTALL_COMMAND);
        }
    }

    private static Optional<Path> require(List<String> missing, Optional<Path> found, String program) {
        if (found.isEmpty()) {
            missing.add(program);
        }
        return found;
    }

    private static void throwIfMissing(List<String> missing) {
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " not installed (not on PATH); install with: " + INSTALL_COMMAND);
        }
    }

    private static Monitoring monitoring(Programs programs, Built built, RepoFiles repo, DotEnv env,
                                         ComposeFile compose, StackPorts ports, LocalStack.Options options) {
        Map<String, String> workload = new LinkedHashMap<>();
        for (String key : new String[] {"GENERATOR_RATE", "GENERATOR_THREADS", "GENERATOR_MIX"}) {
            workload.put(key, env.get(key));
        }
        if (options.generatorRate() != null) {
            workload.put("GENERATOR_RATE", options.generatorRate().toString());
        }
        // The role the compose service writes as (its own least-privilege role, not the superuser).
        Map<String, String> generatorService = compose.serviceEnvironment("data-generator");
        for (String key : new String[] {"PGUSER", "PGPASSWORD"}) {
            String value = generatorService.get(key);
            if (value == null) {
                throw new IllegalStateException(compose.source() + ": services.data-generator.environment." + key
                        + " is not set");
            }
            workload.put(key, value);
        }
        return new Monitoring(built.generatorJar(), workload, built.changeExporterJar(), programs.postgresExporter(),
                postgresExporterEnvironment(repo, compose, ports.of(Component.POSTGRES)), programs.prometheus(),
                repo.file(PROMETHEUS_YML), programs.grafana(), repo.root().resolve(GRAFANA_DIR),
                programs.grafana().isPresent() ? grafanaEnvironment(compose) : Map.of(), programs.alertmanager(),
                repo.file(ALERTMANAGER_YML), Optional.ofNullable(options.alertWebhook()),
                options.alertTimingDivisor(), programs.nodeExporter(), nodeExporterArguments(compose));
    }

    /**
     * The compose node-exporter's arguments. Its filesystems are named by a pattern of mount points that takes the
     * postgres-data and kafka-data volumes' ({@code /pgdata}, {@code /kafkadata}, and the cluster shape's other
     * brokers' {@code /kafkadata-N}) and no other; {@link MonitoringServices#nodeExporter} puts this machine's in their
     * place.
     */
    static List<String> nodeExporterArguments(ComposeFile compose) {
        String where = compose.source() + ": services." + NODE_EXPORTER_SERVICE;
        if (!compose.hasService(NODE_EXPORTER_SERVICE)) {
            throw new IllegalStateException(compose.source() + " has no " + NODE_EXPORTER_SERVICE + " service to take "
                    + "its settings from");
        }
        String postgres = volumeTarget(compose, where, POSTGRES_DATA_VOLUME);
        String kafka = volumeTarget(compose, where, KAFKA_DATA_VOLUME);
        List<String> arguments = compose.serviceCommand(NODE_EXPORTER_SERVICE);
        String option = MonitoringServices.MOUNT_POINT_OPTION;
        boolean selectsBoth = arguments.stream().filter(argument -> argument.startsWith(option))
                .map(argument -> mountPointPattern(where, argument.substring(option.length())))
                .anyMatch(include -> include.matcher(postgres).matches() && include.matcher(kafka).matches()
                        && !include.matcher("/").matches());
        if (!selectsBoth) {
            throw new IllegalStateException(where + ".command must contain " + option + "<pattern> that takes "
                    + postgres + " and " + kafka + " (the mount points of the " + POSTGRES_DATA_VOLUME + " and "
                    + KAFKA_DATA_VOLUME + " volumes) and not the root filesystem /");
        }
        return arguments;
    }

    private static Pattern mountPointPattern(String where, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException(where + ".command: " + MonitoringServices.MOUNT_POINT_OPTION + regex
                    + " is not a regular expression: " + e.getDescription());
        }
    }

    private static String volumeTarget(ComposeFile compose, String where, String volume) {
        return compose.serviceVolumeTarget(NODE_EXPORTER_SERVICE, volume)
                .orElseThrow(() -> new IllegalStateException(where + ".volumes does not mount " + volume));
    }

    /**
     * The compose file's postgres-exporter settings with the database address and the mounted files made local:
     * the same role, password, options and custom queries as the image gets.
     */
    private static Map<String, String> postgresExporterEnvironment(RepoFiles repo, ComposeFile compose, int pgPort) {
        String service = "postgres-exporter";
        if (!compose.hasService(service)) {
            throw new IllegalStateException(compose.source() + " has no " + service + " service to take its "
                    + "settings from");
        }
        Map<String, String> mounts = compose.serviceBindMounts(service);
        Map<String, String> environment = new LinkedHashMap<>();
        boolean database = false;
        for (Map.Entry<String, String> entry : compose.serviceEnvironment(service).entrySet()) {
            String value = entry.getValue();
            if (entry.getKey().startsWith("DATA_SOURCE_") && COMPOSE_DATABASE.matcher(value).find()) {
                value = COMPOSE_DATABASE.matcher(value).replaceFirst("$1127.0.0.1:" + pgPort + "$3");
                database = true;
            }
            for (Map.Entry<String, String> mount : mounts.entrySet()) {
                if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
                    value = repo.root().resolve(mount.getValue()).normalize()
                            + value.substring(mount.getKey().length());
                    if (!Files.exists(Path.of(value))) {
                        throw new IllegalStateException("missing " + value + " (services." + service + "."
                                + "environment." + entry.getKey() + ")");
                    }
                }
            }
            environment.put(entry.getKey(), value);
        }
        if (!database) {
            throw new IllegalStateException(compose.source() + ": services." + service + ".environment names no "
                    + "database at postgres:5432 (DATA_SOURCE_URI or DATA_SOURCE_NAME)");
        }
        return environment;
    }

    /** The compose file's grafana service settings (GF_*), if the service exists; paths are adapted later. */
    private static Map<String, String> grafanaEnvironment(ComposeFile compose) {
        if (!compose.hasService("grafana")) {
            return Map.of();
        }
        Map<String, String> grafana = new LinkedHashMap<>();
        compose.serviceEnvironment("grafana").forEach((key, value) -> {
            if (key.startsWith("GF_")) {
                grafana.put(key, value);
            }
        });
        return grafana;
    }

    /**
     * Each listening component's port: from .env where {@link LocalStack.Builder#composePorts} asked for it (checked
     * free, and a taken one named by its setting), else a free one chosen here (recorded in {@code chosen}).
     */
    private static StackPorts ports(LocalStack.Options options, Set<Component> chosen) {
        List<Component> needed = Component.listening().stream()
                .filter(component -> options.allServices() || !component.oneOfAllServices()).toList();
        int[] free = Ports.free(needed.size());
        Map<Component, Integer> ports = new EnumMap<>(Component.class);
        for (int i = 0; i < needed.size(); i++) {
            Component component = needed.get(i);
            Optional<String> setting = options.composeEnv() == null ? Optional.empty() : component.portSetting();
            if (setting.isPresent()) {
                int port = LocalStack.envPort(options.composeEnv(), setting.get());
                Ports.requireFree(port, setting.get() + " in .env");
                ports.put(component, port);
            } else {
                chosen.add(component);
                ports.put(component, options.portChooser().choose(component, free[i]));
            }
        }
        return new StackPorts(ports);
    }
}
