package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of the JMX exporter config, and whether a scrape shows its output: a metric family whose name fits the
 * rule's name template, of the rule's type, with exactly the rule's labels. Rules have distinct names, types or label
 * sets, so a family is evidence for one rule only.
 */
record JmxRule(String pattern, String name, String type, Set<String> labels) {

    private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$\\d+");

    static List<JmxRule> readAll(Path config) throws IOException {
        JsonNode root = new YAMLMapper().readTree(config.toFile());
        List<JmxRule> rules = new ArrayList<>();
        for (JsonNode rule : root.get("rules")) {
            Set<String> labels = new TreeSet<>();
            rule.path("labels").fieldNames().forEachRemaining(l -> labels.add(l.toLowerCase(Locale.ROOT)));
            rules.add(new JmxRule(rule.get("pattern").asText(), rule.get("name").asText(),
                    rule.path("type").asText("UNTYPED").toLowerCase(Locale.ROOT), labels));
        }
        return rules;
    }

    /** The output name as a regex: literal text, with each $n standing for what the exporter may put there. */
    Pattern nameRegex() {
        StringBuilder regex = new StringBuilder();
        Matcher m = GROUP_REFERENCE.matcher(name.toLowerCase(Locale.ROOT));
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(name.toLowerCase(Locale.ROOT).substring(last, m.start()))).append("[a-z0-9_]+");
            last = m.end();
        }
        regex.append(Pattern.quote(name.toLowerCase(Locale.ROOT).substring(last)));
        return Pattern.compile(regex.toString());
    }

    boolean matchesAnyFamilyIn(PrometheusText scrape) {
        Pattern names = nameRegex();
        // A counter's family may be declared with or without the _total its samples carry.
        return scrape.types().entrySet().stream()
                .filter(family -> family.getValue().equals(type)
                        && names.matcher(family.getValue().equals("counter")
                                ? family.getKey().replaceFirst("_total$", "") : family.getKey()).matches())
                .anyMatch(family -> scrape.samples().stream().anyMatch(sample ->
                        sample.name().replaceFirst("_total$", "").equals(family.getKey().replaceFirst("_total$", ""))
                                && sample.labels().keySet().equals(labels)));
    }
}
