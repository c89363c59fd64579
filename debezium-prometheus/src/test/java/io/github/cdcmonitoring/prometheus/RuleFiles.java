package io.github.cdcmonitoring.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Prometheus rule files (the {@code rules/*.rules.yml} that prometheus.yml loads) into a flat list of rules,
 * so that tests can evaluate every alert expression against a running Prometheus and check every rule's metadata.
 * Only the keys Prometheus itself accepts are allowed; anything else is refused, naming the file and the key, as
 * Prometheus would refuse the file at start.
 */
public final class RuleFiles {

    /** The glob prometheus.yml loads (relative to its folder: {@code rules/*.rules.yml}). */
    public static final String RULE_FILE_SUFFIX = ".rules.yml";
    /** promtool unit tests beside the rule files; never loaded as rules. */
    public static final String TEST_FILE_SUFFIX = ".rules.test.yml";

    private static final Set<String> FILE_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "query_offset", "rules");
    private static final Set<String> RULE_KEYS =
            Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations");
    // Prometheus durations: units largest first, each at most once, e.g. 1h30m, 90s, 500ms.
    private static final Pattern DURATION = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] DURATION_UNIT_MS = {
        365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000, 60_000, 1_000, 1};

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RuleFiles() {
    }

    /** An alerting rule (name from {@code alert:}) or a recording rule (name from {@code record:}). */
    public enum Kind { ALERT, RECORD }

    /**
     * One rule as written in its file. {@code forDuration} is zero for recording rules and for alerts without
     * {@code for:}; labels and annotations keep their file order and are empty when absent.
     */
    public record Rule(Path file, String group, Kind kind, String name, String expr, Duration forDuration,
            Map<String, String> labels, Map<String, String> annotations) {

        public boolean isAlert() {
            return kind == Kind.ALERT;
        }

        /** The {@code severity} label of an alert, or null. */
        public String severity() {
            return labels.get("severity");
        }
    }

    /** The rule files in a folder ({@code *.rules.yml}, test files excluded), sorted by name. */
    public static List<Path> ruleFiles(Path rulesDir) {
        return listBySuffix(rulesDir, RULE_FILE_SUFFIX);
    }

    /** The promtool unit test files in a folder ({@code *.rules.test.yml}), sorted by name. */
    public static List<Path> testFiles(Path rulesDir) {
        return listBySuffix(rulesDir, TEST_FILE_SUFFIX);
    }

    /** Every rule of every rule file in the folder, file by file (sorted by name), in file order. */
    public static List<Rule> read(Path rulesDir) {
        List<Path> files = ruleFiles(rulesDir);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *" + RULE_FILE_SUFFIX + " file in " + rulesDir);
        }
        List<Rule> rules = new ArrayList<>();
        for (Path file : files) {
            rules.addAll(readFile(file));
        }
        return List.copyOf(rules);
    }

    /** Every rule of one rule file, in file order. */
    public static List<Rule> readFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rule file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a rule file (expected a mapping with `groups`)");
        }
        refuseUnknownKeys(root, FILE_KEYS, file + ": top level");
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : list(root.get("groups"), file + ": groups")) {
            String groupName = text(group, "name", file + ": a group");
            String where = file + ": group " + groupName;
            refuseUnknownKeys(group, GROUP_KEYS, where);
            for (JsonNode rule : list(group.get("rules"), where + ": rules")) {
                rules.add(rule(file, groupName, rule, where));
            }
        }
        return List.copyOf(rules);
    }

    /** A Prometheus duration ("1m", "1h30m", "90s", "500ms", "0") as a {@link Duration}. */
    public static Duration parseDuration(String text) {
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text == null ? "" : text);
        if (text == null || text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("not a Prometheus duration: \"" + text + "\"");
        }
        long ms = 0;
        for (int i = 0; i < DURATION_UNIT_MS.length; i++) {
            if (m.group(i + 1) != null) {
                ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(m.group(i + 1)), DURATION_UNIT_MS[i]));
            }
        }
        return Duration.ofMillis(ms);
    }

    private static Rule rule(Path file, String group, JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": a rule is not a mapping");
        }
        boolean alert = node.has("alert");
        if (alert == node.has("record")) {
            throw new IllegalArgumentException(where + ": each rule needs exactly one of `alert` and `record`");
        }
        String name = text(node, alert ? "alert" : "record", where + ": a rule");
        String ruleWhere = where + ": " + (alert ? "alert " : "record ") + name;
        refuseUnknownKeys(node, RULE_KEYS, ruleWhere);
        if (!alert) {
            for (String key : List.of("for", "keep_firing_for", "annotations")) {
                if (node.has(key)) {
                    throw new IllegalArgumentException(ruleWhere + ": `" + key + "` is only valid on alerting rules");
                }
            }
        }
        String expr = text(node, "expr", ruleWhere);
        Duration forDuration = node.has("for") ? parseDuration(text(node, "for", ruleWhere)) : Duration.ZERO;
        return new Rule(file, group, alert ? Kind.ALERT : Kind.RECORD, name, expr.strip(), forDuration,
                stringMap(node.get("labels"), ruleWhere + ": labels"),
                stringMap(node.get("annotations"), ruleWhere + ": annotations"));
    }

    private static List<Path> listBySuffix(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
                    // "x.rules.test.yml" ends with neither ".rules.yml" nor the reverse, so the two never mix
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void refuseUnknownKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key `" + key + "` (allowed: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static List<JsonNode> list(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": expected a list");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull() || value.isContainerNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": `" + key + "` is missing or not a value");
        }
        return value.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isContainerNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException(where + ": `" + e.getKey() + "` is not a single value");
            }
            map.put(e.getKey(), e.getValue().asText());
        });
        return Collections.unmodifiableMap(map);
    }
}
