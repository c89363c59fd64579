package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.localstack.process.StackClasspath;
import io.github.cdcmonitoring.repo.FreePorts;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A port the stack chose can be taken by another process before the service binds it, seconds later. Here this test
 * is that process: the first port handed out for each component is one it holds with a listening ServerSocket. Every
 * service (PostgreSQL, the broker and its controller, Connect's REST server and JMX agent, the generator, the change
 * exporter, postgres_exporter, node_exporter, Alertmanager, Prometheus) then fails to bind, and the stack must still start on fresh ports, with
 * one line per retry naming the port it could not bind, the connector and its task RUNNING and Prometheus scraping
 * every target where it moved to.
 *
 * <p>The same live stack shows the command line the forked broker and worker really run with (from {@code /proc}):
 * Kafka's jars and the launcher, nothing of local-stack's own classpath.
 */
class TakenPortTest {

    /** Every component that listens, but Grafana (not installed here). */
    private static final List<Component> TAKEN = Component.listening().stream()
            .filter(component -> component != Component.GRAFANA).toList();

    private static final Map<Component, ServerSocket> HELD = new ConcurrentHashMap<>();
    private static final List<String> PROGRESS = Collections.synchronizedList(new ArrayList<>());
    private static LocalStack stack;

    @BeforeAll
    static void startWithEveryChosenPortTakenOnce() {
        Ports.Chooser takeFirst = (component, free) -> {
            if (!TAKEN.contains(component) || HELD.containsKey(component)) {
                return free;
            }
            ServerSocket thief = hold();
            HELD.put(component, thief);
            return thief.getLocalPort();
        };
        long start = System.nanoTime();
        stack = LocalStack.builder().allServices(true).generatorRate(LiveMonitoring.GENERATOR_RATE)
                .portChooser(takeFirst).progress(line -> {
                    PROGRESS.add(line);
                    System.out.println(line);
                }).start();
        System.out.printf("RELIABILITY | every chosen port taken before its bind (%d components) | stack started in "
                + "%.1f s | retry lines %d%n", HELD.size(), (System.nanoTime() - start) / 1e9, retryLines().size());
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
        for (ServerSocket socket : HELD.values()) {
            socket.close();
        }
    }

    @Test
    void everyServiceStartedOnAFreshPortAfterItsChosenOneWasTaken() {
        assertThat(HELD.keySet()).as("a port was handed out and held for each")
                .containsExactlyInAnyOrderElementsOf(TAKEN);
        assertThat(stack.kafka().port()).isNotEqualTo(HELD.get(Component.KAFKA).getLocalPort());
        assertThat(stack.kafka().controllerPort()).isNotEqualTo(HELD.get(Component.CONTROLLER).getLocalPort());
        assertThat(stack.connect().restPort()).isNotEqualTo(HELD.get(Component.CONNECT).getLocalPort());
        assertThat(stack.connect().metricsPort()).isNotEqualTo(HELD.get(Component.CONNECT_METRICS).getLocalPort());
        assertThat(stack.postgres().port()).isNotEqualTo(HELD.get(Component.POSTGRES).getLocalPort());
        assertThat(port(stack.generatorMetricsUrl())).isNotEqualTo(HELD.get(Component.DATA_GENERATOR).getLocalPort());
        assertThat(port(stack.changeExporterMetricsUrl())).isNotEqualTo(HELD.get(Component.CHANGE_EXPORTER).getLocalPort());
        assertThat(port(stack.postgresExporterMetricsUrl())).isNotEqualTo(HELD.get(Component.POSTGRES_EXPORTER).getLocalPort());
        assertThat(port(stack.nodeExporter().url())).isNotEqualTo(HELD.get(Component.NODE_EXPORTER).getLocalPort());
        assertThat(port(stack.prometheusUrl())).isNotEqualTo(HELD.get(Component.PROMETHEUS).getLocalPort());

        for (Component component : TAKEN) {
            String held = Integer.toString(HELD.get(component).getLocalPort());
            assertThat(retryLines()).as("a retry line naming " + component + "'s taken port " + held)
                    .anyMatch(line -> line.matches(".* could not bind .*\\b" + held
                            + "\\b.*: Address already in use.*"));
        }
        // The connector and its task run against the broker and the database where they moved to.
        JsonNode status = readJson(stack.rest().get("/connectors/" + stack.connectorName() + "/status").body());
        assertThat(status.path("connector").path("state").asText()).as("connector state: " + status)
                .isEqualTo("RUNNING");
        assertThat(status.path("tasks")).as("tasks: " + status).isNotEmpty()
                .allMatch(task -> task.path("state").asText().equals("RUNNING"));

        PrometheusApi prometheus = new PrometheusApi(stack.prometheusUrl());
        await("every target up where it moved to").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(prometheus.targets())
                        .extracting(PrometheusApi.Target::job, PrometheusApi.Target::health)
                        .containsExactlyInAnyOrderElementsOf(LiveMonitoring.JOBS.stream()
                                .map(job -> Tuple.tuple(job, "up")).toList()));
    }

    @Test
    void theRunningBrokerAndWorkerHaveKafkasJarsOnTheirClasspath() throws IOException {
        Path libs = RepoFiles.locate().root().resolve(StackClasspath.KAFKA_LIBS);
        for (long pid : new long[] {stack.kafka().pid(), stack.connect().pid()}) {
            // /proc, not ProcessHandle.Info: the JDK leaves arguments() empty for a command line this long.
            List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .split("\0"));
            List<Path> classpath = Arrays.stream(arguments.get(arguments.indexOf("-cp") + 1).split(File.pathSeparator))
                    .map(Path::of).toList();
            if (pid == stack.kafka().pid()) {
                assertThat(classpath.get(0).getFileName().toString()).as("the broker's launcher class folder")
                        .isEqualTo("launcher");
                classpath = classpath.subList(1, classpath.size());
            }
            assertThat(classpath).as("pid " + pid + ": Kafka's jars only")
                    .allMatch(jar -> jar.getParent().equals(libs))
                    .noneMatch(jar -> jar.getFileName().toString().startsWith("postgresql-"))
                    .anyMatch(jar -> jar.getFileName().toString().startsWith("kafka_2.13-"))
                    .anyMatch(jar -> jar.getFileName().toString().startsWith("connect-runtime-"));
        }
    }

    private static JsonNode readJson(String body) {
        try {
            return new ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> retryLines() {
        synchronized (PROGRESS) {
            return PROGRESS.stream()
                    .filter(line -> line.contains(": Address already in use (another process took the port"))
                    .collect(Collectors.toList());
        }
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    /** A listening socket on a loopback port below the ephemeral range, as the stack's own choices are. */
    private static ServerSocket hold() {
        try {
            return new ServerSocket(FreePorts.choose(), 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
