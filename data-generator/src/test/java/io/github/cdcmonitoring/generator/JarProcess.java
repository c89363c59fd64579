package io.github.cdcmonitoring.generator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/data-generator.jar} as a child process, with an environment holding only what the test
 * sets (the inherited PG and GENERATOR variables removed), and its output collected line by line.
 */
final class JarProcess implements AutoCloseable {

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread[] readers;

    private JarProcess(Process process) {
        this.process = process;
        readers = new Thread[] {collect(process.getInputStream(), stdout), collect(process.getErrorStream(), stderr)};
    }

    static JarProcess start(Map<String, String> env) throws IOException {
        String jarProperty = System.getProperty("generator.jar");
        if (jarProperty == null) {
            throw new IllegalStateException("system property generator.jar is not set: run through failsafe "
                    + "(./mvnw verify)");
        }
        Path jar = Path.of(jarProperty);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: the package phase builds it");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", jar.toString());
        Map<String, String> childEnv = builder.environment();
        // JVM option variables make the JVM print "Picked up ..." on stderr, which would spoil the one-line check.
        childEnv.keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("GENERATOR_")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("_JAVA_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
        childEnv.putAll(env);
        return new JarProcess(builder.start());
    }

    private static Thread collect(InputStream stream, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading failed: " + e + ")");
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for the exit and for all output to be read; returns the exit status. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("data-generator.jar did not exit within " + limit + "; stdout: " + stdout
                    + " stderr: " + stderr);
        }
        for (Thread reader : readers) {
            reader.join(5000);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
