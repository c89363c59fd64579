package io.github.cdcmonitoring.localstack;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The source offsets Connect has committed for one connector, read from the worker's offset.storage.topic: the
 * position a restarted task resumes from. Close it after use.
 */
final class OffsetsTopic implements AutoCloseable {

    private final String connector;
    private final TopicReader reader;

    /** The offsets of the stack's connector. */
    OffsetsTopic(LocalStack stack) {
        this(stack, stack.connectorName());
    }

    OffsetsTopic(LocalStack stack, String connector) {
        this.connector = connector;
        this.reader = TopicReader.of(stack, stack.connect().workerProperties().get("offset.storage.topic"));
    }

    /** Reads new commits until none has arrived for {@code idle} (or {@code max} passed). */
    void readUntilIdle(Duration idle, Duration max) {
        reader.pollUntilIdle(idle, max);
    }

    /**
     * The connector's source offsets as Connect committed them, oldest first: the values of the offsets-topic records
     * whose key names this connector ({@code ["<connector>", {"server": "<topic.prefix>"}]}).
     */
    List<JsonNode> committed() {
        List<JsonNode> values = new ArrayList<>();
        for (ConsumerRecord<String, String> record : reader.records()) {
            JsonNode key = JsonText.read(record.key());
            if (record.value() != null && key.path(0).asText().equals(connector)) {
                values.add(JsonText.read(record.value()));
            }
        }
        return values;
    }

    /** When Connect produced the connector's first offset commit (the record's CreateTime), if it has committed one. */
    Optional<Instant> firstCommittedAt() {
        return reader.records().stream()
                .filter(r -> r.value() != null && JsonText.read(r.key()).path(0).asText().equals(connector))
                .map(r -> Instant.ofEpochMilli(r.timestamp())).findFirst();
    }

    /** The WAL position a restarted task resumes after: Debezium's lsn_proc (last processed), else lsn; 0 if none. */
    long lastCommittedLsn() {
        List<JsonNode> committed = committed();
        if (committed.isEmpty()) {
            return 0;
        }
        JsonNode last = committed.get(committed.size() - 1);
        return Math.max(last.path("lsn_proc").asLong(0), last.path("lsn").asLong(0));
    }

    /** Waits (bounded) until Connect commits offsets once more than it had when this was called. */
    void awaitNextCommit(Duration atMost) {
        readUntilIdle(Duration.ofSeconds(1), Duration.ofSeconds(10));
        int before = committed().size();
        await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .alias("a fresh offset commit of " + connector).until(() -> {
                    readUntilIdle(Duration.ofMillis(100), Duration.ofMillis(300));
                    return committed().size() > before;
                });
    }

    @Override
    public void close() {
        reader.close();
    }
}
