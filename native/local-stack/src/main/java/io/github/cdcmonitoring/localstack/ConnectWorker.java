package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.ConnectImageEntrypoint;
import io.github.cdcmonitoring.localstack.config.JmxAgentOption;
import io.github.cdcmonitoring.localstack.config.PropertiesFile;
import io.github.cdcmonitoring.localstack.process.ForkedJvm;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Kafka Connect worker in distributed mode ({@code connect-distributed.sh}) in its own JVM, configured as the
 * Debezium connect image configures itself from the compose file's {@code connect} service (see
 * {@link ConnectImageEntrypoint}), with the JMX exporter agent. Only addresses, ports and local paths differ, plus
 * {@code plugin.discovery=service_load}, which finds the plugins from their manifests instead of scanning every
 * class (3 to 4 s faster and several hundred MiB smaller at start-up).
 *
 * <p>It can be killed (SIGKILL, as in a crash) and started again: the same worker.properties, ports and topics, so the
 * worker rejoins its group and resumes its connectors from the offsets Kafka holds.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed";
    /** connect-distributed.sh's heap when KAFKA_HEAP_OPTS is not set; capped lower here (2 GiB in the script). */
    private static final List<String> DEFAULT_HEAP = List.of("-Xms256m", "-Xmx768m");

    /** Where the worker finds its pieces. */
    record Settings(ConnectImageEntrypoint.Result image, String bootstrapServers, int restPort, int metricsPort,
                    Path pluginPath, Path agentJar, Path agentConfig, Path workDir, Path log4jConfig) {
    }

    private final Settings settings;
    private final int restPort;
    private final int metricsPort;
    private final Map<String, String> workerProperties;
    private final ForkedJvm jvm;
    private final ConnectRest rest;

    private ConnectWorker(Settings settings, Map<String, String> workerProperties, ForkedJvm jvm) {
        this.settings = settings;
        this.restPort = settings.restPort();
        this.metricsPort = settings.metricsPort();
        this.workerProperties = workerProperties;
        this.jvm = jvm;
        this.rest = new ConnectRest(restUrl());
    }

    /** Writes worker.properties; the worker is not started yet. */
    static ConnectWorker create(Settings settings) {
        requireFile(settings.agentJar(), "the JMX exporter agent");
        requireFile(settings.agentConfig(), "the JMX exporter config");
        if (!Files.isDirectory(settings.pluginPath())) {
            throw new IllegalStateException("no Kafka Connect plugin directory at " + settings.pluginPath()
                    + ": build it with ./mvnw -pl debezium-jmx-exporter package");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("bootstrap.servers", settings.bootstrapServers());
        overrides.put("listeners", "http://127.0.0.1:" + settings.restPort());
        overrides.put("rest.advertised.host.name", "127.0.0.1");
        overrides.put("rest.advertised.port", Integer.toString(settings.restPort()));
        overrides.put("plugin.path", settings.pluginPath().toString());
        overrides.put("plugin.discovery", "service_load");
        Map<String, String> properties = new LinkedHashMap<>(settings.image().workerProperties());
        // rest.host.name/rest.port: written by the image's script, ignored since Kafka 4 (listeners rules); kept
        // consistent with the local listener so the file does not name an address the worker does not use.
        if (properties.containsKey("rest.host.name")) {
            overrides.put("rest.host.name", "127.0.0.1");
        }
        if (properties.containsKey("rest.port")) {
            overrides.put("rest.port", Integer.toString(settings.restPort()));
        }
        properties.putAll(overrides);

        Path propertiesFile = settings.workDir().resolve("worker.properties");
        PropertiesFile.write(propertiesFile, "Kafka Connect worker: the compose file's connect service as the "
                + "Debezium connect image translates it, with local addresses and paths (local-stack)", properties);

        List<String> jvmOptions = new ArrayList<>();
        String heapOpts = settings.image().heapOpts();
        jvmOptions.addAll(heapOpts == null ? DEFAULT_HEAP : words(heapOpts));
        jvmOptions.addAll(ForkedJvm.KAFKA_RUN_CLASS_OPTIONS);
        jvmOptions.add("-Dlog4j2.configurationFile=" + settings.log4jConfig());
        jvmOptions.add("-Dkafka.logs.dir=" + settings.workDir().resolve("logs"));
        jvmOptions.addAll(JmxAgentOption.localised("connect", settings.image().kafkaOpts(), settings.agentJar(),
                settings.metricsPort(), settings.agentConfig()));

        ForkedJvm jvm = ForkedJvm.of("Kafka Connect", jvmOptions, MAIN_CLASS, List.of(propertiesFile.toString()),
                settings.image().environment(), settings.workDir().resolve("connect.log"));
        return new ConnectWorker(settings, Collections.unmodifiableMap(properties), jvm);
    }

    /** Shell word splitting of an unquoted $KAFKA_OPTS, as kafka-run-class.sh does. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing " + what + " at " + file
                    + ": build it with ./mvnw -pl debezium-jmx-exporter package");
        }
    }

    /** Starts the JVM and waits until the REST API serves requests and the metrics endpoint answers. */
    public synchronized void start() {
        launch();
        awaitReady();
    }

    /** Starts the JVM without waiting. Connect waits for the broker by itself, so both can boot at once. */
    synchronized void launch() {
        jvm.start();
    }

    /** Waits until {@link #launch()}ed worker serves; on failure kills it and throws with the end of its log. */
    synchronized void awaitReady() {
        try {
            pollUntilReady();
        } catch (RuntimeException e) {
            jvm.kill();
            throw e;
        }
    }

    private void pollUntilReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicBoolean metricsUp = new AtomicBoolean();
        Waits.until(READY_TIMEOUT, Duration.ofMillis(200), () -> {
            jvm.checkAlive();
            if (!metricsUp.get()) {
                metricsUp.set(answers(http, metricsUrl()));
            }
            return metricsUp.get() && rest.connectors().isPresent();
        }, () -> "Kafka Connect not ready after " + READY_TIMEOUT.toSeconds() + " s ("
                + (metricsUp.get() ? "REST API at " + restUrl() : "metrics at " + metricsUrl())
                + " not answering); the end of " + jvm.logFile() + ":\n" + jvm.tail(40));
    }

    private static boolean answers(HttpClient http, String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Replaces a worker that did not come up, or that was started before the broker had to move: kills this one
     * (if still running) and launches a new one in the same folder with the given broker address and ports.
     */
    ConnectWorker relaunchOn(String bootstrapServers, int newRestPort, int newMetricsPort) {
        jvm.kill();
        ConnectWorker worker = create(new Settings(settings.image(), bootstrapServers, newRestPort, newMetricsPort,
                settings.pluginPath(), settings.agentJar(), settings.agentConfig(), settings.workDir(),
                settings.log4jConfig()));
        worker.launch();
        return worker;
    }

    /** Whether the worker exited because its REST port or the JMX agent's port was taken. */
    boolean exitedOnTakenPort() {
        return jvm.exitedOnTakenPort();
    }

    /** The broker address it was configured with. */
    String bootstrapServers() {
        return settings.bootstrapServers();
    }

    int restPort() {
        return restPort;
    }

    int metricsPort() {
        return metricsPort;
    }

    /** SIGKILL, as in a crash: no offsets flushed, no tasks stopped, the group membership left to expire. */
    public synchronized void kill() {
        jvm.kill();
    }

    /** Clean shutdown (SIGTERM: tasks stopped and offsets committed; SIGKILL after 30 s). */
    public synchronized void stop() {
        jvm.stop(STOP_GRACE);
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** The worker JVM's pid while it runs (the benchmark reads its CPU time and memory from /proc). */
    public long pid() {
        return jvm.pid();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The JMX exporter's endpoint, {@code http://127.0.0.1:<port>/metrics}. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    public ConnectRest rest() {
        return rest;
    }

    /** The worker configuration as written to worker.properties. */
    public Map<String, String> workerProperties() {
        return workerProperties;
    }

    public Path logFile() {
        return jvm.logFile();
    }

    /** The last lines of the worker's log. */
    public String tail(int lines) {
        return jvm.tail(lines);
    }

    @Override
    public void close() {
        stop();
    }
}
