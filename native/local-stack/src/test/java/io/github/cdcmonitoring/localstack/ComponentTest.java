package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
    void everyScrapeJobBelongsToOneComponentNamedAsItsComposeService() {
        List<String> jobs = Arrays.stream(Component.values()).map(Component::job).flatMap(Optional::stream).toList();
        assertThat(jobs).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(LiveMonitoring.scrapeJobs());
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
}
