package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers connectors through the compose stack's own init path: {@code debezium-jmx-exporter/register-connector.sh},
 * the script the {@code connector-init} service runs (validate, create or update, wait for RUNNING; on rejection it
 * prints Connect's messages and exits non-zero). Needs bash, curl and jq, as the connect image has them.
 */
public final class ConnectorRegistration {

    /** The script's exit status and everything it printed (stdout and stderr, in order). */
    public record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path script;
    private final Map<String, String> environment;
    private final String connectUrl;
    private final Path workDir;
    private final Duration waitForRunning;
    private final AtomicInteger files = new AtomicInteger();

    /**
     * @param script register-connector.sh
     * @param connectUrl the worker's REST URL
     * @param workDir where the connector files handed to the script are written
     * @param waitForRunning how long the script waits for the connector and its tasks (REGISTER_WAIT_SECONDS)
     */
    public ConnectorRegistration(Path script, Map<String, String> environment, String connectUrl, Path workDir,
                                 Duration waitForRunning) {
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("missing the registration script " + script);
        }
        this.script = script;
        this.environment = Map.copyOf(environment);
        this.connectUrl = connectUrl;
        this.workDir = workDir;
        this.waitForRunning = waitForRunning;
    }

    /** Writes the connector to a file and runs the script on it; blocks until the script exits. */
    public Result register(ConnectorConfig connector) {
        Path file = workDir.resolve(files.incrementAndGet() + "-" + connector.name().replaceAll("[^A-Za-z0-9._-]", "_")
                + ".json");
        connector.writeTo(file);
        return register(file, connector.name());
    }

    /** Runs the script on a connector file as it is, even one that is not valid JSON (a bad-input test's case). */
    public Result register(Path file) {
        return register(file, file.getFileName().toString());
    }

    private Result register(Path file, String connectorName) {
        Path output = workDir.resolve(file.getFileName() + ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), file.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The connector-init service's environment (CDC_DB_PASSWORD for the table check), with the local Connect URL.
        builder.environment().putAll(environment);
        builder.environment().put("CONNECT_URL", connectUrl);
        builder.environment().put("REGISTER_WAIT_SECONDS", Long.toString(waitForRunning.toSeconds()));
        try {
            Process process = builder.start();
            // The script bounds its own wait; this only guards against a hung curl.
            if (!process.waitFor(waitForRunning.toSeconds() + 120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script.getFileName() + " " + file.getFileName()
                        + " did not finish; its output so far:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering " + connectorName, e);
        }
    }
}
