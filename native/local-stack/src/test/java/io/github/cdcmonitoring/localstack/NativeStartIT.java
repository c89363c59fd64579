package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.localstack.process.Executables;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code native/start}, the README's one command for the stack without Docker, run from the repository root after the
 * build made the jar (an integration test for that reason): it passes its arguments on to the jar without building
 * again, and a machine without Java gets one line naming what to install.
 */
class NativeStartIT {

    private final Path root = RepoFiles.locate().root();

    @Test
    void itRunsTheBuiltJarWithItsArguments() throws Exception {
        Result result = run(System.getenv("PATH"), "--no-such-option");
        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.lines()).as("the jar is up to date: no build")
                .noneMatch(line -> line.startsWith("native/start: building"));
        assertThat(result.lines().get(0)).isEqualTo("local-stack: unknown option --no-such-option");
    }

    @Test
    void withoutJavaItNamesJavaInOneLine(@TempDir Path bin) throws Exception {
        // PATH holds what the script needs before it looks for java, and no java.
        for (String tool : List.of("bash", "dirname")) {
            Files.createSymbolicLink(bin.resolve(tool), Executables.find(tool).orElseThrow());
        }
        Result result = run(bin.toString(), "--help");
        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.lines()).singleElement().asString().isEqualTo("native/start: java is not installed (Java 17 "
                + "or newer); on Debian: sudo apt-get install -y openjdk-17-jdk-headless");
    }

    private record Result(int exit, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private Result run(String path, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("native-start", ".log");
        try {
            List<String> command = new java.util.ArrayList<>(List.of(Executables.find("bash").orElseThrow().toString(),
                    "native/start"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("PATH", path);
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("native/start did not exit within 60 s: " + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
