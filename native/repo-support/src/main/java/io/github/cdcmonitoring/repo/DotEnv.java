package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The compose stack's {@code .env}: KEY=VALUE lines, '#' comments (whole lines, or after a value as compose allows them),
 * values optionally quoted. Only the subset docker compose accepts without interpolation or escapes is supported, so
 * that both read the same values (ComposeConfigTest compares them with Compose's own reading).
 */
public final class DotEnv {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path source;
    private final Map<String, String> values;
    private final Map<String, Integer> lineNumbers;

    private DotEnv(Path source, Map<String, String> values, Map<String, Integer> lineNumbers) {
        this.source = source;
        this.values = values;
        this.lineNumbers = lineNumbers;
    }

    public static DotEnv read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineNumbers = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq > 0 ? line.substring(0, eq).strip() : "";
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(file.getFileName() + " line " + (i + 1)
                        + ": expected KEY=VALUE, got: " + line);
            }
            values.put(key, unquote(line.substring(eq + 1).strip()));
            lineNumbers.put(key, i + 1);
        }
        return new DotEnv(file, Collections.unmodifiableMap(values), Collections.unmodifiableMap(lineNumbers));
    }

    /**
     * The value as docker compose reads it: a quoted value ends at its closing quote (a {@code #} comment may follow);
     * in an unquoted one, a space then {@code #} starts a comment (a tab does not, and {@code a#b} is a value).
     */
    private static String unquote(String value) {
        if (!value.isEmpty() && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
            int close = value.indexOf(value.charAt(0), 1);
            String rest = close > 0 ? value.substring(close + 1).strip() : null;
            if (rest != null && (rest.isEmpty() || rest.startsWith("#"))) {
                return value.substring(1, close);
            }
            return value;
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }

    /** The value of a variable that must be present. */
    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException(source + " does not define " + key);
        }
        return value;
    }

    /** The line that sets {@code key} (the last one, as for its value). */
    public int lineOf(String key) {
        Integer line = lineNumbers.get(key);
        if (line == null) {
            throw new IllegalStateException(source + " does not define " + key);
        }
        return line;
    }

    public Map<String, String> asMap() {
        return values;
    }
}
