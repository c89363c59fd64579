package io.github.cdcmonitoring.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the distribution's promtool 3.5 (Debian: package promtool from the unstable suite; Debian 12's own is 2.42),
 * which CI installs with .ci/install-packages; tests fail without it.
 */
final class Promtool {

    static final String INSTALL_HINT = "promtool not found on PATH: sudo bash .ci/install-packages (promtool 3.5)";
    private static final long TIMEOUT_SECONDS = 120;

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** promtool on the given PATH value; fails the calling test with one line when there is none. */
    static Path locate(String pathVariable) {
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "promtool");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(INSTALL_HINT);
    }

    /** promtool args..., run in workDir; output is stdout and stderr together, in order. */
    static Result run(Path workDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(locate(System.getenv("PATH")).toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // promtool's output is small; read it all, then wait (it cannot block on a full pipe before exiting)
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail("promtool " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running promtool", e);
        }
    }
}
