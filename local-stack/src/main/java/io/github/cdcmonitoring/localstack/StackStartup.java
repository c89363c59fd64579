package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The order the local stack starts in, and the ready line of each component. PostgreSQL starts beside the broker and
 * Connect boots while the broker starts (neither needs the other yet); the connector is registered once all three
 * serve; the monitoring processes start after the connector is RUNNING, all four at once, and are awaited one by one.
 * Each component is stored in the {@link LocalStack} as soon as it is launched, so that a failure part-way stops
 * exactly what had started.
 */
final class StackStartup {

    private static final Duration REGISTER_WAIT = Duration.ofSeconds(120);

    private final StackConfiguration config;
    private final LocalStack stack;

    StackStartup(StackConfiguration config, LocalStack stack) {
        this.config = config;
        this.stack = stack;
    }

    void run() {
        StackConfiguration.StackPorts ports = config.ports;
        Path log4j = writeForkLogConfig(stack.workDir());
        stack.connect = ConnectWorker.create(new ConnectWorker.Settings(config.connectImage,
                "127.0.0.1:" + ports.kafka(), ports.connect(), ports.connectMetrics(),
                config.jmxExporterDir.resolve("target/connect-plugins"),
                config.jmxExporterDir.resolve("target/jmx_prometheus_javaagent.jar"), config.jmxExporterConfig,
                stack.dir("connect"), log4j));
        stack.registration = new ConnectorRegistration(config.jmxExporterDir.resolve("register-connector.sh"),
                config.compose.serviceEnvironment("connector-init"), stack.connect.restUrl(), stack.dir("connectors"),
                REGISTER_WAIT);

        boolean inventory = config.loadInventory;
        stack.postgresStart = CompletableFuture.supplyAsync(() -> {
            RepoPostgres started = RepoPostgres.start(ports.postgres(), inventory);
            stack.ready("postgres", "PostgreSQL ready on 127.0.0.1:" + started.port() + ", database "
                    + started.database() + (inventory ? " with the inventory dataset" : ""));
            return started;
        }, runnable -> {
            Thread thread = new Thread(runnable, "local-stack-postgres");
            thread.setDaemon(true);
            thread.start();
        });
        stack.kafka = KafkaBroker.launch(stack.dir("kafka"), ports.kafka(), ports.controller(), log4j);
        stack.connect.launch();
        stack.kafka.awaitReady();
        stack.ready("kafka", "Kafka broker ready on " + stack.kafka.bootstrapServers());
        stack.connect.awaitReady();
        stack.ready("connect", "Kafka Connect ready at " + stack.connect.restUrl() + ", metrics at "
                + stack.connect.metricsUrl());
        stack.postgres = awaitPostgres();
        if (config.registerConnector) {
            ConnectorRegistration.Result result = stack.registerConnector();
            if (!result.succeeded()) {
                throw new IllegalStateException("registering " + stack.connectorName() + " failed "
                        + "(register-connector.sh exit " + result.exitCode() + "):\n" + result.output());
            }
        }
        config.monitoring.ifPresent(this::startMonitoring);
    }

    private void startMonitoring(StackConfiguration.Monitoring settings) {
        StackConfiguration.StackPorts ports = config.ports;
        RepoPostgres pg = stack.postgres;
        MonitoringServices.Database db = new MonitoringServices.Database(pg.port(), pg.database(), pg.superuser(),
                pg.superuserPassword());
        Path forkMain = stack.dir("fork-main");

        stack.generator = MonitoringServices.generator(settings, db, ports.generatorMetrics(),
                stack.dir("data-generator"), forkMain);
        String topicPattern = new TopicNames(stack.topicPrefix()).allTablesPattern();
        stack.changeExporter = MonitoringServices.changeExporter(settings, stack.bootstrapServers(), topicPattern,
                ports.changeExporter(),
                stack.dir("change-exporter"), forkMain);
        stack.postgresExporter = MonitoringServices.postgresExporter(settings, ports.postgresExporter(),
                stack.dir("postgres-exporter"));
        // Job names of debezium-prometheus/prometheus.yml (fixed by the compose stack) -> local ports.
        Map<String, Integer> jobs = new LinkedHashMap<>();
        jobs.put("connect", ports.connectMetrics());
        jobs.put("data-generator", ports.generatorMetrics());
        jobs.put("change-exporter", ports.changeExporter());
        jobs.put("postgres-exporter", ports.postgresExporter());
        jobs.put("prometheus", ports.prometheus());
        stack.prometheus = MonitoringServices.prometheus(settings, jobs, ports.prometheus(), stack.dir("prometheus"));

        for (ServiceProcess process : List.of(stack.generator, stack.changeExporter, stack.postgresExporter,
                stack.prometheus)) {
            process.launch();
        }
        Map<String, String> workload = settings.generatorWorkload();
        stack.generator.awaitReady();
        stack.ready("data-generator", "data generator writing " + workload.get("GENERATOR_RATE") + " operations/s as "
                + workload.get("PGUSER") + " on "
                + workload.get("GENERATOR_THREADS") + " connections, metrics at " + stack.generator.url());
        stack.changeExporter.awaitReady();
        stack.ready("change-exporter", "change exporter consuming the topics matching " + topicPattern
                + ", metrics at " + stack.changeExporter.url());
        stack.postgresExporter.awaitReady();
        stack.ready("postgres-exporter", "postgres_exporter logged in as " + MonitoringServices.role(settings)
                + ", metrics at " + stack.postgresExporter.url());
        stack.prometheus.awaitReady();
        stack.ready("prometheus", "Prometheus ready at " + stack.prometheus.url() + " with the rules of "
                + config.repo.root().relativize(settings.prometheusYml().getParent()) + "/");

        if (settings.grafana().isPresent()) {
            stack.grafana = GrafanaProvisioning.grafana(settings, settings.grafana().get(), stack.prometheus.url(),
                    ports.grafana(), stack.dir("grafana"));
            stack.grafana.start();
            stack.ready("grafana", "Grafana ready at " + stack.grafana.url());
        } else {
            // The compose stack publishes Grafana on GRAFANA_PORT of BIND_ADDRESS.
            stack.note("Grafana is not installed here; `docker compose up -d` shows the dashboards at http://localhost:"
                    + config.env.asMap().getOrDefault("GRAFANA_PORT", "3000"));
        }
    }

    private RepoPostgres awaitPostgres() {
        try {
            return stack.postgresStart.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static Path writeForkLogConfig(Path workDir) {
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

    static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
