package io.github.cdcmonitoring.exporter;

import io.github.cdcmonitoring.service.ServiceMain;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The entry point as a process (this module's classes and dependencies on the class path), given one bad setting:
 * exactly one line on stderr naming the variable, exit status 2, and nothing contacted first, which a decoy socket
 * standing in for Kafka proves.
 */
@Timeout(120)
class BadConfigurationTest {

    private static ServerSocket fakeKafka;

    @BeforeAll
    static void listen() throws IOException {
        fakeKafka = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        fakeKafka.setSoTimeout(1);
    }

    @AfterAll
    static void close() throws IOException {
        fakeKafka.close();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            CHANGE_EXPORTER_TOPIC_PATTERN       | cdc\\.(
            CHANGE_EXPORTER_GROUP_ID            | my group
            CHANGE_EXPORTER_METRICS_PORT        | 70000
            CHANGE_EXPORTER_KAFKA_WAIT_SECONDS  | forever
            CHANGE_EXPORTER_GROUP                | exporter
            """)
    void exitsWithStatus2AndOneLineNamingTheVariable(String variable, String value) throws Exception {
        Process process = start(variable, value);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        List<String> stderr = lines(process.getErrorStream());
        List<String> stdout = lines(process.getInputStream());

        assertThat(process.exitValue()).isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
        assertThat(stderr).hasSize(1);
        assertThat(stderr.get(0)).startsWith("change-exporter: invalid configuration: " + variable + ": ")
                .endsWith(", got '" + value + "'");
        assertThat(stdout).isEmpty();
        assertThat(connectionAttempted()).as("nothing may contact Kafka before the configuration is valid").isFalse();
    }

    @ParameterizedTest(name = "KAFKA_BOOTSTRAP_SERVERS={0}")
    @CsvSource({"kafka", "'127.0.0.1:9092,'"})
    void badBootstrapServersToo(String value) throws Exception {
        Process process = start("KAFKA_BOOTSTRAP_SERVERS", value);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
        assertThat(lines(process.getErrorStream())).singleElement().asString()
                .startsWith("change-exporter: invalid configuration: KAFKA_BOOTSTRAP_SERVERS: ");
    }

    private static Process start(String variable, String value) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        // JVM option variables make the JVM print "Picked up ..." on stderr, which would spoil the one-line check.
        builder.environment().keySet().removeIf(name -> name.startsWith("CHANGE_EXPORTER_")
                || name.startsWith("KAFKA_") || name.endsWith("JAVA_OPTIONS") || name.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + fakeKafka.getLocalPort());
        builder.environment().put("CHANGE_EXPORTER_METRICS_PORT", "0");
        builder.environment().put(variable, value);
        return builder.start();
    }

    private static List<String> lines(InputStream stream) throws IOException {
        String text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private static boolean connectionAttempted() throws IOException {
        try {
            fakeKafka.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
