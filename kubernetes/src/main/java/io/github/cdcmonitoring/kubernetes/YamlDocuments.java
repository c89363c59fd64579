package io.github.cdcmonitoring.kubernetes;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Reads and writes the YAML of the manifests and of the repository's YAML sources, with one configured mapper so that
 * the generator and the tests agree on what a document means.
 */
public final class YamlDocuments {

    /**
     * Plain scalars where YAML allows them (a string that reads as a number, boolean or null stays quoted), multi-line
     * strings as literal blocks (the dashboards and JMX rules stay readable in their ConfigMaps), no line folding.
     */
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
            .enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();

    private YamlDocuments() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** One YAML (or JSON) document. */
    public static JsonNode read(String text) {
        return MAPPER.readTree(text);
    }

    /**
     * Every document of a multi-document YAML text, in order. For manifests, whose documents are mappings: Jackson's
     * readValues would iterate the elements of a document that is a list instead.
     */
    public static List<JsonNode> readAll(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** The documents as one multi-document YAML text, each introduced by {@code ---}. */
    public static String writeAll(List<? extends JsonNode> documents) {
        StringBuilder text = new StringBuilder();
        for (JsonNode document : documents) {
            text.append("---\n").append(MAPPER.writeValueAsString(document));
        }
        return text.toString();
    }
}
