package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
}
