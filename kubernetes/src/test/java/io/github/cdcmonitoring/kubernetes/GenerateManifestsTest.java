package io.github.cdcmonitoring.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator run on a scratch copy of the repository's source files: it writes what is committed, and bad input
 * (a missing or broken source, a literal password) ends it with one line naming the file and status 1, writing nothing.
 */
class GenerateManifestsTest {

    /** Everything the generator reads, relative to the repository root. */
    private static final List<String> SOURCES = List.of(".env", "init-db.sql", "docker-compose.yml",
            StackSources.CONNECTOR_FILE, StackSources.CONNECT_JMX_RULES, StackSources.BROKER_JMX_RULES,
            StackSources.PROMETHEUS_CONFIG, StackSources.RULES_FOLDER, StackSources.DASHBOARDS_FOLDER);

    @TempDir
    Path scratch;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private void copySources() throws IOException {
        for (String source : SOURCES) {
            Path from = Manifests.REPO.root().resolve(source);
            if (Files.isDirectory(from)) {
                Files.createDirectories(scratch.resolve(source));
                try (Stream<Path> files = Files.list(from)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(file, scratch.resolve(source).resolve(file.getFileName()));
                    }
                }
            } else {
                Files.createDirectories(scratch.resolve(source).getParent());
                Files.copy(from, scratch.resolve(source));
            }
        }
    }

    private int generate() {
        return GenerateManifests.run(RepoFiles.at(scratch), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errorLines() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesExactlyTheCommittedManifestsAndDeletesStaleFiles() throws IOException {
        copySources();
        Path folder = scratch.resolve(ManifestSet.FOLDER);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("renamed-long-ago.yaml"), "kind: ConfigMap\n");
        assertThat(generate()).isZero();
        assertThat(ManifestsUpToDateTest.differences(Manifests.rendered(), folder)).isEmpty();
        assertThat(ManifestsUpToDateTest.differences(Manifests.rendered(), Manifests.REPO.root().resolve(ManifestSet.FOLDER))).isEmpty();
    }

    @Test
    void aMissingRuleFileFolderIsOneLineAndStatusOne() throws IOException {
        copySources();
        try (Stream<Path> files = Files.list(scratch.resolve(StackSources.RULES_FOLDER))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        assertThat(generate()).isEqualTo(1);
        assertThat(errorLines()).hasLineCount(1).contains("no *.rules.yml file in debezium-prometheus/rules");
        assertThat(scratch.resolve(ManifestSet.FOLDER)).doesNotExist();
    }

    @Test
    void aMissingJmxRulesFileIsNamed() throws IOException {
        copySources();
        Files.delete(scratch.resolve(StackSources.BROKER_JMX_RULES));
        assertThat(generate()).isEqualTo(1);
        assertThat(errorLines()).hasLineCount(1).contains("missing kafka-jmx-exporter/config.yml");
    }

    @Test
    void aBrokenConnectorFileIsNamed() throws IOException {
        copySources();
        Files.writeString(scratch.resolve(StackSources.CONNECTOR_FILE), "{\"name\": \"postgres-connector\", \"config\": {");
        assertThat(generate()).isEqualTo(1);
        assertThat(errorLines()).hasLineCount(1).contains("register-postgresql.json is not valid JSON/YAML");
    }

    @Test
    void aLiteralPasswordInTheConnectorFileIsRefused() throws IOException {
        copySources();
        Path file = scratch.resolve(StackSources.CONNECTOR_FILE);
        Files.writeString(file, Files.readString(file).replace("${env:CDC_DB_PASSWORD}", "secret"));
        assertThat(generate()).isEqualTo(1);
        assertThat(errorLines()).hasLineCount(1).contains("database.password must be an ${env:NAME} reference");
    }

    @Test
    void aBrokenRuleFileIsNamed() throws IOException {
        copySources();
        Files.writeString(scratch.resolve(StackSources.RULES_FOLDER + "/connect.rules.yml"), "groups: [\n");
        assertThat(generate()).isEqualTo(1);
        assertThat(errorLines()).hasLineCount(1).contains("debezium-prometheus/rules/connect.rules.yml is not valid YAML");
    }
}
