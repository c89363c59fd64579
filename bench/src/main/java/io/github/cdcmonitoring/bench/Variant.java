package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.localstack.ConnectorConfig;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One configuration the benchmark measures: the connector's settings (derived from register-postgresql.json) and the
 * shape of the stack it runs on. "cluster" is the shipped connector on the cluster shape (docker-compose.cluster.yml:
 * three brokers, replication factor 3, min.insync.replicas 2, two Connect workers), measured beside "shipped" on one
 * broker and one worker to show what replication costs.
 */
record Variant(String name, UnaryOperator<ConnectorConfig> connector, boolean cluster) {

    static final List<Variant> ALL = List.of(
            new Variant("shipped", UnaryOperator.identity(), false),
            new Variant("defaults", ConnectorVariants::defaults, false),
            new Variant("cluster", UnaryOperator.identity(), true));

    static List<String> names() {
        return ALL.stream().map(Variant::name).toList();
    }
}
