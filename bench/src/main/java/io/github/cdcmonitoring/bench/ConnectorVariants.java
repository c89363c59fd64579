package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.localstack.ConnectorConfig;
import java.util.Set;

/**
 * The two configurations compared. "shipped" is register-postgresql.json as the native stack registers it. "defaults"
 * is derived from that same file by dropping every setting except what says where and what to capture (connection,
 * slot, publication, tables, topic prefix), so Debezium's and Kafka's defaults apply to the rest: poll interval,
 * batch and queue sizes, converters (the worker's JsonConverter with embedded schemas), producer settings, heartbeats,
 * topic creation (the broker creates the topics on first write). Both run on the same worker settings, the compose
 * file's {@code connect} service.
 */
final class ConnectorVariants {

    static final Set<String> KEPT = Set.of("connector.class", "tasks.max", "topic.prefix", "plugin.name", "slot.name",
            "publication.name", "publication.autocreate.mode", "table.include.list");

    private ConnectorVariants() {
    }

    static ConnectorConfig defaults(ConnectorConfig shipped) {
        return shipped.retaining(key -> key.startsWith("database.") || KEPT.contains(key));
    }
}
