package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar local-stack.jar} given bad input: one line naming the file, line or setting, exit status 2, and
 * nothing started. The port case runs the real entry point on the real repository; the file and .env cases break a
 * scratch copy of the repository's files (the real ones stay untouched) and run the same checks on it.
 */
class LocalStackBadInputTest {

    /** The .env ports: held or needed free here, so never while another test JVM holds or needs them. */
    @AutoClose
    private final EnvPortsLock envPorts = EnvPortsLock.take();

    private final RepoFiles repo = RepoFiles.locate();

    @TempDir
    Path scratch;

    @Test
    void aPortInUseIsOneLineNamingTheSettingAndExit2() throws Exception {
        int port = LocalStack.envPort(repo.dotEnv(), "POSTGRES_PORT");
        try (ServerSocket taken = new ServerSocket()) {
            try {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException alreadyTaken) {
                // Something else holds it already: the case under test all the same.
            }
            Path log = scratch.resolve("local-stack.log");
            Process main = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                    LocalStackMain.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = main.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                main.destroy(); // SIGTERM: LocalStackMain stops what it started
                main.waitFor(60, TimeUnit.SECONDS);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            report("native stack: port in use (POSTGRES_PORT " + port + ")", main.exitValue(), lines);
            assertThat(exited).as("exited by itself; output " + lines).isTrue();
            assertThat(main.exitValue()).as("exit status; output " + lines).isEqualTo(2);
            assertThat(lines).singleElement().asString().isEqualTo("local-stack: port " + port
                    + " (POSTGRES_PORT in .env) is already in use on 127.0.0.1: stop what listens there or change "
                    + "POSTGRES_PORT in .env");
        }
    }

    /**
     * Every port the compose file publishes is checked before anything starts, each named by its setting: the list
     * is read from docker-compose.yml, so a service added there is covered (Alertmanager's and node_exporter's ports
     * were missing from a hand-written list).
     */
    @Test
    void everyPublishedPortInUseIsNamedBeforeAnythingStarts() throws IOException {
        List<String> settings = ComposeFile.of(repo).publishedPortVariables();
        assertThat(settings).contains("POSTGRES_PORT", "ALERTMANAGER_PORT", "NODE_EXPORTER_PORT");
        for (String setting : settings) {
            int port = LocalStack.envPort(repo.dotEnv(), setting);
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThatThrownBy(() -> StackPreflight.check(repo)).as(setting + " taken")
                        .hasMessageContaining("port " + port + " (" + setting + " in .env) is already in use");
            }
        }
    }

    @Test
    void theRepositoryItselfPassesTheChecks() {
        StackPreflight.checkFiles(repo);
    }

    @Test
    void aMissingConfigFileIsNamed() throws IOException {
        RepoFiles copy = copyOfTheRepository();
        Files.delete(copy.root().resolve("postgresql.conf"));

        assertOneLine(copy, "config file missing", "missing postgresql.conf in " + copy.root() + " (the stack reads it; "
                + "git checkout -- postgresql.conf restores it)");
    }

    /**
     * Unreadable: a directory where the file should be, as Docker leaves behind when a bind mount's source was
     * missing. (Mode 000 would not do here: the tests run as root, whom no mode stops from reading.)
     */
    @Test
    void anUnreadableConfigFileIsNamed() throws IOException {
        RepoFiles copy = copyOfTheRepository();
        Path file = copy.root().resolve("debezium-prometheus/prometheus.yml");
        Files.delete(file);
        Files.createDirectory(file);

        assertOneLine(copy, "config file unreadable (a directory)", "debezium-prometheus/prometheus.yml in " + copy.root()
                + " is not a regular file (a directory?)");
    }

    @Test
    void aMalformedDotEnvLineIsNamedWithItsNumber() throws IOException {
        RepoFiles copy = copyOfTheRepository();
        int line = appendToDotEnv(copy, "POSTGRES_PORT 5433");

        assertOneLine(copy, ".env malformed line", ".env line " + line + ": expected KEY=VALUE, got: POSTGRES_PORT 5433");
    }

    @Test
    void anUnknownDotEnvSettingIsNamed() throws IOException {
        RepoFiles copy = copyOfTheRepository();
        int line = appendToDotEnv(copy, "POSTGRES_PASWORD=typo");

        assertOneLine(copy, ".env unknown setting", ".env line " + line + ": unknown setting POSTGRES_PASWORD (docker-compose.yml uses no "
                + "${POSTGRES_PASWORD}; misspelt?)");
    }

    private static void assertOneLine(RepoFiles copy, String input, String expected) {
        assertThatThrownBy(() -> StackPreflight.check(copy)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    // LocalStackMain prints this after "local-stack: " and exits 2, as the port case shows end to end.
                    report("native stack: " + input, "2 (same path as the port case)",
                            List.of("local-stack: " + e.getMessage()));
                    assertThat(e.getMessage()).isEqualTo(expected).doesNotContain("\n");
                });
    }

    private static void report(String input, Object exit, List<String> lines) {
        System.out.println("RELIABILITY | bad input | " + input + " | exit " + exit + " | " + String.join(" / ", lines));
    }

    /** The files the stack reads, copied into a scratch folder laid out as the repository. */
    private RepoFiles copyOfTheRepository() throws IOException {
        for (String file : StackPreflight.CONFIG_FILES) {
            Path target = scratch.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(repo.file(file), target);
        }
        return RepoFiles.at(scratch);
    }

    /** Appends a line to the copy's .env; returns its line number. */
    private static int appendToDotEnv(RepoFiles copy, String line) throws IOException {
        Path env = copy.root().resolve(".env");
        String text = Files.readString(env);
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.writeString(env, text + line + "\n");
        return (int) (text + line).lines().count();
    }
}
