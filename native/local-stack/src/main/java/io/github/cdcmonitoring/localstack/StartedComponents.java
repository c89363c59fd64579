package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
    /** The piece running as each component: its process, or for the connector its registration. */
    private final Map<Component, Object> started = new EnumMap<>(Component.class);
    /** The cluster shape's brokers and workers, the first of each also recorded as kafka and connect. */
    private final List<KafkaBroker> brokers = new ArrayList<>();
    private final List<ConnectWorker> workers = new ArrayList<>();

    /** Records one broker of the cluster shape; the first is also the kafka component. */
    synchronized KafkaBroker recordBroker(KafkaBroker broker) {
        if (brokers.isEmpty()) {
            started.put(Component.KAFKA, broker);
        }
        brokers.add(broker);
        return broker;
    }

    /** Records one Connect worker of the cluster shape; the first is also the connect component. */
    synchronized ConnectWorker recordWorker(ConnectWorker worker) {
        if (workers.isEmpty()) {
            started.put(Component.CONNECT, worker);
        }
        workers.add(worker);
        return worker;
    }

    /** Every broker started: the cluster's, or the single one. */
    synchronized List<KafkaBroker> brokers() {
        return brokers.isEmpty() ? get(Component.KAFKA, KafkaBroker.class).map(List::of).orElse(List.of())
                : List.copyOf(brokers);
    }

    /** Every Connect worker started: the cluster's, or the single one. */
    synchronized List<ConnectWorker> workers() {
        return workers.isEmpty() ? get(Component.CONNECT, ConnectWorker.class).map(List::of).orElse(List.of())
                : List.copyOf(workers);
    }

    synchronized void postgresStarting(CompletableFuture<RepoPostgres> start) {
        this.postgresStart = start;
    }

    synchronized CompletableFuture<RepoPostgres> postgresStart() {
        return postgresStart;
    }

    /** Records what runs as {@code component} now (a relaunch replaces what was there) and returns it. */
    synchronized <T> T record(Component component, T piece) {
        started.put(component, piece);
        return piece;
    }

    /** What runs as {@code component}, if it has been started. */
    synchronized <T> Optional<T> get(Component component, Class<T> type) {
        return Optional.ofNullable(started.get(component)).map(type::cast);
    }

    /** Stops everything started, in order; one piece failing to stop does not keep the others running. */
    void stopAll() {
        for (Component component : SERVICE_STOP_ORDER) {
            get(component, ServiceProcess.class).ifPresent(StartedComponents::stopQuietly);
        }
        try {
            inParallel(workers(), ConnectWorker::stop);
        } finally {
            try {
                // At once: a broker stopping alone hands its partitions to the others first, which the last ones,
                // their quorum gone, could wait for until the stop's grace runs out.
                inParallel(brokers(), KafkaBroker::close);
            } finally {
                closePostgres();
            }
        }
    }

    /** Stops every piece, each on a thread of its own, and returns once all have stopped. */
    private static <T> void inParallel(List<T> pieces, Consumer<T> stop) {
        if (pieces.size() == 1) {
            stop.accept(pieces.get(0));
            return;
        }
        CompletableFuture.allOf(pieces.stream().map(piece -> CompletableFuture.runAsync(() -> stop.accept(piece)))
                .toArray(CompletableFuture[]::new)).join();
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
        RepoPostgres postgres = get(Component.POSTGRES, RepoPostgres.class).orElse(null);
        CompletableFuture<RepoPostgres> starting = postgresStart();
        if (postgres == null && starting != null) {
            try {
                postgres = starting.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.warn("PostgreSQL did not start, nothing to stop: {}", e.getMessage());
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
