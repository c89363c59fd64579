package io.github.cdcmonitoring.grafana;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PromQL query of one dashboard panel, with where it comes from so that a failure can name it ("Data flow /
 * Consumer lag / A").
 *
 * @param instant true when Grafana runs it as an instant query only (stat, gauge, bar gauge, table panels)
 */
public record PanelQuery(String dashboardTitle, String dashboardUid, int panelId, String panelTitle, String refId,
        String expr, boolean instant) {

    // Grafana's variable syntaxes: $name, ${name} and ${name:format}, and the deprecated [[name]].
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)(?::\\w+)?]]|\\$(\\w+)");

    /** "dashboard / panel / refId", for messages. */
    public String describe() {
        return dashboardTitle + " / " + panelTitle + " / " + refId;
    }

    /** Names of the variables the query refers to, Grafana's built-ins ({@code $__rate_interval}, ...) included. */
    public Set<String> referencedVariables() {
        return variablesIn(expr);
    }

    /** The variable names in any Grafana query text. */
    public static Set<String> variablesIn(String text) {
        Set<String> names = new LinkedHashSet<>();
        if (text == null) {
            return names;
        }
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return names;
    }

    /**
     * The query with every variable replaced by its value, as Grafana would send it: e.g.
     * {@code Map.of("__rate_interval", "1m", "__range", "1h", "name", "cdc")}. The value is inserted verbatim (for a
     * regex matcher {@code =~"$name"} pass a regex, e.g. {@code .*} for "All").
     *
     * @throws IllegalArgumentException naming the query and the variable when a referenced variable has no value
     */
    public String resolve(Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException(describe() + ": no value for variable $" + name + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
