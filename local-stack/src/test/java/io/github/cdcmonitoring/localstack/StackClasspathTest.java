package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The forked broker and worker get local-stack's runtime classpath, not the test classpath this JVM runs on. */
class StackClasspathTest {

    @Test
    void theBrokerAndTheWorkerRunOnTheRuntimeDependenciesOnly() {
        List<String> jars = Arrays.stream(StackClasspath.runtime().split(File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName().toString())
                .toList();

        assertThat(jars).as("Kafka and Connect are there")
                .anyMatch(jar -> jar.startsWith("kafka_2.13-"))
                .anyMatch(jar -> jar.startsWith("connect-runtime-"))
                .anyMatch(jar -> jar.startsWith("log4j-core-"));
        // Test-scoped libraries of this module (present in this JVM's own java.class.path) must not leak in.
        assertThat(System.getProperty("java.class.path")).contains("json-schema-validator");
        assertThat(jars).as("no test-scoped library")
                .noneMatch(jar -> jar.startsWith("json-schema-validator-"))
                .noneMatch(jar -> jar.startsWith("awaitility-"))
                .noneMatch(jar -> jar.startsWith("junit-"))
                .noneMatch(jar -> jar.startsWith("data-generator-"))
                .noneMatch(jar -> jar.startsWith("HikariCP-"));
    }

    /**
     * The libraries that Kafka's own poms (kafka_2.13, connect-runtime) name run in the versions they name, as in
     * Kafka's distribution and the Debezium image: the project's dependency management must not override them.
     */
    @Test
    void kafkasLibrariesRunInTheVersionsKafkaWasReleasedWith() throws IOException {
        List<Path> classpath = Arrays.stream(StackClasspath.runtime().split(File.pathSeparator)).map(Path::of).toList();
        Map<String, String> pinnedByKafka = new HashMap<>();
        for (String artifact : List.of("kafka_2.13-", "connect-runtime-")) {
            Path jar = classpath.stream().filter(p -> p.getFileName().toString().startsWith(artifact)).findFirst()
                    .orElseThrow();
            Path pom = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".pom"));
            Matcher dependency = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<$]+)</version>")
                    .matcher(Files.readString(pom));
            while (dependency.find()) {
                pinnedByKafka.put(dependency.group(1), dependency.group(2));
            }
        }
        assertThat(pinnedByKafka).containsKey("jackson-databind");
        List<String> different = new ArrayList<>();
        for (Path entry : classpath) {
            String file = entry.getFileName().toString();
            pinnedByKafka.forEach((artifactId, version) -> {
                if (file.startsWith(artifactId + "-") && file.endsWith(".jar")
                        && file.substring(artifactId.length() + 1).matches("\\d.*")
                        && !file.equals(artifactId + "-" + version + ".jar")) {
                    different.add(file + " (Kafka names " + version + ")");
                }
            });
        }
        // The one deliberate difference: Kafka's poms name slf4j-api 1.7, which the log4j2 binding local-stack runs
        // the broker and worker with (log4j-slf4j2-impl) cannot bind, so local-stack pins slf4j-api 2.0.
        different.removeIf(entry -> entry.startsWith("slf4j-api-2."));
        assertThat(different).as("libraries whose version differs from Kafka's poms").isEmpty();
    }
}
