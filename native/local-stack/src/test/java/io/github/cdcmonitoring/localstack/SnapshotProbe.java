package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A second connector on the stack's users and orders tables, with its own name, replication slot and topic prefix,
 * so a test can watch a connector's first minutes (its snapshot, its first offset commit) on a stack whose own
 * connector registered long ago. Closing it deletes the connector, drops its slot and closes its readers.
 */
final class SnapshotProbe implements AutoCloseable {

    private final LocalStack stack;
    private final ConnectorConfig config;
    private final TopicReader reader;
    private final OffsetsTopic offsets;

    /** A probe named {@code name}; its slot and topic prefix are the name with _ for -. */
    SnapshotProbe(LocalStack stack, String name) {
        String id = name.replace('-', '_');
        this.stack = stack;
        this.config = stack.connectorConfig().withName(name).with("slot.name", id).with("topic.prefix", id)
                .with("table.include.list", "public.users,public.orders");
        this.reader = TopicReader.of(stack, id + ".public.users", id + ".public.orders");
        this.offsets = new OffsetsTopic(stack, name);
    }

    String name() {
        return config.name();
    }

    /** Through register-connector.sh, as the connector-init service registers. */
    ConnectorRegistration.Result registerThroughScript() {
        return stack.register(config);
    }

    /** With one PUT and nothing else, as the README's curl command registers. */
    void registerThroughRest() {
        ConnectRest.Response response = stack.rest().put("/connectors/" + name() + "/config", config.config());
        assertThat(response.status()).as("PUT %s/config: %s", name(), response.body()).isIn(200, 201);
    }

    /** Waits until the snapshot is done and streaming has begun: a create, update or delete event has arrived. */
    void awaitStreaming(Duration atMost) {
        assertThat(reader.awaitFirst(r -> r.value() != null && !"r".equals(op(r)), atMost))
                .as("a streamed change of %s within %s", name(), atMost).isPresent();
    }

    /** Waits until the probe has streamed the insert of the users row with this email: it captures now. */
    void awaitInsertOf(String email, Duration atMost) {
        assertThat(reader.awaitFirst(r -> r.value() != null && "c".equals(op(r))
                && email.equals(JsonText.read(r.value()).at("/after/email").asText()), atMost))
                .as("%s streamed the insert of %s within %s", name(), email, atMost).isPresent();
    }

    /** Whether Connect has committed any source offset for the probe (read from the offsets topic now). */
    boolean hasCommittedOffsets() {
        offsets.readUntilIdle(Duration.ofMillis(200), Duration.ofSeconds(2));
        return !offsets.committed().isEmpty();
    }

    /** When Connect produced the probe's first offset commit (read from the offsets topic now), if it has. */
    Optional<Instant> firstOffsetCommitAt() {
        offsets.readUntilIdle(Duration.ofMillis(200), Duration.ofSeconds(2));
        return offsets.firstCommittedAt();
    }

    /** Snapshot read (r) events received. */
    long snapshotReads() {
        return reader.records().stream().filter(r -> r.value() != null && "r".equals(op(r))).count();
    }

    /** Distinct rows among the snapshot reads: fewer than {@link #snapshotReads()} when a row was snapshotted twice. */
    long snapshottedRows() {
        Set<String> keys = new HashSet<>();
        reader.records().stream().filter(r -> r.value() != null && "r".equals(op(r)))
                .forEach(r -> keys.add(r.topic() + "/" + r.key()));
        return keys.size();
    }

    /** Reads what has arrived (until 2 s without a record). */
    void readUntilIdle() {
        reader.pollUntilIdle(Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    private static String op(ConsumerRecord<String, String> record) {
        return JsonText.read(record.value()).path("op").asText();
    }

    @Override
    public void close() {
        try {
            stack.rest().delete("/connectors/" + name());
            String slot = config.get("slot.name");
            // The deleted connector's task lets go of the slot within moments; only an inactive slot can be dropped.
            await("slot " + slot + " dropped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> dropIfInactive(slot));
        } finally {
            reader.close();
            offsets.close();
        }
    }

    /** Drops the slot if no one holds it; true once it is gone. */
    private boolean dropIfInactive(String slot) throws SQLException {
        try (Connection c = stack.postgres().connect()) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) "
                    + "FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                s.setString(1, slot);
                s.execute();
            }
            return !exists(c, slot);
        }
    }

    private static boolean exists(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
