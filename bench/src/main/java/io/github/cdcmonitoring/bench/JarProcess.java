package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.localstack.ImageJvmOptions;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the repository's service jars (data generator, change exporter) in a JVM of its own, as the compose stack
 * runs it: only the environment the benchmark sets, output to a log file, stopped with SIGTERM so it prints its
 * summary. Its temporary files (lz4-java's native library) stay in the run's folder.
 */
final class JarProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private JarProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static JarProcess start(String name, Path jar, Map<String, String> environment, Path workDir) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": build it first with ./mvnw -pl bench -am package "
                    + "-DskipTests");
        }
        try {
            Path tmp = Files.createDirectories(workDir.resolve(name + "-tmp"));
            Path log = workDir.resolve(name + ".log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of(java.toString()));
            // The JVM options of the service's image: its module's Dockerfile (the jar is in the module's target/).
            command.addAll(ImageJvmOptions.of(jar.toAbsolutePath().getParent().getParent().resolve("Dockerfile")));
            command.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("PG") || key.startsWith("GENERATOR_")
                    || key.startsWith("KAFKA_") || key.startsWith("CHANGE_EXPORTER_")
                    || key.equals("JAVA_TOOL_OPTIONS"));
            builder.environment().putAll(environment);
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
        Matcher[] found = new Matcher[1];
        Waits.until(name + " to log '" + pattern + "' (" + log + ")", limit, Duration.ofMillis(50), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            Matcher matcher = pattern.matcher(tail());
            if (matcher.find()) {
                found[0] = matcher;
                return true;
            }
            return false;
        });
        return found[0];
    }

    String tail() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
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
