package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.ServiceJar;
import io.github.cdcmonitoring.repo.TempDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar change-exporter/target/change-exporter.jar} as a child process, started through {@link ServiceJar}
 * as the native stack starts it (only the variables the test sets reach it), and {@link #stop} sends SIGTERM. Its stdout and stderr go to a file, not a pipe:
 * {@link Process#destroy()} closes the pipes right after sending the signal, so a thread reading them loses everything the process writes while
 * shutting down ("Stream closed"), and that (the summary) is what the tests check. The file is echoed with a prefix
 * into the test output when the process is closed.
 */
final class ExporterProcess implements AutoCloseable {

    private final Process process;
    private final String name;
    private final Path log;
    /** The JVM's java.io.tmpdir: lz4-java unpacks its native library there and a halted JVM never deletes it. */
    private final Path tmpDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;
    private boolean echoed;

    private ExporterProcess(Process process, String name, Path log, Path tmpDir) {
        this.process = process;
        this.name = name;
        this.log = log;
        this.tmpDir = tmpDir;
    }

    /** The built jar, or an error naming the build that makes it. */
    static ServiceJar jar() {
        return ServiceJar.of(RepoFiles.locate(), "change-exporter", "./mvnw -pl native/local-stack -am verify");
    }

    /** Starts the jar with its image's JVM options and the given environment; waits until /metrics is served. */
    static ExporterProcess start(String name, Map<String, String> env, Duration startLimit) throws IOException {
        ServiceJar jar = jar();
        Path tmpDir = TempDirectory.create(name + "-tmp-");
        ProcessBuilder builder = jar.processBuilder(jar.imageJvmOptions(), tmpDir, env);
        Path log = Files.createTempFile(name + "-", ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        ExporterProcess exporter = new ExporterProcess(builder.start(), name, log, tmpDir);
        try {
            exporter.awaitMetricsPort(startLimit);
        } catch (RuntimeException | Error e) {
            exporter.close();
            throw e;
        }
        return exporter;
    }

    private void awaitMetricsPort(Duration limit) {
        port = Integer.parseInt(ServiceJar.awaitLine(name, process, () -> ServiceJar.read(log), ServiceJar.METRICS_LINE,
                limit).group(1));
    }

    /** One scrape of the exporter's /metrics. */
    String scrape() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape the change exporter; its output: " + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every line the process has written so far, stdout and stderr interleaved as written. */
    List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then waits for the exit and the last output line; returns the exit status. */
    int stop(Duration limit) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("change-exporter did not exit within " + limit + " of SIGTERM: " + output());
        }
        return process.exitValue();
    }

    /** Kills the process if still running, echoes its output into the test's output once, removes the file. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirectory.deleteRecursively(tmpDir);
        if (!echoed) {
            echoed = true;
            try {
                output().forEach(line -> System.out.println("[" + name + "] " + line));
                Files.deleteIfExists(log);
            } catch (IOException | UncheckedIOException e) {
                System.out.println("[" + name + "] (output unreadable: " + e + ")");
            }
        }
    }
}
