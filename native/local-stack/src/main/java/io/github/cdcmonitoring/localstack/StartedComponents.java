package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stack has started so far, recorded as soon as each piece is launched (a relaunch on a fresh port replaces
 * it), so that a failure part-way, a shutdown hook or {@link LocalStack#close()} stops exactly what runs: the writer
 * first, then the other services, Connect, the broker and PostgreSQL.
 */
final class StartedComponents {

    private static final Logger LOG = LoggerFactory.getLogger(StartedComponents.class);
    /** The order the services stop in: no more writes first, then the readers and the monitoring. */
    private static final List<Component> SERVICE_STOP_ORDER = List.of(Component.DATA_GENERATOR,
            Component.CHANGE_EXPORTER, Component.GRAFANA, Component.PROMETHEUS, Component.ALERTMANAGER,
            Component.POSTGRES_EXPORTER, Component.NODE_EXPORTER);

    private CompletableFuture<RepoPostgres> postgresStart;
    private RepoPostgres postgres;
    private KafkaBroker kafka;
    private ConnectWorker connect;
    private ConnectorRegistration registration;
    private final Map<Component, ServiceProcess> services = new EnumMap<>(Component.class);

    synchronized void postgresStarting(CompletableFuture<RepoPostgres> start) {
        this.postgresStart = start;
    }

    synchronized CompletableFuture<RepoPostgres> postgresStart() {
        return postgresStart;
    }

    synchronized void postgres(RepoPostgres started) {
        this.postgres = started;
    }

    synchronized RepoPostgres postgres() {
        return postgres;
    }

    synchronized void kafka(KafkaBroker broker) {
        this.kafka = broker;
    }

    synchronized KafkaBroker kafka() {
        return kafka;
    }

    synchronized void connect(ConnectWorker worker) {
        this.connect = worker;
    }

    synchronized ConnectWorker connect() {
        return connect;
    }

    synchronized void registration(ConnectorRegistration registration) {
        this.registration = registration;
    }

    synchronized ConnectorRegistration registration() {
        return registration;
    }

    synchronized void service(Component component, ServiceProcess process) {
        services.put(component, process);
    }

    synchronized Optional<ServiceProcess> service(Component component) {
        return Optional.ofNullable(services.get(component));
    }

    /** Stops everything started, in order; one piece failing to stop does not keep the others running. */
    void stopAll() {
        for (Component component : SERVICE_STOP_ORDER) {
            service(component).ifPresent(StartedComponents::stopQuietly);
        }
        try {
            if (connect() != null) {
                connect().stop();
            }
        } finally {
            try {
                if (kafka() != null) {
                    kafka().close();
                }
            } finally {
                closePostgres();
            }
        }
    }

    private static void stopQuietly(ServiceProcess process) {
        try {
            process.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping {} failed: {}", process.name(), e.getMessage());
        }
    }

    /** A PostgreSQL still starting is awaited (briefly) so that it is stopped too. */
    private void closePostgres() {
        RepoPostgres started = postgres();
        CompletableFuture<RepoPostgres> starting = postgresStart();
        if (started == null && starting != null) {
            try {
                started = starting.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.warn("PostgreSQL did not start, nothing to stop: {}", e.getMessage());
            }
        }
        if (started != null) {
            started.close();
        }
    }
}
