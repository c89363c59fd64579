package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.DotEnv;
import io.github.cdcmonitoring.postgres.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the local stack needs, read from the repository's files and the {@link LocalStack.Builder}'s options and
 * checked before any process starts: ports, the compose file's Connect settings, the connector, and (with monitoring)
 * the programs on PATH and the jars the build makes. A missing program or jar is one line naming it and the command
 * that provides it.
 */
final class StackConfiguration {

    static final String COMPOSE_FILE = "docker-compose.yml";
    static final String CONNECTOR_FILE = "register-postgresql.json";
    static final String JMX_EXPORTER_DIR = "debezium-jmx-exporter";
    static final String GENERATOR_JAR = "data-generator/target/data-generator.jar";
    static final String CHANGE_EXPORTER_JAR = "change-exporter/target/change-exporter.jar";
    static final String PROMETHEUS_YML = "debezium-prometheus/prometheus.yml";
    static final String POSTGRES_EXPORTER_QUERIES = "postgres-exporter/queries.yml";
    static final String GRAFANA_DIR = "debezium-grafana";
    static final String INSTALL_COMMAND = "apt-get install -y prometheus prometheus-postgres-exporter";
    static final String BUILD_COMMAND = "./mvnw -pl local-stack -am package -DskipTests";

    /** Loopback ports of every component; the monitoring ones are 0 without monitoring. */
    record StackPorts(int postgres, int kafka, int controller, int connect, int connectMetrics, int generatorMetrics,
                 int changeExporter, int postgresExporter, int prometheus, int grafana) {
    }

    /** The monitoring processes' programs and settings. */
    record Monitoring(Path generatorJar, Map<String, String> generatorWorkload, Path changeExporterJar,
                      Path postgresExporter, Path postgresExporterQueries, String monitorPassword, Path prometheus,
                      Path prometheusYml, Optional<Path> grafana, Path grafanaDir,
                      Map<String, String> grafanaEnvironment) {
    }

    final RepoFiles repo;
    final DotEnv env;
    final StackPorts ports;
    final ComposeFile compose;
    final ConnectImageEntrypoint.Result connectImage;
    final ConnectorConfig connector;
    final Path jmxExporterDir;
    final Path jmxExporterConfig;
    final boolean loadInventory;
    final boolean registerConnector;
    final Optional<Monitoring> monitoring;

    private StackConfiguration(RepoFiles repo, DotEnv env, StackPorts ports, ComposeFile compose,
                               ConnectImageEntrypoint.Result connectImage, ConnectorConfig connector,
                               Path jmxExporterDir, Path jmxExporterConfig, boolean loadInventory,
                               boolean registerConnector, Optional<Monitoring> monitoring) {
        this.repo = repo;
        this.env = env;
        this.ports = ports;
        this.compose = compose;
        this.connectImage = connectImage;
        this.connector = connector;
        this.jmxExporterDir = jmxExporterDir;
        this.jmxExporterConfig = jmxExporterConfig;
        this.loadInventory = loadInventory;
        this.registerConnector = registerConnector;
        this.monitoring = monitoring;
    }

    /** Reads and checks everything; throws with one line naming what is missing or wrong. */
    static StackConfiguration assemble(LocalStack.Options options) {
        RepoFiles repo = RepoFiles.locate();
        DotEnv env = repo.dotEnv();
        // Programs on PATH first: a machine without them cannot run the stack however it is built.
        ComposeFile compose = ComposeFile.read(repo.file(COMPOSE_FILE), env.asMap());
        Optional<Monitoring> monitoring = options.monitoring()
                ? Optional.of(monitoring(repo, env, compose, options)) : Optional.empty();
        ConnectImageEntrypoint.Result image =
                ConnectImageEntrypoint.translate(compose.serviceEnvironment("connect"), "127.0.0.1");
        Path exporterDir = repo.root().resolve(JMX_EXPORTER_DIR);
        Path agentConfig = options.jmxExporterConfig() != null
                ? options.jmxExporterConfig() : exporterDir.resolve("config.yml");
        StackPorts ports = ports(options);
        ConnectorConfig connector = ConnectorConfig.read(repo.file(CONNECTOR_FILE))
                .withDatabase("127.0.0.1", ports.postgres());
        return new StackConfiguration(repo, env, ports, compose, image, connector, exporterDir, agentConfig,
                options.loadInventory(), options.registerConnector(), monitoring);
    }

    private static Monitoring monitoring(RepoFiles repo, DotEnv env, ComposeFile compose, LocalStack.Options options) {
        Path prometheus = Executables.find("prometheus").orElseThrow(() -> missingProgram("prometheus"));
        Path postgresExporter = Executables.findAny("prometheus-postgres-exporter", "postgres_exporter")
                .orElseThrow(() -> missingProgram("postgres_exporter (Debian: prometheus-postgres-exporter)"));
        Optional<Path> grafana = Executables.findAny("grafana", "grafana-server");

        Map<String, String> workload = new LinkedHashMap<>();
        for (String key : new String[] {"GENERATOR_RATE", "GENERATOR_THREADS", "GENERATOR_MIX"}) {
            workload.put(key, env.get(key));
        }
        if (options.generatorRate() != null) {
            workload.put("GENERATOR_RATE", options.generatorRate().toString());
        }
        return new Monitoring(jar(repo, GENERATOR_JAR), workload, jar(repo, CHANGE_EXPORTER_JAR), postgresExporter,
                repo.file(POSTGRES_EXPORTER_QUERIES), env.get("MONITOR_DB_PASSWORD"), prometheus,
                repo.file(PROMETHEUS_YML), grafana, repo.root().resolve(GRAFANA_DIR),
                grafana.isPresent() ? grafanaEnvironment(compose) : Map.of());
    }

    private static IllegalStateException missingProgram(String name) {
        return new IllegalStateException(name + " is not installed (not on PATH); install it with: " + INSTALL_COMMAND);
    }

    private static Path jar(RepoFiles repo, String relative) {
        Path jar = repo.root().resolve(relative);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + relative + ": build it first with " + BUILD_COMMAND);
        }
        return jar;
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

    private static StackPorts ports(LocalStack.Options options) {
        int[] free = Ports.free(10);
        Map<String, String> names = options.portSettings();
        boolean monitoring = options.monitoring();
        return new StackPorts(
                choose(options.postgresPort(), free[0], "postgres", names),
                choose(options.kafkaPort(), free[1], "kafka", names),
                free[2],
                choose(options.connectPort(), free[3], "connect", names),
                choose(options.metricsPort(), free[4], "metrics", names),
                monitoring ? choose(options.generatorMetricsPort(), free[5], "generator", names) : 0,
                monitoring ? choose(options.changeExporterPort(), free[6], "change-exporter", names) : 0,
                monitoring ? choose(options.postgresExporterPort(), free[7], "postgres-exporter", names) : 0,
                monitoring ? choose(options.prometheusPort(), free[8], "prometheus", names) : 0,
                monitoring ? choose(options.grafanaPort(), free[9], "grafana", names) : 0);
    }

    private static int choose(int requested, int free, String component, Map<String, String> settings) {
        if (requested == 0) {
            return free;
        }
        Ports.requireFree(requested, settings.getOrDefault(component, component + " port"));
        return requested;
    }
}
