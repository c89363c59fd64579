package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.BoundedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command an alert's runbook in debezium-prometheus/README.md tells the operator to run (its "Do:" paragraph),
 * run as written except for Connect's address: the compose stack publishes Connect on localhost:8083, the native
 * stack on a free port.
 */
record RunbookCommand(String alert, String command) {

    private static final String COMPOSE_CONNECT = "localhost:8083";
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    /** The first {@code curl} command in the "Do:" paragraph of the alert's runbook section. */
    static RunbookCommand of(String alert) {
        Path readme = LiveMonitoring.repoFile("debezium-prometheus/README.md");
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int section = text.indexOf("\n### " + alert + "\n");
        if (section < 0) {
            throw new AssertionError(readme + " has no runbook section ### " + alert);
        }
        int next = text.indexOf("\n#", section + 1);
        String body = text.substring(section, next < 0 ? text.length() : next);
        int doAt = body.indexOf("**Do:**");
        if (doAt < 0) {
            throw new AssertionError("the runbook of " + alert + " has no **Do:** paragraph");
        }
        Matcher m = BACKTICKED.matcher(body.substring(doAt));
        while (m.find()) {
            if (m.group(1).startsWith("curl ")) {
                return new RunbookCommand(alert, m.group(1));
            }
        }
        throw new AssertionError("the **Do:** paragraph of " + alert + " names no curl command");
    }

    /** Runs the command with bash against the given Connect REST URL; its output, or an error with it. */
    String runAgainst(String connectUrl) {
        String local = command.replace(COMPOSE_CONNECT, connectUrl.replaceFirst("^https?://", ""));
        BoundedProcess.Result result = BoundedProcess.run("runbook command of " + alert,
                List.of("bash", "-c", local + " --silent --show-error --fail --write-out ' HTTP %{http_code}'"),
                Map.of(), Duration.ofSeconds(30));
        if (result.exitCode() != 0) {
            throw new AssertionError(local + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }
}
