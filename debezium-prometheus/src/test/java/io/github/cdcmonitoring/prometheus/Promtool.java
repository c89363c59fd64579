package io.github.cdcmonitoring.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the distribution's promtool 3.5 (Debian: package promtool from the unstable suite; Debian 12's own is 2.42),
 * which CI installs with .ci/install-packages; tests fail without it.
 */
final class Promtool {

    static final String INSTALL_HINT = "promtool not found on PATH: sudo bash .ci/install-packages (promtool 3.5)";

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
    static InstalledProgram.Result run(Path workDir, List<String> args) {
        return InstalledProgram.run(locate(System.getenv("PATH")), workDir, args);
    }
}
