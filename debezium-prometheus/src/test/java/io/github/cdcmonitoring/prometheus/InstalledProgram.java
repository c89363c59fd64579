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
 * A program of the distribution found on PATH, as the shell finds it: amtool and Alertmanager (Debian's package
 * prometheus-alertmanager installs the server as {@code prometheus-alertmanager}), which CI installs with
 * .ci/install-packages; tests fail without them, with one line saying how to install them.
 */
final class InstalledProgram {

    static final String INSTALL_HINT = "sudo bash .ci/install-packages";
    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String output) {
    }

    private InstalledProgram() {
    }

    /** The first of {@code names} on PATH; fails the calling test with one line when there is none. */
    static Path locate(String... names) {
        String path = System.getenv("PATH");
        for (String name : names) {
            for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(String.join(" or ", names) + " not found on PATH: " + INSTALL_HINT);
    }

    /** {@code program args...} in workDir; output is stdout and stderr together, in order. */
    static Result run(Path program, Path workDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
