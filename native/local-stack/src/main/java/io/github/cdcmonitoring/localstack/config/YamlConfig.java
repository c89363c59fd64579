package io.github.cdcmonitoring.localstack.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A shipped YAML config (prometheus.yml, alertmanager.yml, the rule files) read as plain maps and lists, for the
 * native stack's derived copies, and written back in block style; a node of the wrong kind is one line naming the
 * file and where.
 */
public final class YamlConfig {

    private YamlConfig() {
    }

    /** The document in block style, after a first line {@code # <header>} saying where it comes from. */
    public static String dump(String header, Object document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        return "# " + header + "\n" + new Yaml(options).dump(document);
    }

    public static Map<String, Object> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader), file, "the top level");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object node, Path file, String where) {
        if (!(node instanceof Map)) {
            throw new IllegalStateException(file + ": " + where + " is not a mapping");
        }
        return (Map<String, Object>) node;
    }

    public static List<?> list(Object node, Path file, String where) {
        if (!(node instanceof List<?> list)) {
            throw new IllegalStateException(file + ": " + where + " is not a list");
        }
        return list;
    }
}
