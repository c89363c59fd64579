package io.github.cdcmonitoring.localstack.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program's version as its {@code --version} line prints it ("prometheus, version 3.5.3+ds1 (branch: ...)",
 * "postgres_exporter, version 0.19.1 (...)") or as .env pins an image ("v3.5.3"), compared by major.minor: Debian
 * appends its own suffix to the patch, and a patch release changes no metric name or query result the stack relies on.
 */
public record ProgramVersion(int major, int minor, String text) {

    private static final Pattern VERSION_LINE = Pattern.compile("version v?((\\d+)\\.(\\d+)\\S*)");
    private static final Pattern PIN = Pattern.compile("v?((\\d+)\\.(\\d+)\\S*)");
    private static final long TIMEOUT_SECONDS = 10;

    /** The version {@code program --version} prints; throws with one line if it prints none. */
    public static ProgramVersion of(Path program) {
        String output;
        try {
            Process process = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " --version did not answer within " + TIMEOUT_SECONDS + " s");
            }
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + program + " --version: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program + " --version");
        }
        return parse(output).orElseThrow(() -> new IllegalStateException(program + " --version printed no version: "
                + output.lines().findFirst().orElse("(nothing)")));
    }

    /** The first "version X.Y..." in a program's output. */
    public static Optional<ProgramVersion> parse(String versionOutput) {
        Matcher m = VERSION_LINE.matcher(versionOutput);
        return m.find() ? Optional.of(of(m)) : Optional.empty();
    }

    /** An image tag pinned in .env, such as {@code v0.19.1}; throws naming the setting if it is no version. */
    public static ProgramVersion pinned(String setting, String value) {
        Matcher m = PIN.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(setting + " in .env is " + value + ", not a version such as v1.2.3");
        }
        return of(m);
    }

    private static ProgramVersion of(Matcher m) {
        return new ProgramVersion(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(1));
    }

    /** "3.5", the line. */
    public String line() {
        return major + "." + minor;
    }

    public boolean olderThan(ProgramVersion other) {
        return major != other.major ? major < other.major : minor < other.minor;
    }

    @Override
    public String toString() {
        return text;
    }
}
