package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.localstack.process.ForkedJvm;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service jar forked the way the stack forks the generator and the change exporter: {@code java -jar} with the JVM
 * options of its image's ENTRYPOINT, on nothing but the jar.
 */
class ForkedJarTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratorJarRunsAsItsImageRunsIt() throws Exception {
        ServiceJar jar = ServiceJar.of(RepoFiles.locate(), "data-generator", StackConfiguration.BUILD_COMMAND);
        Path log = dir.resolve("generator.log");
        // An invalid setting: the generator names it and exits 2 before connecting anywhere.
        ForkedJvm jvm = ForkedJvm.ofJar("data generator", jar, Map.of("GENERATOR_RATE", "-1"), log);
        jvm.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !jvm.isAlive());

        assertThat(Files.readString(log)).contains("data-generator: invalid configuration: GENERATOR_RATE");
        List<String> expected = new ArrayList<>(jar.imageJvmOptions());
        expected.addAll(List.of("-jar", jar.jar().toString()));
        assertThat(jvm.command()).as("java <the Dockerfile's options> -jar <jar>").containsSubsequence(expected)
                .doesNotContain("-cp", "-classpath");
    }
}
