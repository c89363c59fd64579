package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.JmxAgentOption;
import io.github.cdcmonitoring.localstack.config.KafkaImageSettings;
import io.github.cdcmonitoring.localstack.config.PropertiesFile;
import io.github.cdcmonitoring.localstack.process.ForkedJvm;
import io.github.cdcmonitoring.repo.TempDirectory;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft Kafka node (combined broker and controller), alone or one of the cluster shape's quorum ({@link Quorum}), in
 * its own JVM on a loopback port, with the settings and
 * heap the compose stack's {@code kafka} service gives the image ({@link KafkaImageSettings}), and its JMX exporter
 * agent serving the broker's metrics ({@code kafka-jmx-exporter/config.yml}); only the addresses and the log folder are
 * this machine's.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path workDir;
    private final int port;
    private final int controllerPort;
    private final int metricsPort;
    private final Path log4jConfig;
    private final KafkaImageSettings settings;
    private final MetricsAgent agent;
    private final ForkedJvm jvm;

    /** The JMX exporter agent's jar and the rules it loads. */
    record MetricsAgent(Path jar, Path rules) {
    }

    private KafkaBroker(Path workDir, int port, int controllerPort, int metricsPort, Path log4jConfig,
            KafkaImageSettings settings, MetricsAgent agent, ForkedJvm jvm) {
        this.settings = settings;
        this.workDir = workDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.metricsPort = metricsPort;
        this.agent = agent;
        this.log4jConfig = log4jConfig;
        this.jvm = jvm;
    }

    /**
     * The KRaft quorum a node belongs to: the cluster id every node's storage is formatted with, and the voters
     * ({@code id@host:controllerPort,...}). A single node is its own quorum.
     */
    record Quorum(String clusterId, String voters) {

        static Quorum single(String nodeId, int controllerPort) {
            return new Quorum(Uuid.randomUuid().toString(), voter(nodeId, controllerPort));
        }

        static String voter(String nodeId, int controllerPort) {
            return nodeId + "@127.0.0.1:" + controllerPort;
        }
    }

    /** Starts the broker's JVM without waiting; {@link #awaitReady()} waits. A single node, its own quorum. */
    static KafkaBroker launch(Path workDir, int port, int controllerPort, int metricsPort, Path log4jConfig,
            KafkaImageSettings settings, MetricsAgent agent) {
        return launch(workDir, port, controllerPort, metricsPort, log4jConfig, settings, agent,
                Quorum.single(nodeId(settings), controllerPort));
    }

    /** Starts one node of {@code quorum} without waiting. */
    static KafkaBroker launch(Path workDir, int port, int controllerPort, int metricsPort, Path log4jConfig,
            KafkaImageSettings settings, MetricsAgent agent, Quorum quorum) {
        Path dataDir = workDir.resolve("data"); // logDirectory()
        Map<String, String> config = new LinkedHashMap<>(settings.serverProperties());
        config.putAll(machineSettings(nodeId(settings), port, controllerPort, dataDir, quorum.voters()));
        Path properties = workDir.resolve("server.properties");
        PropertiesFile.write(properties, "KRaft broker+controller written by local-stack", config);

        ForkedJvm jvm = ForkedJvm.of("Kafka broker " + nodeId(settings),
                jvmOptions(settings, log4jConfig, workDir.resolve("logs"), agent, metricsPort),
                KafkaBrokerMain.class.getName(),
                List.of(properties.toString(), quorum.clusterId(), dataDir.toString()),
                Map.of(), workDir.resolve("kafka.log"));
        jvm.start();
        return new KafkaBroker(workDir, port, controllerPort, metricsPort, log4jConfig, settings, agent, jvm);
    }

    /** The node.id the compose service gives the broker (KAFKA_NODE_ID), 1 if none. */
    static String nodeId(KafkaImageSettings settings) {
        return settings.serverProperties().getOrDefault("node.id", "1");
    }

    /**
     * After this broker exited on a taken port ({@link #exitedOnTakenPort()}): launches a fresh one in the same
     * folder on the given ports. The storage it may have formatted is removed first, so the new one formats its own.
     */
    KafkaBroker relaunchOn(int newPort, int newControllerPort, int newMetricsPort) {
        jvm.stop(STOP_GRACE);
        TempDirectory.deleteRecursively(workDir.resolve("data"));
        return launch(workDir, newPort, newControllerPort, newMetricsPort, log4jConfig, settings, agent);
    }

    /**
     * What this machine sets instead of the compose file: compose's listeners name container hosts and an internal
     * listener for the other containers; here one loopback listener serves all.
     */
    static Map<String, String> machineSettings(String nodeId, int port, int controllerPort, Path dataDir) {
        return machineSettings(nodeId, port, controllerPort, dataDir, Quorum.voter(nodeId, controllerPort));
    }

    /** As above, for one node of a quorum of {@code voters}. */
    static Map<String, String> machineSettings(String nodeId, int port, int controllerPort, Path dataDir,
            String voters) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("controller.quorum.voters", voters);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        return config;
    }

    /** Whether the broker exited because its listener, controller or metrics port was taken. */
    boolean exitedOnTakenPort() {
        return jvm.exitedOnTakenPort();
    }

    int controllerPort() {
        return controllerPort;
    }

    int metricsPort() {
        return metricsPort;
    }

    /** The JMX exporter's endpoint, {@code http://127.0.0.1:<port>/metrics}. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    private static List<String> jvmOptions(KafkaImageSettings settings, Path log4jConfig, Path logDir,
            MetricsAgent agent, int metricsPort) {
        List<String> options = new ArrayList<>(settings.heap());
        options.addAll(ForkedJvm.KAFKA_RUN_CLASS_OPTIONS);
        options.add("-Dlog4j2.configurationFile=" + log4jConfig);
        // kafka-run-class.sh sets kafka.logs.dir; some of Kafka's own loggers refer to it.
        options.add("-Dkafka.logs.dir=" + logDir);
        options.addAll(JmxAgentOption.localised("kafka", settings.kafkaOpts(), agent.jar(), metricsPort,
                agent.rules()));
        return options;
    }

    /** Waits until the broker answers a client; on failure stops it and throws with the end of its log. */
    void awaitReady() {
        try {
            pollUntilReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void pollUntilReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        // Wait for the listener with plain connects first: an admin client polling a closed port logs every attempt.
        Waits.until(READY_TIMEOUT, Duration.ofMillis(100), () -> {
            jvm.checkAlive();
            return accepts();
        }, () -> notReady(null));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        AtomicReference<Exception> last = new AtomicReference<>();
        try (Admin admin = Admin.create(props)) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            Waits.until(left, Duration.ofMillis(200), () -> {
                jvm.checkAlive();
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes()
                            .get(6, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException | TimeoutException e) {
                    last.set(e);
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                }
            }, () -> notReady(last.get()));
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String notReady(Exception last) {
        return "Kafka broker not ready on " + bootstrapServers() + " after " + READY_TIMEOUT.toSeconds() + " s"
                + (last == null ? "" : " (the last answer: " + last + ")") + "; the end of " + jvm.logFile() + ":\n"
                + jvm.tail(40);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, for clients on this machine. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    public long pid() {
        return jvm.pid();
    }

    /** The broker's log directory (log.dirs): the topics' data. */
    public Path logDirectory() {
        return workDir.resolve("data");
    }

    public Path logFile() {
        return jvm.logFile();
    }

    /** SIGKILL, as in a crash: no log flushed, no controlled shutdown. The log directory stays for {@link #start()}. */
    public synchronized void kill() {
        jvm.kill();
    }

    /**
     * Starts the broker again on the same ports, configuration and log directory (already formatted, so its topics
     * and committed offsets are kept) and waits until it answers a client.
     */
    public synchronized void start() {
        jvm.start();
        awaitReady();
    }

    /**
     * Clean shutdown (SIGTERM: a controlled shutdown that hands its partitions' leadership to the others first;
     * SIGKILL after 30 s). The log directory stays for {@link #start()}.
     */
    public synchronized void stop() {
        jvm.stop(STOP_GRACE);
    }

    /** The node.id of this broker in its quorum. */
    public int nodeId() {
        return Integer.parseInt(nodeId(settings));
    }

    @Override
    public void close() {
        stop();
    }
}
