package io.github.cdcmonitoring.kubernetes;

import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** The skeleton every Kubernetes object shares: apiVersion, kind and metadata with a name and labels. */
final class Resources {

    private Resources() {
    }

    /** A resource labelled app.kubernetes.io/part-of=cdc-monitoring, plus {@code labels} in their order. */
    static ObjectNode resource(String apiVersion, String kind, String name, Map<String, String> labels) {
        ObjectNode resource = YamlDocuments.object();
        resource.put("apiVersion", apiVersion);
        resource.put("kind", kind);
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", name);
        ObjectNode labelNode = metadata.putObject("labels");
        labelNode.put("app.kubernetes.io/part-of", ClusterShape.PART_OF);
        labels.forEach(labelNode::put);
        return resource;
    }

    /** A ConfigMap holding {@code data} (key -> file content) unchanged. */
    static ObjectNode configMap(String name, Map<String, String> labels, Map<String, String> data) {
        ObjectNode configMap = resource("v1", "ConfigMap", name, labels);
        ObjectNode dataNode = configMap.putObject("data");
        data.forEach(dataNode::put);
        return configMap;
    }
}
