package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.localstack.process.Executables;
import io.github.cdcmonitoring.localstack.process.ProgramVersion;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar local-stack.jar} on a machine without some of the programs it runs from PATH, or with a Prometheus or
 * postgres_exporter too old for it: one line naming every missing one (or the version found) and the command that
 * installs them, exit status 1, before anything starts. PATH is a folder holding links to the real programs this
 * machine has, minus the ones the case removes.
 */
class MissingProgramsTest {

    /** The .env ports: held or needed free here, so never while another test JVM holds or needs them. */
    @AutoClose
    private final EnvPortsLock envPorts = EnvPortsLock.take();

    @TempDir
    Path bin;

    private final RepoFiles repo = RepoFiles.locate();

    /*
     * Debian 12's own `apt-get install prometheus prometheus-postgres-exporter` gives Prometheus 2.42 and
     * postgres_exporter 0.11, which the stack refuses: the command named must be the one that installs the pinned
     * lines (.ci/install-packages, which .ci/run runs on a fresh machine).
     */
    private static final String INSTALL = "install with: sudo bash .ci/install-packages";

    @Test
    void nothingOnPathNamesEveryProgramAndTheInstallCommand() throws Exception {
        assertThat(runWithPathOf()).singleElement().asString().isEqualTo("local-stack: jq, curl, psql, prometheus, "
                + "postgres_exporter, alertmanager, node_exporter are not installed (not on PATH); " + INSTALL);
    }

    @Test
    void onlyPostgresExporterMissingNamesOnlyIt() throws Exception {
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus", "prometheus-alertmanager", "prometheus-node-exporter")).singleElement()
                .asString().isEqualTo("local-stack: postgres_exporter is not installed (not on PATH); " + INSTALL);
    }

    @Test
    void onlyAlertmanagerMissingNamesOnlyIt() throws Exception {
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus", "prometheus-postgres-exporter", "prometheus-node-exporter")).singleElement()
                .asString().isEqualTo("local-stack: alertmanager is not installed (not on PATH); " + INSTALL);
    }

    @Test
    void onlyNodeExporterMissingNamesOnlyIt() throws Exception {
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus", "prometheus-postgres-exporter",
                "prometheus-alertmanager")).singleElement()
                .asString().isEqualTo("local-stack: node_exporter is not installed (not on PATH); " + INSTALL);
    }

    /* Debian 12's node_exporter 1.5.0, whose --version line the stub prints: the pinned line is what compose runs. */
    @Test
    void nodeExporterOlderThanThePinnedLineIsRefused() throws Exception {
        Path stub = stub("prometheus-node-exporter",
                "node_exporter, version 1.5.0 (branch: debian/sid, revision: 1.5.0-1+b6)");
        String pin = repo.dotEnv().get("NODE_EXPORTER_VERSION");
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus", "prometheus-postgres-exporter",
                "prometheus-alertmanager")).singleElement()
                .asString().isEqualTo("local-stack: node_exporter at " + stub + " is version 1.5.0; the stack needs "
                        + ProgramVersion.pinned("NODE_EXPORTER_VERSION", pin).line() + " or newer (.env pins "
                        + "NODE_EXPORTER_VERSION=" + pin + "); " + INSTALL);
    }

    /*
     * Prometheus 2 can no longer be installed on this machine (Debian 12's 2.42 was replaced by the pinned 3.x), so
     * the old version is a stub script that answers --version as Debian's 2.42 does: fault injection for the one
     * thing under test, the version check, which runs nothing else of the program.
     */
    @Test
    void prometheusTwoIsRefusedNamingItsVersion() throws Exception {
        Path stub = stub("prometheus", "prometheus, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+b5)");
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus-postgres-exporter", "prometheus-alertmanager",
                "prometheus-node-exporter"))
                .singleElement().asString()
                .isEqualTo("local-stack: prometheus at " + stub + " is version 2.42.0+ds; the stack needs Prometheus 3 "
                        + "(.env pins PROMETHEUS_VERSION=" + repo.dotEnv().get("PROMETHEUS_VERSION") + "); " + INSTALL);
    }

    /* As above: Debian 12's postgres_exporter 0.11.1, whose --version line the stub prints, is no longer installed. */
    @Test
    void postgresExporterOlderThanThePinnedLineIsRefused() throws Exception {
        Path stub = stub("prometheus-postgres-exporter",
                "postgres_exporter, version 0.11.1 (branch: debian/sid, revision: 0.11.1-1+b4)");
        String pin = repo.dotEnv().get("POSTGRES_EXPORTER_VERSION");
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus", "prometheus-alertmanager", "prometheus-node-exporter")).singleElement()
                .asString().isEqualTo("local-stack: postgres_exporter at " + stub + " is version 0.11.1; the stack needs "
                        + ProgramVersion.pinned("POSTGRES_EXPORTER_VERSION", pin).line() + " or newer (.env pins "
                        + "POSTGRES_EXPORTER_VERSION=" + pin + "); " + INSTALL);
    }

    /** An executable in the test's PATH folder that prints {@code versionLine} whatever it is asked. */
    private Path stub(String name, String versionLine) throws IOException {
        Path stub = bin.resolve(name);
        Files.writeString(stub, "#!/bin/sh\necho '" + versionLine + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        return stub;
    }

    /** Runs LocalStackMain with PATH = a folder of links to these programs only; returns its output lines. */
    private List<String> runWithPathOf(String... programs) throws IOException, InterruptedException {
        for (String program : programs) {
            Path real = Executables.find(program).orElseThrow(() -> new IllegalStateException(program
                    + " must be installed on the machine running this test"));
            Files.createSymbolicLink(bin.resolve(program), real);
        }
        Path log = Files.createTempFile(bin.getParent(), "local-stack", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                    LocalStackMain.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("PATH", bin.toString());
            Process main = builder.start();
            boolean exited = main.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                main.destroy(); // SIGTERM: LocalStackMain stops what it started
                main.waitFor(60, TimeUnit.SECONDS);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.out.println("RELIABILITY | bad input | native stack: PATH with only " + List.of(programs)
                    + " | exit " + main.exitValue() + " | " + String.join(" / ", lines));
            assertThat(exited).as("exited by itself before starting anything; output " + lines).isTrue();
            assertThat(main.exitValue()).as("exit status; output " + lines).isEqualTo(1);
            return lines;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
