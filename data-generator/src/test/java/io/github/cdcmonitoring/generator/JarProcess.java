package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/data-generator.jar} as a child process started through {@link ServiceJar} (only what the
 * test sets reaches it), its stdout and stderr collected apart line by line: a bad setting must be one line on stderr.
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
        // The package phase builds the jar before failsafe runs these tests.
        ServiceJar jar = ServiceJar.of(RepoFiles.locate(), "data-generator", "./mvnw -pl data-generator verify");
        // No Kafka client in the generator, so nothing is unpacked into java.io.tmpdir: the default one serves.
        Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
        return new JarProcess(jar.processBuilder(jar.imageJvmOptions(), tmpDir, env).start());
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
