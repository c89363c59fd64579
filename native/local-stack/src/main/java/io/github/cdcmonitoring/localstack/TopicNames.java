package io.github.cdcmonitoring.localstack;

/** How Debezium names the topics of a connector: {@code <topic.prefix>.<schema>.<table>}. */
public final class TopicNames {

    private final String prefix;

    public TopicNames(String topicPrefix) {
        this.prefix = topicPrefix;
    }

    /** The topic of one table, named with its schema ({@code public.users}). */
    public String topic(String schemaAndTable) {
        if (!schemaAndTable.contains(".")) {
            throw new IllegalArgumentException("name the table with its schema, e.g. public.users, got "
                    + schemaAndTable);
        }
        return prefix + "." + schemaAndTable;
    }

    /** A Java regex matching every table topic of the connector (the change exporter's topic pattern). */
    public String allTablesPattern() {
        return quote(prefix) + "\\..*";
    }

    /** A Java regex matching every table topic of several connectors: {@code (cdc|inventory)\\..*}. */
    public static String allTablesPattern(java.util.List<String> prefixes) {
        if (prefixes.size() == 1) {
            return new TopicNames(prefixes.get(0)).allTablesPattern();
        }
        return "(" + String.join("|", prefixes.stream().map(TopicNames::quote).toList()) + ")\\..*";
    }

    // Every character but letters, digits and _ escaped: a backslash before any of them is a literal in Java regex.
    private static String quote(String prefix) {
        return prefix.replaceAll("[^A-Za-z0-9_]", "\\\\$0");
    }
}
