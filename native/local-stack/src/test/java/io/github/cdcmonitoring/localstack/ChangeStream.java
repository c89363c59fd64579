package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a consumer of one Debezium table topic ends up knowing: the table state rebuilt from the events (per primary
 * key, last event wins, deletes and tombstones remove), and the events counted by operation - all of them, and
 * distinct ones, since after a crash Connect re-sends what it had not yet committed (at-least-once). An event is
 * identified by its source LSN, operation and key: a re-sent event repeats all three.
 */
final class ChangeStream {

    private final Map<Long, JsonNode> rows = new TreeMap<>();
    private final Map<String, Long> events = new HashMap<>();
    private final Map<String, Long> distinctEvents = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    static ChangeStream of(List<ConsumerRecord<String, String>> records, String topic) {
        ChangeStream stream = new ChangeStream();
        records.stream().filter(r -> r.topic().equals(topic)).forEach(stream::apply);
        return stream;
    }

    private void apply(ConsumerRecord<String, String> record) {
        long id = JsonText.read(record.key()).get("id").asLong();
        if (record.value() == null) {
            rows.remove(id); // tombstone after a delete
            return;
        }
        JsonNode event = JsonText.read(record.value());
        String op = event.get("op").asText();
        events.merge(op, 1L, Long::sum);
        if (seen.add(event.at("/source/lsn").asText() + "/" + op + "/" + id)) {
            distinctEvents.merge(op, 1L, Long::sum);
        }
        if ("d".equals(op)) {
            rows.remove(id);
        } else {
            rows.put(id, event.get("after"));
        }
    }

    /** Rebuilt rows by primary key: the "after" image of each row's last event. */
    Map<Long, JsonNode> rows() {
        return rows;
    }

    /** Events received with this op (r, c, u, d), re-sent duplicates included. */
    long events(String op) {
        return events.getOrDefault(op, 0L);
    }

    /** Distinct events with this op. */
    long distinct(String op) {
        return distinctEvents.getOrDefault(op, 0L);
    }

    long duplicates() {
        return events.values().stream().mapToLong(Long::longValue).sum()
                - distinctEvents.values().stream().mapToLong(Long::longValue).sum();
    }
}
