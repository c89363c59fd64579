package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * register-connector.sh (the connector-init service) against answers a real Connect gives only in moments no test can
 * arrange on a real worker: "Request timed out" (HTTP 500) while the worker's request queue waits for the group to
 * form, and 409 while it rebalances. A stub HTTP server plays Connect's REST API for this: fault injection at the
 * wire, not a mock of the script's logic - the script runs unchanged, with real curl and jq. The successful path
 * against a real worker is ConnectorRegistrationTest's.
 */
class RegisterConnectorScriptTest {

    private static final String CONNECTOR = "stub-connector";
    private static final String CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    private static final String VALID = "{\"name\":\"" + CLASS + "\",\"error_count\":0,\"configs\":[{\"value\":"
            + "{\"name\":\"tasks.max\",\"value\":\"1\",\"errors\":[]}}]}";
    private static final String TIMED_OUT = "{\"error_code\":500,\"message\":\"Request timed out\"}";
    private static final String REBALANCING = "{\"error_code\":409,\"message\":\"Cannot complete request because of "
            + "a conflicting operation (e.g. worker rebalance)\"}";
    private static final String RUNNING = "{\"name\":\"" + CONNECTOR + "\",\"connector\":{\"state\":\"RUNNING\"},"
            + "\"tasks\":[{\"id\":0,\"state\":\"RUNNING\"}]}";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A Connect REST stub: validate answers with {@code validateFailures} 500s first, the config PUT with 409s. */
    private String startConnect(int validateFailures, int putFailures) throws IOException {
        AtomicInteger validations = new AtomicInteger();
        AtomicInteger puts = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            requests.add(request);
            exchange.getRequestBody().readAllBytes();
            if (request.equals("GET /connector-plugins")) {
                reply(exchange, 200, "[{\"class\":\"" + CLASS + "\",\"type\":\"source\",\"version\":\"3.7.0.Final\"}]");
            } else if (request.equals("PUT /connector-plugins/" + CLASS + "/config/validate")) {
                if (validations.incrementAndGet() <= validateFailures) {
                    reply(exchange, 500, TIMED_OUT);
                } else {
                    reply(exchange, 200, VALID);
                }
            } else if (request.equals("GET /connectors/" + CONNECTOR)) {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"Connector " + CONNECTOR + " not found\"}");
            } else if (request.equals("PUT /connectors/" + CONNECTOR + "/config")) {
                if (puts.incrementAndGet() <= putFailures) {
                    reply(exchange, 409, REBALANCING);
                } else {
                    reply(exchange, 201, "{\"name\":\"" + CONNECTOR + "\",\"config\":{},\"tasks\":[]}");
                }
            } else if (request.equals("GET /connectors/" + CONNECTOR + "/status")) {
                reply(exchange, 200, RUNNING);
            } else {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"unexpected " + request + "\"}");
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ConnectorRegistration.Result register(String connectUrl, Duration totalWait) throws IOException {
        Path script = RepoFiles.locate().file("debezium-jmx-exporter/register-connector.sh");
        Path file = dir.resolve("connector.json");
        java.nio.file.Files.writeString(file, "{\"name\":\"" + CONNECTOR + "\",\"config\":{\"connector.class\":\""
                + CLASS + "\",\"tasks.max\":\"1\"}}");
        ConnectorRegistration registration = new ConnectorRegistration(script, Map.of(), connectUrl, dir, totalWait);
        return registration.register(ConnectorConfig.read(file));
    }

    @Test
    void aTimedOutValidationIsRetried() throws IOException {
        String url = startConnect(2, 0);

        ConnectorRegistration.Result result = register(url, Duration.ofSeconds(60));

        System.out.println("aTimedOutValidationIsRetried: exit " + result.exitCode() + "\n" + result.output());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(requests).filteredOn(r -> r.endsWith("/config/validate")).hasSize(3);
        assertThat(result.output()).contains("created " + CONNECTOR, "is RUNNING");
    }

    @Test
    void aConflictWhileTheWorkerRebalancesIsRetried() throws IOException {
        String url = startConnect(0, 1);

        ConnectorRegistration.Result result = register(url, Duration.ofSeconds(60));

        System.out.println("aConflictWhileTheWorkerRebalancesIsRetried: exit " + result.exitCode() + "\n"
                + result.output());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(requests).filteredOn(r -> r.equals("PUT /connectors/" + CONNECTOR + "/config")).hasSize(2);
    }

    @Test
    void retriesStopAtTheBoundedWait() throws IOException {
        String url = startConnect(Integer.MAX_VALUE, 0);
        long start = System.nanoTime();

        ConnectorRegistration.Result result = register(url, Duration.ofSeconds(5));

        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        System.out.println("retriesStopAtTheBoundedWait: exit " + result.exitCode() + " after " + seconds + " s\n"
                + result.output());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("Request timed out");
        assertThat(seconds).as("seconds until the script gave up").isLessThan(5 + 5);
    }

    @Test
    void unreachableConnectExitsWithTheDocumentedStatus2() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        ConnectorRegistration.Result result = register("http://127.0.0.1:" + closedPort, Duration.ofSeconds(3));

        System.out.println("unreachableConnectExitsWithTheDocumentedStatus2: exit " + result.exitCode() + "\n"
                + result.output());
        // "Exit status: ... 2 usage or Connect unreachable" (the script's header): the first request runs inside a
        // command substitution, where a plain `exit 2` only leaves the subshell.
        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("cannot reach Kafka Connect");
    }
}
