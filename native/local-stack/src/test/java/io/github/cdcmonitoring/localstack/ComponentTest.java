package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The names the native stack gives its parts are the compose file's and prometheus.yml's. */
class ComponentTest {

    private static final RepoFiles REPO = RepoFiles.locate();

    @Test
    void everyPublishedPortSettingBelongsToOneComponent() {
        List<String> settings = Arrays.stream(Component.values()).map(Component::portSetting)
                .flatMap(Optional::stream).toList();
        assertThat(settings).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ComposeFile.of(REPO).publishedPortVariables());
    }

    @Test
    void everyScrapeJobBelongsToOneComponentNamedAsItsComposeService() throws IOException {
        List<String> jobs = Arrays.stream(Component.values()).map(Component::job).flatMap(Optional::stream).toList();
        assertThat(jobs).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(scrapeJobs());
        ComposeFile compose = ComposeFile.of(REPO);
        // The controller listener and the broker's metrics port are the kafka service's, Connect's metrics port the
        // connect service's.
        for (Component component : Component.listening()) {
            if (component != Component.CONTROLLER && component != Component.CONNECT_METRICS
                    && component != Component.KAFKA_METRICS) {
                assertThat(compose.hasService(component.toString())).as("a compose service named %s", component)
                        .isTrue();
            }
        }
    }

    private static List<String> scrapeJobs() throws IOException {
        try (Reader reader = Files.newBufferedReader(REPO.file("debezium-prometheus/prometheus.yml"))) {
            Map<?, ?> config = new Yaml().load(reader);
            return ((List<?>) config.get("scrape_configs")).stream()
                    .map(job -> String.valueOf(((Map<?, ?>) job).get("job_name"))).toList();
        }
    }
}
