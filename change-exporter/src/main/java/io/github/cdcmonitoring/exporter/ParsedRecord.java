package io.github.cdcmonitoring.exporter;

/** What one Kafka record on a change topic turned out to be. */
sealed interface ParsedRecord {

    /** A Debezium change event: op is c, u, d or r; sourceTsMs is when the change happened in the database. */
    record Change(String schema, String table, String op, long sourceTsMs) implements ParsedRecord {

        /** Snapshot reads carry the snapshot's time, not a commit time: they say nothing about latency. */
        boolean isSnapshotRead() {
            return "r".equals(op);
        }
    }

    /** A record with a null value, which Debezium writes after a delete so that log compaction can drop the key. */
    record Tombstone() implements ParsedRecord {
    }

    /** A Debezium heartbeat: proof the connector is alive, not a change. */
    record Heartbeat() implements ParsedRecord {
    }

    /** Anything else; {@code reason} says why, for the log. */
    record Unparsable(String reason) implements ParsedRecord {
    }
}
