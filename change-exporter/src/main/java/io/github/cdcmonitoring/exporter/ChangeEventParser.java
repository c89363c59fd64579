package io.github.cdcmonitoring.exporter;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Set;

/**
 * Reads the value of a record written by Debezium's JsonConverter, with or without embedded schemas:
 * {@code {"schema":{...},"payload":{"op":"c","source":{...},...}}} or the bare payload (the stack ships
 * {@code value.converter.schemas.enable=false}). Never throws on bad input: whatever is not a change event, a tombstone
 * or a heartbeat comes back as {@link ParsedRecord.Unparsable}.
 *
 * <p>A heartbeat is a record on Debezium's heartbeat topic ({@code __debezium-heartbeat.<topic.prefix>}), or any
 * value holding {@code ts_ms} but neither {@code op} nor {@code source}: that is the shape of Debezium's heartbeat
 * value ({@code {"ts_ms":...}}), so it is recognised even when the heartbeat topic was renamed.
 */
final class ChangeEventParser {

    static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";
    static final Set<String> OPERATIONS = Set.of("c", "u", "d", "r");

    private final ObjectMapper mapper = JsonMapper.builder()
            // `{"op":"c",...} trailing bytes` is not a record JsonConverter wrote.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    ParsedRecord parse(String topic, byte[] value) {
        if (topic.startsWith(HEARTBEAT_TOPIC_PREFIX)) {
            return new ParsedRecord.Heartbeat();
        }
        if (value == null) {
            return new ParsedRecord.Tombstone();
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (IOException | RuntimeException e) {
            // Jackson reports bad bytes as JsonParseException, malformed UTF-8 as CharConversionException, text after
            // the value as MismatchedInputException: for a change record they all mean the same thing.
            return new ParsedRecord.Unparsable("not JSON");
        }
        if (root == null || root.isMissingNode()) {
            return new ParsedRecord.Unparsable("empty value");
        }
        JsonNode payload = unwrap(root);
        if (!payload.isObject()) {
            return new ParsedRecord.Unparsable("not a JSON object");
        }
        boolean hasOp = payload.has("op");
        boolean hasSource = payload.has("source");
        if (!hasOp && !hasSource) {
            return payload.path("ts_ms").isIntegralNumber()
                    ? new ParsedRecord.Heartbeat() : new ParsedRecord.Unparsable("no op and no source");
        }
        JsonNode op = payload.path("op");
        if (!op.isTextual() || !OPERATIONS.contains(op.asText())) {
            return new ParsedRecord.Unparsable("op is not c, u, d or r");
        }
        JsonNode source = payload.path("source");
        if (!source.isObject()) {
            return new ParsedRecord.Unparsable("no source block");
        }
        JsonNode tsMs = source.path("ts_ms");
        if (!tsMs.isIntegralNumber() || !tsMs.canConvertToLong() || tsMs.asLong() <= 0) {
            return new ParsedRecord.Unparsable("no source.ts_ms");
        }
        JsonNode schema = source.path("schema");
        JsonNode table = source.path("table");
        if (!schema.isTextual() || schema.asText().isEmpty() || !table.isTextual() || table.asText().isEmpty()) {
            return new ParsedRecord.Unparsable("no source.schema or source.table");
        }
        return new ParsedRecord.Change(schema.asText(), table.asText(), op.asText(), tsMs.asLong());
    }

    /** The payload of a schema-embedding envelope, or the value itself when it has no envelope. */
    private static JsonNode unwrap(JsonNode root) {
        if (root.isObject() && root.size() == 2 && root.has("schema") && root.has("payload")) {
            return root.get("payload");
        }
        return root;
    }
}
