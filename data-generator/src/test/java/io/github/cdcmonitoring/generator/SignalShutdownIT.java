package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM (docker stop) and SIGINT (Ctrl-C) stop the runnable jar cleanly: exit status 0, a summary printed, and the
 * summary's counts equal to what the database holds, so the transactions in flight were finished and counted.
 */
@Timeout(120)
class SignalShutdownIT {

    private static final Pattern SUMMARY = Pattern.compile("summary: (\\d+) operations committed .*"
            + "users: (\\d+) inserted, (\\d+) updated, (\\d+) deleted; orders: (\\d+) inserted, (\\d+) updated, "
            + "(\\d+) deleted; errors: (\\d+)");

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void signalFinishesInFlightWorkPrintsSummaryAndExits0(String signal) throws Exception {
        long usersBefore = tables.rows("users");
        long ordersBefore = tables.rows("orders");
        Map<String, String> env = Tables.environment(pg, "GENERATOR_RATE", "200", "GENERATOR_THREADS", "2");

        try (JarProcess jar = JarProcess.start(env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> jar.stdout.stream().anyMatch(line ->
                    line.contains("connected to PostgreSQL")) || !jar.process.isAlive());
            // Signal only once the generator is really writing (committed rows visible in the tables), so the
            // signal meets a busy generator, with transactions in flight, rather than one still starting up.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    tables.rows("users") - usersBefore + tables.rows("orders") - ordersBefore >= 100
                            || !jar.process.isAlive());
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(jar.process.pid())).start();
            assertThat(kill.waitFor()).isZero();

            int status = jar.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as("exit status; stdout %s stderr %s", jar.stdout, jar.stderr).isZero();
            String summary = jar.stdout.stream().filter(line -> line.contains("summary:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no summary in " + jar.stdout));
            Matcher m = SUMMARY.matcher(summary);
            assertThat(m.find()).as(summary).isTrue();
            long operations = Long.parseLong(m.group(1));
            assertThat(operations).isGreaterThan(50);
            assertThat(tables.rows("users") - usersBefore)
                    .isEqualTo(Long.parseLong(m.group(2)) - Long.parseLong(m.group(4)));
            assertThat(tables.rows("orders") - ordersBefore)
                    .isEqualTo(Long.parseLong(m.group(5)) - Long.parseLong(m.group(7)));
            assertThat(jar.stderr).isEmpty();
        }
    }
}
