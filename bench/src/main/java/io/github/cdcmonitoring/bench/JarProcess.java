package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.repo.ServiceJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the repository's service jars started through {@link ServiceJar} (its image's JVM options, only the
 * environment the benchmark sets), its output in a log file of the run's folder, stopped with SIGTERM so it prints its
 * summary.
 */
record JarProcess(String name, Process process, Path log) implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    static JarProcess start(String name, ServiceJar jar, Map<String, String> environment, Path workDir) {
        try {
            Path tmp = Files.createDirectories(workDir.resolve(name + "-tmp"));
            Path log = workDir.resolve(name + ".log");
            ProcessBuilder builder = jar.processBuilder(jar.imageJvmOptions(), tmp, environment)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new JarProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the log holds a line matching {@code pattern}; returns the match. */
    Matcher awaitLog(Pattern pattern, Duration limit) {
        return ServiceJar.awaitLine(name, process, () -> ServiceJar.read(log), pattern, limit);
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
