package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that run inside Linux containers or are read by Linux tools must keep LF line endings even in a Windows
 * checkout (core.autocrlf=true): a CRLF shebang line makes {@code mvnw} and the init scripts fail with
 * "bad interpreter", psql reads {@code \getenv cdc_password CDC_DB_PASSWORD\r}, and .env values gain a trailing CR.
 * Asked of git itself ({@code git check-attr}), so the test sees what a checkout would do, not our reading of the file:
 * in a scratch repository holding the project's {@code .gitattributes}, so that it runs the same in a clone, an
 * unpacked source archive or any other copy without {@code .git}.
 */
class GitAttributesTest {

    /** Real files of each kind the stack mounts or runs, plus one hypothetical name per pattern. */
    private static final List<String> LF_FILES = List.of(
            "mvnw", "native/start", ".ci/run", ".ci/install-packages", ".env", "init-db.sql", "inventory.sql", "load-inventory.sh", "postgresql.conf",
            "docker-compose.yml", "debezium-jmx-exporter/register-connector.sh", "debezium-jmx-exporter/Dockerfile",
            "data-generator/Dockerfile", "some/new/script.sh", "some/new/file.sql", "debezium-prometheus/prometheus.yml",
            "debezium-grafana/provisioning/dashboards/dashboards.yml", "debezium-grafana/dashboards/x.json");

    @Test
    void everyFileTheContainersReadKeepsLfEndings(@TempDir Path scratch) throws Exception {
        Files.copy(RepoFiles.locate().root().resolve(".gitattributes"), scratch.resolve(".gitattributes"));
        git(scratch, List.of("git", "init", "-q"));
        Map<String, String> eol = checkAttr(scratch, "eol", LF_FILES);
        List<String> notLf = new ArrayList<>();
        eol.forEach((file, value) -> {
            if (!"lf".equals(value)) {
                notLf.add(file + " (eol: " + value + ")");
            }
        });
        assertThat(notLf).as("files a Windows checkout would write with CRLF endings").isEmpty();
        // The Windows wrapper is the one file that needs CRLF: committed so, and never converted.
        assertThat(checkAttr(scratch, "text", List.of("mvnw.cmd"))).containsEntry("mvnw.cmd", "unset");
    }

    private static Map<String, String> checkAttr(Path repo, String attribute, List<String> files)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "check-attr", attribute, "--"));
        command.addAll(files);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : git(repo, command).strip().split("\n")) {
            // <path>: <attribute>: <value>
            String[] parts = line.split(": ");
            values.put(parts[0], parts[parts.length - 1]);
        }
        return values;
    }

    private static String git(Path dir, List<String> command) throws IOException, InterruptedException {
        Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(git.exitValue()).as(out).isZero();
        return out;
    }
}
