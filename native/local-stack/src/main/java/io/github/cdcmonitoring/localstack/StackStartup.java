package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * The order the local stack starts in, and the ready line of each component. PostgreSQL starts beside the broker and
 * Connect boots while the broker starts (neither needs the other yet); the connector is registered once all three
 * serve; the monitoring processes start after the connector is RUNNING, all five at once, and are awaited one by one.
 * Each component is stored in the {@link LocalStack} as soon as it is launched, so that a failure part-way stops
 * exactly what had started. A component whose chosen port was taken before it could bind it starts again on a fresh
 * one ({@link PortRetry}); Connect follows the broker, Prometheus its targets, the connector PostgreSQL.
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

        boolean inventory = config.loadInventory;
        IntSupplier postgresPorts = config.chosePort("postgres") ? chosenThenFresh(ports.postgres()) : null;
        stack.postgresStart = CompletableFuture.supplyAsync(() -> {
            // A port this stack chose: RepoPostgres starts again on a fresh one if it was taken before the bind.
            RepoPostgres started = postgresPorts == null ? RepoPostgres.start(ports.postgres(), inventory)
                    : RepoPostgres.start(0, inventory, postgresPorts, stack::note);
            stack.ready("postgres", "PostgreSQL ready on 127.0.0.1:" + started.port() + ", database "
                    + started.database() + (inventory ? " with the inventory dataset" : ""));
            return started;
        }, runnable -> {
            Thread thread = new Thread(runnable, "local-stack-postgres");
            thread.setDaemon(true);
            thread.start();
        });
        stack.kafka = KafkaBroker.launch(stack.dir("kafka"), ports.kafka(), ports.controller(), log4j,
                KafkaImageSettings.of(config.compose.serviceEnvironment("kafka")));
        stack.connect.launch();
        stack.kafka = PortRetry.awaitReady("Kafka broker", stack.kafka, KafkaBroker::awaitReady,
                KafkaBroker::exitedOnTakenPort,
                broker -> stack.kafka = broker.relaunchOn(moved("kafka", broker.port()),
                        moved("controller", broker.controllerPort())),
                broker -> "127.0.0.1:" + broker.port() + " (controller " + broker.controllerPort() + ")", stack::note);
        stack.ready("kafka", "Kafka broker ready on " + stack.kafka.bootstrapServers());
        if (!stack.connect.bootstrapServers().equals(stack.kafka.bootstrapServers())) {
            // The broker moved while Connect was booting: Connect would wait for the old address forever.
            stack.connect = stack.connect.relaunchOn(stack.kafka.bootstrapServers(), stack.connect.restPort(),
                    stack.connect.metricsPort());
        }
        boolean connectPortsChosen = config.chosePort("connect") || config.chosePort("connect-metrics");
        stack.connect = PortRetry.awaitReady("Kafka Connect", stack.connect, ConnectWorker::awaitReady,
                ConnectWorker::exitedOnTakenPort, connectPortsChosen
                        ? worker -> stack.connect = worker.relaunchOn(stack.kafka.bootstrapServers(),
                                moved("connect", worker.restPort()), moved("connect-metrics", worker.metricsPort()))
                        : null,
                worker -> "REST port " + worker.restPort() + ", metrics port " + worker.metricsPort(), stack::note);
        stack.ready("connect", "Kafka Connect ready at " + stack.connect.restUrl() + ", metrics at "
                + stack.connect.metricsUrl());
        stack.registration = new ConnectorRegistration(config.jmxExporterDir.resolve("register-connector.sh"),
                config.compose.serviceEnvironment("connector-init"), stack.connect.restUrl(), stack.dir("connectors"),
                REGISTER_WAIT);
        stack.postgres = awaitPostgres();
        if (stack.postgres.port() != ports.postgres()) {
            config.postgresMovedTo(stack.postgres.port());
        }
        if (config.registerConnector) {
            ConnectorRegistration.Result result = stack.registerConnector();
            if (!result.succeeded()) {
                throw new IllegalStateException("registering " + stack.connectorName() + " failed "
                        + "(register-connector.sh exit " + result.exitCode() + "):\n" + result.output());
            }
        }
        config.monitoring.ifPresent(this::startMonitoring);
    }

    /** The port chosen at configuration first, then a fresh one for each retry. */
    private IntSupplier chosenThenFresh(int chosen) {
        AtomicBoolean first = new AtomicBoolean(true);
        return () -> first.getAndSet(false) ? chosen : config.freshPort("postgres");
    }

    /** After a bind failure: a fresh port for a component whose port this stack chose, else the same one. */
    private int moved(String component, int current) {
        return config.chosePort(component) ? config.freshPort(component) : current;
    }

    /**
     * Waits for a launched monitoring process; if it exited on a taken port that this stack chose, launches it again
     * through {@code onPort} with a fresh one.
     */
    private ServiceProcess awaitService(ServiceProcess launched, String component,
                                        IntFunction<ServiceProcess> onPort, Consumer<ServiceProcess> store) {
        ServiceProcess ready = PortRetry.awaitReady(launched.name(), launched, ServiceProcess::awaitReady,
                ServiceProcess::exitedOnTakenPort, config.chosePort(component) ? process -> {
                    ServiceProcess fresh = onPort.apply(config.freshPort(component));
                    store.accept(fresh);
                    fresh.launch();
                    return fresh;
                } : null, ServiceProcess::url, stack::note);
        store.accept(ready);
        return ready;
    }

    private static int port(ServiceProcess process) {
        return URI.create(process.url()).getPort();
    }

    private void startMonitoring(StackConfiguration.Monitoring settings) {
        StackConfiguration.StackPorts ports = config.ports;
        RepoPostgres pg = stack.postgres;
        MonitoringServices.Database db = new MonitoringServices.Database(pg.port(), pg.database(), pg.superuser(),
                pg.superuserPassword());
        Path forkMain = stack.dir("fork-main");

        IntFunction<ServiceProcess> generator = port -> MonitoringServices.generator(settings, db, port,
                stack.dir("data-generator"), forkMain);
        String topicPattern = new TopicNames(stack.topicPrefix()).allTablesPattern();
        IntFunction<ServiceProcess> changeExporter = port -> MonitoringServices.changeExporter(settings,
                stack.bootstrapServers(), topicPattern, port, stack.dir("change-exporter"), forkMain);
        IntFunction<ServiceProcess> postgresExporter = port -> MonitoringServices.postgresExporter(settings, port,
                stack.dir("postgres-exporter"));
        IntFunction<ServiceProcess> nodeExporter = port -> MonitoringServices.nodeExporter(settings,
                pg.runDirectory(), port, stack.dir("node-exporter"));
        // Job names of debezium-prometheus/prometheus.yml (fixed by the compose stack) -> local ports.
        Map<String, Integer> jobs = new LinkedHashMap<>();
        jobs.put("connect", stack.connect.metricsPort());
        jobs.put("data-generator", ports.generatorMetrics());
        jobs.put("change-exporter", ports.changeExporter());
        jobs.put("postgres-exporter", ports.postgresExporter());
        jobs.put("node-exporter", ports.nodeExporter());
        jobs.put("alertmanager", ports.alertmanager());
        jobs.put("prometheus", ports.prometheus());
        IntFunction<ServiceProcess> alertmanager = port -> MonitoringServices.alertmanager(settings, port,
                stack.dir("alertmanager"));
        IntFunction<ServiceProcess> prometheus = port -> {
            jobs.put("prometheus", port);
            return MonitoringServices.prometheus(settings, jobs, port, stack.dir("prometheus"));
        };
        stack.generator = generator.apply(ports.generatorMetrics());
        stack.changeExporter = changeExporter.apply(ports.changeExporter());
        stack.postgresExporter = postgresExporter.apply(ports.postgresExporter());
        stack.nodeExporter = nodeExporter.apply(ports.nodeExporter());
        stack.alertmanager = alertmanager.apply(ports.alertmanager());
        stack.prometheus = prometheus.apply(ports.prometheus());
        for (ServiceProcess process : List.of(stack.generator, stack.changeExporter, stack.postgresExporter,
                stack.nodeExporter, stack.alertmanager, stack.prometheus)) {
            process.launch();
        }
        Map<String, String> workload = settings.generatorWorkload();
        awaitService(stack.generator, "data-generator", generator, p -> stack.generator = p);
        stack.ready("data-generator", "data generator writing " + workload.get("GENERATOR_RATE") + " operations/s as "
                + workload.get("PGUSER") + " on "
                + workload.get("GENERATOR_THREADS") + " connections, metrics at " + stack.generator.url());
        awaitService(stack.changeExporter, "change-exporter", changeExporter, p -> stack.changeExporter = p);
        stack.ready("change-exporter", "change exporter consuming the topics matching " + topicPattern
                + ", metrics at " + stack.changeExporter.url());
        awaitService(stack.postgresExporter, "postgres-exporter", postgresExporter, p -> stack.postgresExporter = p);
        stack.ready("postgres-exporter", "postgres_exporter logged in as " + MonitoringServices.role(settings)
                + ", metrics at " + stack.postgresExporter.url());
        awaitService(stack.nodeExporter, "node-exporter", nodeExporter, p -> stack.nodeExporter = p);
        stack.ready("node-exporter", "node_exporter reporting the free space of " + MountPoint.of(pg.runDirectory())
                + " (the filesystem of PostgreSQL's data), metrics at " + stack.nodeExporter.url());
        awaitService(stack.alertmanager, "alertmanager", alertmanager, p -> stack.alertmanager = p);
        stack.ready("alertmanager", "Alertmanager ready at " + stack.alertmanager.url() + " with "
                + config.repo.root().relativize(settings.alertmanagerYml())
                + settings.alertWebhook().map(url -> " and a webhook to " + url).orElse("")
                + (settings.alertTimingDivisor() == 1 ? ""
                        : ", alert timings divided by " + settings.alertTimingDivisor() + " (for a test)"));
        Map<String, Integer> targets = Map.of("data-generator", port(stack.generator),
                "change-exporter", port(stack.changeExporter), "postgres-exporter", port(stack.postgresExporter),
                "node-exporter", port(stack.nodeExporter), "alertmanager", port(stack.alertmanager));
        if (!jobs.entrySet().containsAll(targets.entrySet())) {
            // A target moved after a bind failure: Prometheus must scrape where it is now.
            jobs.putAll(targets);
            stack.prometheus.stop();
            stack.prometheus = prometheus.apply(port(stack.prometheus));
            stack.prometheus.launch();
        }
        awaitService(stack.prometheus, "prometheus", prometheus, p -> stack.prometheus = p);
        stack.ready("prometheus", "Prometheus ready at " + stack.prometheus.url() + " with the rules of "
                + config.repo.root().relativize(settings.prometheusYml().getParent()) + "/");

        if (settings.grafana().isPresent()) {
            IntFunction<ServiceProcess> grafana = port -> GrafanaProvisioning.grafana(settings,
                    settings.grafana().get(), stack.prometheus.url(), port, stack.dir("grafana"));
            stack.grafana = grafana.apply(ports.grafana());
            stack.grafana.launch();
            awaitService(stack.grafana, "grafana", grafana, p -> stack.grafana = p);
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
