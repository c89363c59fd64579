package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.localstack.Component.ALERTMANAGER;
import static io.github.cdcmonitoring.localstack.Component.CHANGE_EXPORTER;
import static io.github.cdcmonitoring.localstack.Component.CONNECT;
import static io.github.cdcmonitoring.localstack.Component.CONNECTOR;
import static io.github.cdcmonitoring.localstack.Component.CONNECT_METRICS;
import static io.github.cdcmonitoring.localstack.Component.CONTROLLER;
import static io.github.cdcmonitoring.localstack.Component.DATA_GENERATOR;
import static io.github.cdcmonitoring.localstack.Component.GRAFANA;
import static io.github.cdcmonitoring.localstack.Component.KAFKA;
import static io.github.cdcmonitoring.localstack.Component.KAFKA_METRICS;
import static io.github.cdcmonitoring.localstack.Component.NODE_EXPORTER;
import static io.github.cdcmonitoring.localstack.Component.POSTGRES;
import static io.github.cdcmonitoring.localstack.Component.POSTGRES_EXPORTER;
import static io.github.cdcmonitoring.localstack.Component.PROMETHEUS;

import io.github.cdcmonitoring.localstack.config.MountPoint;
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
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * The order the local stack starts in, and the ready line of each component. PostgreSQL starts beside the broker and
 * Connect boots while the broker starts (neither needs the other yet); the connector is registered once all three
 * serve; the monitoring processes start after the connector is RUNNING, all five at once, and are awaited one by one.
 * Each component is recorded in {@link StartedComponents} as soon as it is launched, so that a failure part-way stops
 * exactly what had started. A component whose chosen port was taken before it could bind it starts again on a fresh
 * one ({@link PortRetry}); Connect follows the broker, Prometheus its targets, the connector PostgreSQL.
 */
record StackStartup(StackConfiguration config, LocalStack stack, StartedComponents started) {

    private static final Duration REGISTER_WAIT = Duration.ofSeconds(120);

    void run() {
        Path log4j = writeForkLogConfig(stack.workDir());
        startPostgres();
        ConnectWorker connect = config.nodes.cluster() ? new ClusterStartup(config, stack, started).start(log4j)
                : startBrokerAndWorker(log4j);
        started.record(CONNECTOR, new ConnectorRegistration(config.jmxExporterDir.resolve("register-connector.sh"),
                config.compose.serviceEnvironment("connector-init"), connect.restUrl(), stack.dir("connectors"),
                REGISTER_WAIT));
        RepoPostgres postgres = started.record(POSTGRES, awaitPostgres());
        if (postgres.port() != config.ports.of(POSTGRES)) {
            config.postgresMovedTo(postgres.port());
        }
        if (config.registerConnector) {
            ConnectorRegistration.Result result = stack.registerConnector();
            if (!result.succeeded()) {
                throw new IllegalStateException("registering " + stack.connectorName() + " failed "
                        + "(register-connector.sh exit " + result.exitCode() + "):\n" + result.output());
            }
            if (config.loadInventory) {
                // The dataset's own connector, as connector-init registers it with LOAD_INVENTORY=true.
                ConnectorRegistration.Result second = stack.registerInventoryConnector();
                if (!second.succeeded()) {
                    throw new IllegalStateException("registering " + config.inventoryConnector.name() + " failed "
                            + "(register-connector.sh exit " + second.exitCode() + "):\n" + second.output());
                }
            }
        }
        config.monitoring.ifPresent(this::startAllServices);
    }

    /** PostgreSQL starts on a thread of its own while the broker and Connect start. */
    private void startPostgres() {
        StackConfiguration.StackPorts ports = config.ports;
        boolean inventory = config.loadInventory;
        IntSupplier postgresPorts = config.chosePort(POSTGRES) ? chosenThenFresh(ports.of(POSTGRES)) : null;
        started.postgresStarting(CompletableFuture.supplyAsync(() -> {
            // A port this stack chose: RepoPostgres starts again on a fresh one if it was taken before the bind.
            RepoPostgres postgres = postgresPorts == null ? RepoPostgres.start(ports.of(POSTGRES), inventory)
                    : RepoPostgres.start(0, inventory, postgresPorts, stack::note);
            stack.ready(POSTGRES, "PostgreSQL ready on 127.0.0.1:" + postgres.port() + ", database "
                    + postgres.database() + (inventory ? " with the inventory dataset" : ""));
            return postgres;
        }, runnable -> {
            Thread thread = new Thread(runnable, "local-stack-postgres");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** The single broker and worker of docker-compose.yml; each moves to a fresh port if a chosen one was taken. */
    private ConnectWorker startBrokerAndWorker(Path log4j) {
        StackConfiguration.StackPorts ports = config.ports;
        ConnectWorker booting = started.record(CONNECT, ConnectWorker.create(new ConnectWorker.Settings(config.connectImage,
                "127.0.0.1:" + ports.of(KAFKA), ports.of(CONNECT), ports.of(CONNECT_METRICS),
                config.jmxExporterDir.resolve("target/connect-plugins"),
                config.jmxExporterDir.resolve("target/jmx_prometheus_javaagent.jar"), config.jmxExporterConfig,
                stack.dir("connect"), log4j)));

        KafkaBroker launched = started.record(KAFKA, KafkaBroker.launch(stack.dir("kafka"), ports.of(KAFKA),
                ports.of(CONTROLLER), ports.of(KAFKA_METRICS), log4j,
                config.nodes.brokers().get(0).settings(), config.brokerAgent));
        booting.launch();
        KafkaBroker kafka = PortRetry.awaitReady("Kafka broker", launched, KafkaBroker::awaitReady,
                KafkaBroker::exitedOnTakenPort,
                broker -> started.record(KAFKA, broker.relaunchOn(moved(KAFKA, broker.port()),
                        moved(CONTROLLER, broker.controllerPort()), moved(KAFKA_METRICS, broker.metricsPort()))),
                broker -> "127.0.0.1:" + broker.port() + " (controller " + broker.controllerPort() + ", metrics "
                        + broker.metricsPort() + ")", stack::note);
        stack.ready(KAFKA, "Kafka broker ready on " + kafka.bootstrapServers() + ", metrics at " + kafka.metricsUrl());
        if (!booting.bootstrapServers().equals(kafka.bootstrapServers())) {
            // The broker moved while Connect was booting: Connect would wait for the old address forever.
            booting = started.record(CONNECT, booting.relaunchOn(kafka.bootstrapServers(), booting.restPort(),
                    booting.metricsPort()));
        }
        boolean connectPortsChosen = config.chosePort(CONNECT) || config.chosePort(CONNECT_METRICS);
        ConnectWorker connect = PortRetry.awaitReady("Kafka Connect", booting, ConnectWorker::awaitReady,
                ConnectWorker::exitedOnTakenPort, connectPortsChosen
                        ? worker -> started.record(CONNECT, worker.relaunchOn(kafka.bootstrapServers(),
                                moved(CONNECT, worker.restPort()), moved(CONNECT_METRICS, worker.metricsPort())))
                        : null,
                worker -> "REST port " + worker.restPort() + ", metrics port " + worker.metricsPort(), stack::note);
        stack.ready(CONNECT, "Kafka Connect ready at " + connect.restUrl() + ", metrics at " + connect.metricsUrl());
        return connect;
    }

    /** The port chosen at configuration first, then a fresh one for each retry. */
    private IntSupplier chosenThenFresh(int chosen) {
        AtomicBoolean first = new AtomicBoolean(true);
        return () -> first.getAndSet(false) ? chosen : config.freshPort(POSTGRES);
    }

    /** After a bind failure: a fresh port for a component whose port this stack chose, else the same one. */
    private int moved(Component component, int current) {
        return config.chosePort(component) ? config.freshPort(component) : current;
    }

    /**
     * Waits for a launched monitoring process; if it exited on a taken port that this stack chose, launches it again
     * through {@code onPort} with a fresh one.
     */
    private ServiceProcess awaitService(Component component, IntFunction<ServiceProcess> onPort) {
        ServiceProcess launched = started.get(component, ServiceProcess.class).orElseThrow();
        ServiceProcess ready = PortRetry.awaitReady(launched.name(), launched, ServiceProcess::awaitReady,
                ServiceProcess::exitedOnTakenPort, config.chosePort(component) ? process -> {
                    ServiceProcess fresh = started.record(component, onPort.apply(config.freshPort(component)));
                    fresh.launch();
                    return fresh;
                } : null, ServiceProcess::url, stack::note);
        return started.record(component, ready);
    }

    /** Creates a service on its port from the configuration, records it and launches it. */
    private void launch(Component component, IntFunction<ServiceProcess> onPort) {
        started.record(component, onPort.apply(config.ports.of(component))).launch();
    }

    private static int port(ServiceProcess process) {
        return URI.create(process.url()).getPort();
    }

    private void startAllServices(StackConfiguration.Monitoring settings) {
        StackConfiguration.StackPorts ports = config.ports;
        RepoPostgres pg = stack.postgres();

        IntFunction<ServiceProcess> generator = port -> MonitoringServices.generator(settings, pg, port,
                stack.dir("data-generator"));
        // The tables of every connector this stack registers (compose's pattern names both prefixes).
        String topicPattern = TopicNames.allTablesPattern(config.loadInventory && config.registerConnector
                ? List.of(stack.topicPrefix(), config.inventoryConnector.topicPrefix()) : List.of(stack.topicPrefix()));
        IntFunction<ServiceProcess> changeExporter = port -> MonitoringServices.changeExporter(settings,
                stack.bootstrapServers(), topicPattern, port, stack.dir("change-exporter"));
        IntFunction<ServiceProcess> postgresExporter = port -> MonitoringServices.postgresExporter(settings, port,
                stack.dir("postgres-exporter"));
        IntFunction<ServiceProcess> nodeExporter = port -> MonitoringServices.nodeExporter(settings,
                pg.runDirectory(), stack.kafka().logDirectory(), port, stack.dir("node-exporter"));
        // The jobs of debezium-prometheus/prometheus.yml -> local ports.
        Map<String, Integer> jobs = new LinkedHashMap<>();
        for (Component component : Component.values()) {
            component.job().ifPresent(job -> jobs.put(job, ports.of(component)));
        }
        jobs.put(CONNECT_METRICS.job().orElseThrow(), stack.connect().metricsPort());
        jobs.put(KAFKA_METRICS.job().orElseThrow(), stack.kafka().metricsPort());
        // The cluster shape's other brokers and workers: more targets of the same jobs.
        Map<String, List<Integer>> moreTargets = Map.of(
                KAFKA_METRICS.job().orElseThrow(), stack.kafkaBrokers().stream().skip(1).map(KafkaBroker::metricsPort)
                        .toList(),
                CONNECT_METRICS.job().orElseThrow(), stack.connectWorkers().stream().skip(1)
                        .map(ConnectWorker::metricsPort).toList());
        IntFunction<ServiceProcess> alertmanager = port -> MonitoringServices.alertmanager(settings, port,
                stack.dir("alertmanager"));
        IntFunction<ServiceProcess> prometheus = port -> {
            jobs.put(PROMETHEUS.job().orElseThrow(), port);
            return MonitoringServices.prometheus(settings, jobs, moreTargets, port, stack.dir("prometheus"));
        };
        launch(DATA_GENERATOR, generator);
        launch(CHANGE_EXPORTER, changeExporter);
        launch(POSTGRES_EXPORTER, postgresExporter);
        launch(NODE_EXPORTER, nodeExporter);
        launch(ALERTMANAGER, alertmanager);
        launch(PROMETHEUS, prometheus);
        Map<String, String> workload = settings.generatorWorkload();
        stack.ready(DATA_GENERATOR, "data generator writing " + workload.get("GENERATOR_RATE") + " operations/s as "
                + workload.get("PGUSER") + " on " + workload.get("GENERATOR_THREADS") + " connections, metrics at "
                + awaitService(DATA_GENERATOR, generator).url());
        stack.ready(CHANGE_EXPORTER, "change exporter consuming the topics matching " + topicPattern
                + ", metrics at " + awaitService(CHANGE_EXPORTER, changeExporter).url());
        stack.ready(POSTGRES_EXPORTER, "postgres_exporter logged in as " + MonitoringServices.role(settings)
                + ", metrics at " + awaitService(POSTGRES_EXPORTER, postgresExporter).url());
        stack.ready(NODE_EXPORTER, "node_exporter reporting the free space of " + MountPoint.of(pg.runDirectory())
                + " (the filesystem of PostgreSQL's data) and " + MountPoint.of(stack.kafka().logDirectory())
                + " (the broker's log), metrics at " + awaitService(NODE_EXPORTER, nodeExporter).url());
        stack.ready(ALERTMANAGER, "Alertmanager ready at " + awaitService(ALERTMANAGER, alertmanager).url() + " with "
                + config.repo.root().relativize(settings.alertmanagerYml())
                + settings.alertWebhook().map(url -> " and a webhook to " + url).orElse("")
                + (settings.alertTimingDivisor() == 1 ? ""
                        : ", alert timings divided by " + settings.alertTimingDivisor() + " (for a test)"));
        Map<String, Integer> targets = new LinkedHashMap<>();
        for (Component target : List.of(DATA_GENERATOR, CHANGE_EXPORTER, POSTGRES_EXPORTER, NODE_EXPORTER,
                ALERTMANAGER)) {
            targets.put(target.job().orElseThrow(), port(started.get(target, ServiceProcess.class).orElseThrow()));
        }
        if (!jobs.entrySet().containsAll(targets.entrySet())) {
            // A target moved after a bind failure: Prometheus must scrape where it is now.
            jobs.putAll(targets);
            ServiceProcess stale = started.get(PROMETHEUS, ServiceProcess.class).orElseThrow();
            stale.stop();
            started.record(PROMETHEUS, prometheus.apply(port(stale))).launch();
        }
        stack.ready(PROMETHEUS, "Prometheus ready at " + awaitService(PROMETHEUS, prometheus).url()
                + " with the rules of " + config.repo.root().relativize(settings.prometheusYml().getParent()) + "/");

        if (settings.grafana().isPresent()) {
            IntFunction<ServiceProcess> grafana = port -> GrafanaProvisioning.grafana(settings,
                    settings.grafana().get(), stack.prometheus().url(), port, stack.dir("grafana"));
            launch(GRAFANA, grafana);
            stack.ready(GRAFANA, "Grafana ready at " + awaitService(GRAFANA, grafana).url());
        } else {
            // The compose stack publishes Grafana on GRAFANA_PORT of BIND_ADDRESS.
            stack.note("Grafana is not installed here; `docker compose up -d` shows the dashboards at http://localhost:"
                    + config.env.asMap().getOrDefault(GRAFANA.portSetting().orElseThrow(), "3000"));
        }
    }

    private RepoPostgres awaitPostgres() {
        try {
            return started.postgresStart().join();
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
