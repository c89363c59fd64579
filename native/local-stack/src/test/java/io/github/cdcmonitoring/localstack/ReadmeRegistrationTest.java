package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdcmonitoring.repo.BoundedProcess;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's commands for registering the connector again by hand, read from README.md itself so that the text
 * cannot drift from what is tested. The native stack's command runs, as written but for the ports, against a native
 * Connect: the first run creates the connector, the second updates it in place (where {@code POST /connectors} would
 * answer 409). The compose stack's curl command cannot run here (its database host {@code postgres} resolves only
 * inside compose); it must be the native one with the file's config unchanged.
 */
class ReadmeRegistrationTest {

    private static final String COMPOSE_CURL = "# compose stack, with curl and jq only";
    private static final String NATIVE_CURL = "# native stack (java -jar local-stack.jar)";
    private static final String README_CONNECT = "localhost:8083";
    private static final String README_DATABASE_PORT = "\"database.port\": \"5432\"";

    @AutoClose
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.builder().registerConnector(false).start();
    }

    @Test
    void theNativeCommandCreatesAndThenUpdatesTheConnector() throws IOException {
        String readme = Files.readString(RepoFiles.locate().file("README.md"));
        String nativeCommand = commandAfter(readme, NATIVE_CURL);
        String composeCommand = commandAfter(readme, COMPOSE_CURL);
        assertThat(nativeCommand).startsWith("jq '.config + {").contains(README_DATABASE_PORT, README_CONNECT);
        assertThat(composeCommand).as("the compose stack's command: the native one with the file's config as it is")
                .isEqualTo("jq .config" + nativeCommand.substring(nativeCommand.indexOf(" register-postgresql.json |")));

        String connector = stack.connectorName();
        String port = stack.connectorConfig().get("database.port");
        String local = nativeCommand.replace(README_CONNECT, stack.connectUrl().replaceFirst("^https?://", ""))
                .replace(README_DATABASE_PORT, "\"database.port\": \"" + port + "\"");

        assertThat(run(local)).as("first run: created").endsWith("HTTP 201");
        stack.rest().awaitRunning(connector, Duration.ofSeconds(90));
        assertThat(run(local)).as("second run: updated in place, no 409").endsWith("HTTP 200");
        stack.rest().awaitRunning(connector, Duration.ofSeconds(90));
        assertThat(stack.rest().connectors()).hasValueSatisfying(names -> assertThat(names).containsExactly(connector));

        // What Connect stores is the repository's file with only the database address changed.
        ObjectMapper json = new ObjectMapper();
        ObjectNode expected = (ObjectNode) json.readTree(RepoFiles.locate().file("register-postgresql.json").toFile())
                .get("config");
        expected.put("database.hostname", "127.0.0.1").put("database.port", port).put("name", connector);
        JsonNode stored = stack.rest().get("/connectors/" + connector + "/config").json();
        assertThat(stored).isEqualTo(expected);
    }

    /** Runs a README command with bash in the repository's folder, as the README says; its output and HTTP status. */
    private static String run(String command) {
        String root = RepoFiles.locate().root().toString().replace("'", "'\\''");
        BoundedProcess.Result result = BoundedProcess.run("the README's registration command",
                List.of("bash", "-c", "cd '" + root + "' && " + command + " --write-out '\\nHTTP %{http_code}'"),
                Map.of(), Duration.ofSeconds(120));
        assertThat(result.exitCode()).as(command + "\n" + result.output()).isZero();
        return result.output().strip();
    }

    /** The command on the lines after a comment line of a fenced block, its continuation lines joined. */
    static String commandAfter(String readme, String comment) {
        int at = readme.indexOf("\n" + comment);
        assertThat(at).as("README.md has the comment line " + comment).isNotNegative();
        List<String> lines = readme.substring(readme.indexOf('\n', at + 1) + 1).lines().toList();
        StringBuilder command = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("#") || line.startsWith("```")) {
                break;
            }
            command.append(line.strip()).append(' ');
        }
        Matcher continuation = Pattern.compile("\\s*\\\\\\s+").matcher(command.toString().strip());
        return continuation.replaceAll(" ").strip();
    }
}
