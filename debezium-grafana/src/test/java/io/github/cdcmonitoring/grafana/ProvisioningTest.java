package io.github.cdcmonitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The provisioning files, and that they agree with where docker-compose.yml mounts them: Grafana reads
 * /etc/grafana/provisioning/{datasources,dashboards}/*.yml (each sub-folder mounted on its own), and the dashboard
 * provider's path must be the folder the dashboard files are mounted at.
 */
class ProvisioningTest {

    static final String PROVISIONING_MOUNT = "/etc/grafana/provisioning";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyProvider() {
        Map<String, Object> file = Shipped.yaml("debezium-grafana/provisioning/dashboards/dashboards.yml");
        assertThat(file.get("apiVersion")).isEqualTo(1);
        List<Map<String, Object>> providers = (List<Map<String, Object>>) file.get("providers");
        assertThat(providers).hasSize(1);
        return providers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static String providerPath() {
        return String.valueOf(((Map<String, Object>) onlyProvider().get("options")).get("path"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void datasourceIsThePrometheusServiceWithTheFixedUid() {
        Map<String, Object> file = Shipped.yaml("debezium-grafana/provisioning/datasources/datasource.yml");
        assertThat(file.get("apiVersion")).isEqualTo(1);
        List<Map<String, Object>> sources = (List<Map<String, Object>>) file.get("datasources");
        assertThat(sources).hasSize(1);
        Map<String, Object> ds = sources.get(0);
        assertThat(ds).containsEntry("type", "prometheus").containsEntry("uid", "prometheus")
                .containsEntry("url", "http://prometheus:9090").containsEntry("isDefault", true)
                .containsEntry("access", "proxy");
    }

    @Test
    void dashboardProviderLoadsTheFolderIntoCdcAndKeepsTheFilesAuthoritative() {
        Map<String, Object> provider = onlyProvider();
        assertThat(provider).containsEntry("type", "file").containsEntry("folder", "CDC")
                .containsEntry("allowUiUpdates", false);
        assertThat(providerPath()).isEqualTo("/var/lib/grafana/dashboards");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeMountsTheProvisioningAndDashboardFoldersWhereGrafanaAndTheProviderReadThem() {
        Map<String, Object> compose = Shipped.yaml("docker-compose.yml");
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services.keySet()).as("services of docker-compose.yml")
                .contains("grafana");
        Map<String, Object> grafana = (Map<String, Object>) services.get("grafana");
        Map<String, String> mounts = mounts(grafana);
        assertThat(mounts).as("grafana volumes (container path -> source)")
                .containsEntry(providerPath(), "./debezium-grafana/dashboards");

        // The home dashboard is the overview, by its path inside the container, and that file is shipped.
        String home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo(providerPath() + "/cdc-overview.json");
        assertThat(Shipped.dashboardsFolder().resolve("cdc-overview.json")).isRegularFile();

        // Grafana reads these two sub-folders of the provisioning mount.
        Path provisioning = Shipped.REPO.file("debezium-grafana/provisioning");
        assertThat(provisioning.resolve("datasources/datasource.yml")).isRegularFile();
        assertThat(provisioning.resolve("dashboards/dashboards.yml")).isRegularFile();
    }

    /**
     * The image creates empty provisioning folders (datasources, dashboards, notifiers, plugins, access-control,
     * alerting: grafana/grafana's Dockerfile) and Grafana logs an error at every start for a missing plugins/ or
     * alerting/ one (pkg/services/provisioning/{plugins,alerting}/config_reader.go). A mount over the whole folder hides
     * them; mounting each sub-folder the repository has keeps them.
     */
    @Test
    void composeMountsEachProvisioningSubfolderAndNeverTheWholeFolder() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> grafana = (Map<String, Object>) ((Map<String, Object>) Shipped.yaml("docker-compose.yml")
                .get("services")).get("grafana");
        Map<String, String> mounts = mounts(grafana);
        assertThat(mounts).as("a mount over " + PROVISIONING_MOUNT + " itself hides the image's empty folders")
                .doesNotContainKey(PROVISIONING_MOUNT);
        assertThat(provisioningSubfolders()).as("the repository's provisioning folders")
                .containsOnlyKeys(PROVISIONING_MOUNT + "/datasources", PROVISIONING_MOUNT + "/dashboards");
        assertThat(provisioningMounts(mounts)).isEqualTo(provisioningSubfolders());
    }

    /** Container path -> host source of each repository sub-folder of debezium-grafana/provisioning, as compose writes it. */
    private static Map<String, String> provisioningSubfolders() throws IOException {
        Map<String, String> folders = new TreeMap<>();
        try (var entries = Files.list(Shipped.REPO.file("debezium-grafana/provisioning"))) {
            entries.filter(Files::isDirectory).map(f -> f.getFileName().toString()).forEach(name ->
                    folders.put(PROVISIONING_MOUNT + "/" + name, "./debezium-grafana/provisioning/" + name));
        }
        return folders;
    }

    /** The mounts at or below the provisioning folder. */
    private static Map<String, String> provisioningMounts(Map<String, String> mounts) {
        Map<String, String> below = new TreeMap<>();
        mounts.forEach((target, source) -> {
            if (target.equals(PROVISIONING_MOUNT) || target.startsWith(PROVISIONING_MOUNT + "/")) {
                below.put(target, source);
            }
        });
        return below;
    }

    @Test
    void theOnlyFilesInTheMountedFoldersAreTheOnesGrafanaShouldRead() throws Exception {
        // Everything in the mounted dashboards folder is loaded: a stray JSON file would become a dashboard.
        try (var files = Files.list(Shipped.dashboardsFolder())) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactlyElementsOf(Shipped.DASHBOARD_UIDS.keySet().stream().sorted().toList());
        }
    }

    /** Container path -> host source of a service's bind mounts, short ("src:dst[:ro]") or long syntax. */
    @SuppressWarnings("unchecked")
    static Map<String, String> mounts(Map<String, Object> service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : (List<Object>) service.getOrDefault("volumes", new ArrayList<>())) {
            if (volume instanceof String s) {
                String[] parts = s.split(":");
                if (parts.length >= 2) {
                    mounts.put(parts[1], parts[0]);
                }
            } else if (volume instanceof Map<?, ?> m) {
                mounts.put(String.valueOf(m.get("target")), String.valueOf(m.get("source")));
            }
        }
        return mounts;
    }

    /** A service's environment, list ("K=V") or map syntax. */
    @SuppressWarnings("unchecked")
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else if (raw instanceof List<?> l) {
            for (Object item : l) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                if (eq > 0) {
                    env.put(s.substring(0, eq), s.substring(eq + 1));
                }
            }
        }
        return env;
    }
}
