package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar local-stack.jar} on a machine without some of the programs it runs from PATH: one line naming every
 * missing one and the Debian packages that install them, exit status 1, before anything starts. PATH is a folder
 * holding links to the real programs this machine has, minus the ones the case removes.
 */
class MissingProgramsTest {

    @TempDir
    Path bin;

    @Test
    void nothingOnPathNamesEveryProgramAndItsPackage() throws Exception {
        assertThat(runWithPathOf()).singleElement().asString().isEqualTo("local-stack: jq, curl, psql, prometheus, "
                + "postgres_exporter are not installed (not on PATH); install with: apt-get install -y jq curl "
                + "postgresql-client prometheus prometheus-postgres-exporter");
    }

    @Test
    void onlyPostgresExporterMissingNamesOnlyIt() throws Exception {
        assertThat(runWithPathOf("jq", "curl", "psql", "prometheus")).singleElement().asString().isEqualTo(
                "local-stack: postgres_exporter is not installed (not on PATH); install with: apt-get install -y "
                        + "prometheus-postgres-exporter");
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
