package io.github.cdcmonitoring.kubernetes;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/** The compose stack's heap options ({@code -Xms128m -Xmx384m}) as Strimzi's {@code jvmOptions}. */
final class JvmHeap {

    private static final Pattern HEAP = Pattern.compile("-Xms(\\S+)\\s+-Xmx(\\S+)");

    private JvmHeap() {
    }

    static ObjectNode jvmOptions(String heapOptions, String where) {
        Matcher m = HEAP.matcher(heapOptions.strip());
        if (!m.matches()) {
            throw new SourceFileException(where + " is \"" + heapOptions + "\": expected \"-Xms<size> -Xmx<size>\"");
        }
        ObjectNode options = YamlDocuments.object();
        options.put("-Xms", m.group(1));
        options.put("-Xmx", m.group(2));
        return options;
    }
}
