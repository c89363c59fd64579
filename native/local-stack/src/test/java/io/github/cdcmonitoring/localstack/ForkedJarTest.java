package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runnable jar forked the way the stack forks the generator and the change exporter: through ForkMain (so it dies
 * with the stack), on nothing but the jar and ForkMain's class file, its main class from the jar's manifest.
 */
class ForkedJarTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratorJarRunsThroughForkMainOnItsOwnClasspath() throws Exception {
        ServiceJar jar = ServiceJar.of(RepoFiles.locate(), "data-generator", StackConfiguration.BUILD_COMMAND);
        Path log = dir.resolve("generator.log");
        // An invalid setting: the generator names it and exits 2 before connecting anywhere.
        ForkedJvm jvm = ForkedJvm.ofJar("data generator", jar, Map.of("GENERATOR_RATE", "-1"), log,
                dir.resolve("fork-main"));
        jvm.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !jvm.isAlive());

        assertThat(Files.readString(log)).contains("data-generator: invalid configuration: GENERATOR_RATE");
        assertThat(Files.exists(dir.resolve("fork-main/io/github/cdcmonitoring/localstack/ForkMain.class"))).isTrue();
        try (var files = Files.walk(dir.resolve("fork-main"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).as("only ForkMain beside the jar").hasSize(1);
        }
    }
}
