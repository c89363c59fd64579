package io.github.cdcmonitoring.localstack.config;

import io.github.cdcmonitoring.repo.ComposeFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster shape: {@code docker-compose.cluster.yml} over {@code docker-compose.yml}, read as
 * {@code docker compose -f docker-compose.yml -f docker-compose.cluster.yml} merges a service's environment: the
 * service's own in docker-compose.yml (or, for a service that {@code extends} one there, that one's), with the cluster
 * file's entries over it. The brokers are {@code kafka} and the services extending it, the Connect workers
 * {@code connect} and those extending it, each in the cluster file's order ({@code ClusterComposeFileTest} compares
 * this with what Compose itself resolves).
 */
public final class ComposeCluster {

    /** The cluster file, relative to the repository's root. */
    public static final String FILE = "docker-compose.cluster.yml";
    static final String BROKER_SERVICE = "kafka";
    static final String WORKER_SERVICE = "connect";

    private final ComposeFile base;
    private final ComposeFile cluster;

    private ComposeCluster(ComposeFile base, ComposeFile cluster) {
        this.base = base;
        this.cluster = cluster;
    }

    /** @param base docker-compose.yml as read; {@code clusterFile} read with the same variables */
    public static ComposeCluster read(ComposeFile base, Path clusterFile, Map<String, String> variables) {
        return new ComposeCluster(base, ComposeFile.read(clusterFile, variables));
    }

    /** The broker services: kafka first, then those extending it. */
    public List<String> brokerServices() {
        return nodesOf(BROKER_SERVICE);
    }

    /** The Connect worker services: connect first, then those extending it. */
    public List<String> workerServices() {
        return nodesOf(WORKER_SERVICE);
    }

    private List<String> nodesOf(String baseService) {
        List<String> nodes = new ArrayList<>(List.of(baseService));
        for (String service : cluster.serviceNames()) {
            if (cluster.serviceExtends(service).map(e -> e.service().equals(baseService)
                    && e.file().equals(base.source().toAbsolutePath().normalize())).orElse(false)) {
                nodes.add(service);
            }
        }
        return Collections.unmodifiableList(nodes);
    }

    /** The service's environment as Compose merges the two files. */
    public Map<String, String> serviceEnvironment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        String inBase = cluster.hasService(service)
                ? cluster.serviceExtends(service).map(ComposeFile.Extends::service).orElse(service) : service;
        if (base.hasService(inBase)) {
            environment.putAll(base.serviceEnvironment(inBase));
        }
        if (cluster.hasService(service)) {
            environment.putAll(cluster.serviceEnvironment(service));
        }
        if (environment.isEmpty()) {
            throw new IllegalArgumentException(cluster.source() + " and " + base.source() + " have no service named '"
                    + service + "'");
        }
        return Collections.unmodifiableMap(environment);
    }

    public Path source() {
        return cluster.source();
    }
}
