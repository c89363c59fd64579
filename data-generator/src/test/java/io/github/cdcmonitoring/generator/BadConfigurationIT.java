package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runnable jar, given one bad setting, prints exactly one line on stderr naming the variable and exits with
 * status 2, without ever connecting: PGHOST/PGPORT point at a listening socket that must see no connection.
 */
@Timeout(120)
class BadConfigurationIT {

    private static ServerSocket fakeDatabase;

    @BeforeAll
    static void listen() throws IOException {
        fakeDatabase = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        fakeDatabase.setSoTimeout(1);
    }

    @AfterAll
    static void close() throws IOException {
        fakeDatabase.close();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            GENERATOR_RATE         | -1
            GENERATOR_RATE         | fast
            GENERATOR_MIX          | users=20,orders=60,updates=15,refunds=5
            GENERATOR_MIX          | users=20,orders=60,updates=15
            PGPORT                 | 70000
            PGPORT                 | postgres
            GENERATOR_METRICS_PORT | -9400
            GENERATOR_THREADS      | 0
            GENERATOR_MAX_OPS      | many
            GENERATOR_BATCH_SIZE   | 50
            GENERATOR_RATES        | 10
            """)
    void exitsWithStatus2AndOneLineNamingTheVariable(String variable, String value) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(fakeDatabase.getLocalPort()));
        env.put(variable, value);

        try (JarProcess jar = JarProcess.start(env)) {
            int status = jar.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as("exit status; stderr %s", jar.stderr).isEqualTo(2);
            assertThat(jar.stderr).hasSize(1);
            assertThat(jar.stderr.get(0)).contains(variable + ": ");
            assertThat(jar.stdout).isEmpty();
        }
        assertThat(connectionAttempted()).as("connected to the database despite the bad setting").isFalse();
    }

    private static boolean connectionAttempted() throws IOException {
        try {
            fakeDatabase.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
