package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A connector registration file in the {@code {"name": ..., "config": {...}}} form of {@code register-postgresql.json}
 * (the form the README's curl command posts). Immutable: the {@code with...} methods return changed copies, so tests
 * can derive bad configurations from the real one.
 */
public final class ConnectorConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode document;

    private ConnectorConfig(ObjectNode document) {
        this.document = document;
    }

    public static ConnectorConfig read(Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!(node instanceof ObjectNode document) || !node.path("name").isTextual()
                || !(node.get("config") instanceof ObjectNode)) {
            throw new IllegalArgumentException(file + ": expected {\"name\": \"...\", \"config\": {...}}");
        }
        return new ConnectorConfig(document);
    }

    public String name() {
        return document.get("name").asText();
    }

    /** A copy of the {@code config} object. */
    public ObjectNode config() {
        return document.get("config").deepCopy();
    }

    /** A setting's value, or null if the file does not set it. */
    public String get(String key) {
        JsonNode value = document.get("config").get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    public String topicPrefix() {
        String prefix = get("topic.prefix");
        if (prefix == null) {
            throw new IllegalStateException("connector " + name() + " sets no topic.prefix");
        }
        return prefix;
    }

    /** The same connector with one setting changed (or added). */
    public ConnectorConfig with(String key, String value) {
        ObjectNode copy = document.deepCopy();
        ((ObjectNode) copy.get("config")).put(key, value);
        return new ConnectorConfig(copy);
    }

    /** The same connector with only the settings {@code keep} accepts (the benchmark's defaults configuration). */
    public ConnectorConfig retaining(Predicate<String> keep) {
        ObjectNode copy = document.deepCopy();
        ((ObjectNode) copy.get("config")).retain(fieldNames(keep));
        return new ConnectorConfig(copy);
    }

    private List<String> fieldNames(Predicate<String> keep) {
        List<String> names = new ArrayList<>();
        document.get("config").fieldNames().forEachRemaining(name -> {
            if (keep.test(name)) {
                names.add(name);
            }
        });
        return names;
    }

    public ConnectorConfig withName(String name) {
        ObjectNode copy = document.deepCopy();
        copy.put("name", name);
        return new ConnectorConfig(copy);
    }

    /**
     * The only change the native stack makes to the repository's file: the database address. In the compose stack the
     * connector reaches PostgreSQL as {@code postgres:5432} on the compose network.
     */
    public ConnectorConfig withDatabase(String host, int port) {
        return with("database.hostname", host).with("database.port", Integer.toString(port));
    }

    public void writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return document.toString();
    }
}
