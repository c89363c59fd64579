package io.github.cdcmonitoring.exporter;

import io.github.cdcmonitoring.service.ServiceMain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point as a process while Kafka is unreachable (a loopback port nobody listens on): it waits with backoff,
 * then gives up with one clear line and exit status 1; a SIGTERM during the wait ends it at once with status 0.
 */
@Timeout(120)
class KafkaWaitTest {

    @TempDir
    Path dir;

    @Test
    void givesUpWithOneLineAndStatus1WhenKafkaNeverAnswers() throws Exception {
        Path log = dir.resolve("out.log");
        long start = System.nanoTime();
        Process process = start(Map.of("CHANGE_EXPORTER_KAFKA_WAIT_SECONDS", "3"), log);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.out.println("RELIABILITY | bad input | change exporter: Kafka unreachable at start, "
                + "CHANGE_EXPORTER_KAFKA_WAIT_SECONDS=3 | exit " + process.exitValue() + " after " + seconds + " s | "
                + lines.stream().filter(line -> line.contains("giving up")).findFirst().orElse("(no giving-up line)"));
        assertThat(seconds).as("seconds until it gave up").isLessThan(3 + 20);
        assertThat(process.exitValue()).as("exit status; output: " + lines).isEqualTo(ServiceMain.EXIT_FAILED);
        assertThat(lines).filteredOn(line -> line.contains("giving up")).singleElement().asString()
                .contains("Kafka at 127.0.0.1:").contains("did not answer within 3 s");
        assertThat(lines).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
        assertThat(lines).anyMatch(line -> line.contains("summary: 0 change events"));
    }

    @Test
    void sigtermWhileWaitingExitsWithStatus0() throws Exception {
        Path log = dir.resolve("out.log");
        Process process = start(Map.of(), log);
        // SIGTERM only once the exporter is inside its wait for Kafka: it has logged a failed attempt.
        await("the exporter waiting for Kafka").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(log).lines().anyMatch(line -> line.contains("waiting for Kafka at ")));

        long stopAsked = System.nanoTime();
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status; output: " + lines).isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopAsked)).isLessThan(10);
        assertThat(lines).anyMatch(line -> line.contains("summary: "));
    }

    private static Process start(Map<String, String> env, Path log) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        builder.environment().keySet().removeIf(name -> name.startsWith("CHANGE_EXPORTER_")
                || name.startsWith("KAFKA_") || name.endsWith("JAVA_OPTIONS") || name.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort);
        builder.environment().put("CHANGE_EXPORTER_METRICS_PORT", "0");
        builder.environment().putAll(env);
        // A file, not a pipe: Process.destroy() closes the pipes at once and the shutdown lines would be lost.
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
