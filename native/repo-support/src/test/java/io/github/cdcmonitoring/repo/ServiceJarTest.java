package io.github.cdcmonitoring.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJarTest {

    @TempDir
    Path repo;

    @Test
    void theJvmOptionsAreTheWordsBetweenJavaAndJarOfTheLastEntrypoint() throws IOException {
        Files.createDirectories(repo.resolve("svc/target"));
        Files.writeString(repo.resolve("svc/target/svc.jar"), "");
        Files.writeString(repo.resolve("svc/Dockerfile"), """
                FROM eclipse-temurin:17-jre
                ENTRYPOINT ["java", "-jar", "/old.jar"]
                ENTRYPOINT ["java", "-Xmx128m", "-XX:+UseSerialGC", "-jar", "/app/svc.jar"]
                """);
        assertThat(ServiceJar.of(RepoFiles.at(repo), "svc", "build").imageJvmOptions())
                .isEqualTo(List.of("-Xmx128m", "-XX:+UseSerialGC"));
    }

    @Test
    void aShellFormEntrypointAndAMissingJarAreNamed() throws IOException {
        assertThatThrownBy(() -> ServiceJar.of(RepoFiles.at(repo), "svc", "./mvnw package"))
                .hasMessage("missing svc/target/svc.jar: build it first with ./mvnw package");
        Files.createDirectories(repo.resolve("svc/target"));
        Files.writeString(repo.resolve("svc/target/svc.jar"), "");
        Files.writeString(repo.resolve("svc/Dockerfile"), "ENTRYPOINT java -jar /app/svc.jar\n");
        assertThatThrownBy(() -> ServiceJar.of(RepoFiles.at(repo), "svc", "build").imageJvmOptions())
                .hasMessageContaining("Dockerfile: ENTRYPOINT is not the exec form");
    }

    @Test
    void aChildSeesNoInheritedServiceSettingOnlyWhatIsSet() {
        Map<String, String> inherited = new HashMap<>(Map.of("PATH", "/usr/bin", "PGPASSWORD", "mine",
                "GENERATOR_MAX_OPS", "5", "KAFKA_BOOTSTRAP_SERVERS", "far:9092", "CHANGE_EXPORTER_GROUP_ID", "x",
                "JAVA_TOOL_OPTIONS", "-Xmx1g", "JDK_JAVA_OPTIONS", "-ea"));
        ServiceJar.environment(inherited, Map.of("PGHOST", "127.0.0.1"));
        assertThat(inherited).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin", "PGHOST", "127.0.0.1"));
    }
}
