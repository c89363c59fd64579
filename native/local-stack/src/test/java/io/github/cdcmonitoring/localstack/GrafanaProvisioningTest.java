package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The native copy of debezium-grafana/provisioning (used where a grafana binary is installed, which it cannot be on the
 * machines this project is tested on): only the datasource URL and the dashboards path differ from the shipped files.
 */
class GrafanaProvisioningTest {

    private static final Path SHIPPED = LiveMonitoring.repoFile("debezium-grafana/provisioning");

    @TempDir
    Path dir;

    @Test
    void onlyTheContainerAddressesChange() throws IOException {
        Path dashboards = LiveMonitoring.repoFile("debezium-grafana/dashboards");
        GrafanaProvisioning.copyProvisioning(SHIPPED, dir, "http://127.0.0.1:19090", dashboards);

        Map<String, Object> shippedSource = load(SHIPPED.resolve("datasources/datasource.yml"));
        Map<String, Object> localSource = load(dir.resolve("datasources/datasource.yml"));
        Map<String, Object> datasource = first(localSource, "datasources");
        assertThat(datasource.get("url")).isEqualTo("http://127.0.0.1:19090");
        datasource.put("url", first(shippedSource, "datasources").get("url"));
        assertThat(localSource).isEqualTo(shippedSource);

        Map<String, Object> shippedProviders = load(SHIPPED.resolve("dashboards/dashboards.yml"));
        Map<String, Object> localProviders = load(dir.resolve("dashboards/dashboards.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) first(localProviders, "providers").get("options");
        assertThat(options.get("path")).isEqualTo(dashboards.toString());
        options.put("path", GrafanaProvisioning.CONTAINER_DASHBOARDS);
        assertThat(localProviders).isEqualTo(shippedProviders);
    }

    @Test
    void theFoldersGrafanaLooksForExistAsInTheImage() throws IOException {
        // In compose, each repository sub-folder is mounted beside the image's empty ones; a missing plugins/ or
        // alerting/ folder makes Grafana log an error at every start.
        GrafanaProvisioning.copyProvisioning(SHIPPED, dir, "http://127.0.0.1:19090",
                LiveMonitoring.repoFile("debezium-grafana/dashboards"));
        assertThat(dir.resolve("plugins")).isEmptyDirectory();
        assertThat(dir.resolve("alerting")).isEmptyDirectory();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Map<String, Object> root, String key) {
        return (Map<String, Object>) ((List<?>) root.get(key)).get(0);
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }
}
