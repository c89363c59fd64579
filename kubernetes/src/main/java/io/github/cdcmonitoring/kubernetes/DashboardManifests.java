package io.github.cdcmonitoring.kubernetes;

import static io.github.cdcmonitoring.kubernetes.ClusterShape.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Each dashboard of debezium-grafana/dashboards/ in a ConfigMap of its own, for Grafana's dashboard sidecar. */
final class DashboardManifests {

    static final String NAME_PREFIX = "cdc-dashboard-";

    private final StackSources sources;

    DashboardManifests(StackSources sources) {
        this.sources = sources;
    }

    /** One per file: a ConfigMap holds at most 1 MiB, and Grafana reloads one dashboard when its ConfigMap changes. */
    List<ObjectNode> all() {
        List<ObjectNode> configMaps = new ArrayList<>();
        sources.dashboards().forEach((file, json) -> configMaps.add(Resources.configMap(
                NAME_PREFIX + file.substring(0, file.length() - ".json".length()),
                Map.of(GRAFANA_DASHBOARD_LABEL, "1"),
                Map.of(file, json))));
        return configMaps;
    }
}
