package io.github.cdcmonitoring.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CRD's {@code openAPIV3Schema} as a JSON Schema (draft 4, which OpenAPI 3.0's schema object is a subset of with a
 * few extensions), for the validator.
 *
 * <p>What the conversion drops: the {@code x-kubernetes-*} extensions (list and map types, int-or-string, and the CEL
 * rules of {@code x-kubernetes-validations}, which only the API server evaluates) and {@code format} (int32, int64,
 * date-time: hints the API server checks loosely). {@code nullable: true} becomes an added "null" type.
 *
 * <p>Strict mode closes what the API server would prune: a structural schema's object that declares
 * {@code properties}, with no {@code additionalProperties} and no {@code x-kubernetes-preserve-unknown-fields}, keeps
 * only those properties; the API server silently drops any other field (and {@code kubectl apply} only warns, or
 * fails with {@code --validate=strict}). A misspelt field would then vanish on apply with the setting it meant to
 * make; strict mode reports it instead. Subschemas of {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not} are
 * value validations that may list a subset of the properties (Strimzi's "value or valueFrom"), so they stay open.
 */
final class CrdSchemaConverter {

    private final boolean strict;

    private CrdSchemaConverter(boolean strict) {
        this.strict = strict;
    }

    static ObjectNode toJsonSchema(JsonNode openApiSchema, boolean strict) {
        return new CrdSchemaConverter(strict).convert(openApiSchema, false);
    }

    private ObjectNode convert(JsonNode source, boolean inCombinator) {
        ObjectNode schema = YamlDocuments.object();
        boolean preserveUnknown = source.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Map.Entry<String, JsonNode> entry : source.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.startsWith("x-kubernetes-") || key.equals("format") || key.equals("nullable")) {
                continue;
            }
            switch (key) {
                case "properties" -> {
                    ObjectNode properties = schema.putObject("properties");
                    value.properties().forEach(p -> properties.set(p.getKey(), convert(p.getValue(), inCombinator)));
                }
                case "items", "not" -> schema.set(key, value.isObject() ? convert(value, inCombinator || key.equals("not")) : value);
                case "additionalProperties" -> schema.set(key, value.isObject() ? convert(value, inCombinator) : value);
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode branches = schema.putArray(key);
                    value.forEach(branch -> branches.add(convert(branch, true)));
                }
                default -> schema.set(key, value);
            }
        }
        if (source.path("nullable").asBoolean(false) && schema.has("type")) {
            List<String> types = new ArrayList<>();
            types.add(schema.get("type").asString());
            types.add("null");
            ArrayNode typeArray = schema.putArray("type");
            types.forEach(typeArray::add);
        }
        if (strict && !inCombinator && !preserveUnknown && source.has("properties") && !source.has("additionalProperties")
                && "object".equals(source.path("type").asString(""))) {
            schema.put("additionalProperties", false);
        }
        return schema;
    }
}
