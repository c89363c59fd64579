package io.github.cdcmonitoring.grafana;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** The shipped files under debezium-grafana/, read from the repository itself (never copies). */
final class Shipped {

    /** File name -> uid, fixed: other dashboards, alerts and the README link to them by uid. */
    static final Map<String, String> DASHBOARD_UIDS = Map.of(
            "cdc-overview.json", "cdc-overview",
            "debezium-connector.json", "debezium-connector",
            "kafka-connect.json", "kafka-connect",
            "kafka.json", "kafka",
            "data-flow.json", "cdc-data-flow",
            "postgres-replication.json", "postgres-replication");

    static final RepoFiles REPO = RepoFiles.locate();

    private Shipped() {
    }

    static Path dashboardsFolder() {
        return REPO.file("debezium-grafana/dashboards");
    }

    static List<DashboardFile> dashboards() {
        return DashboardFile.loadAll(dashboardsFolder());
    }

    static Map<String, List<String>> tagsByUid(List<DashboardFile> dashboards) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (DashboardFile d : dashboards) {
            tags.put(d.uid(), d.tags());
        }
        return tags;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(REPO.file(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The datasource uid provisioned in provisioning/datasources/datasource.yml (its only Prometheus datasource). */
    @SuppressWarnings("unchecked")
    static String provisionedDatasourceUid() {
        List<Map<String, Object>> sources =
                (List<Map<String, Object>>) yaml("debezium-grafana/provisioning/datasources/datasource.yml")
                        .get("datasources");
        List<Map<String, Object>> prometheus =
                sources.stream().filter(s -> "prometheus".equals(s.get("type"))).toList();
        if (prometheus.size() != 1) {
            throw new IllegalStateException("datasource.yml must provision exactly one Prometheus datasource, found "
                    + prometheus.size());
        }
        return String.valueOf(prometheus.get(0).get("uid"));
    }
}
