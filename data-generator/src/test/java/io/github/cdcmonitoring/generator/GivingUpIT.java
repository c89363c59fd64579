package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runnable jar meets a database it cannot use: one line naming the cause (and GENERATOR_DB_WAIT_SECONDS where a
 * wait ran out), exit status 1, and nothing half-written - the summary's counts still equal what the tables hold.
 */
@Timeout(120)
class GivingUpIT {

    private static final Pattern SUMMARY = Pattern.compile("summary: (\\d+) operations committed .*"
            + "users: (\\d+) inserted, (\\d+) updated, (\\d+) deleted");

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @Test
    void databaseUnreachableForLongerThanTheWaitLimit() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = Tables.environment("127.0.0.1", closedPort, pg, "GENERATOR_DB_WAIT_SECONDS", "3");
        long start = System.nanoTime();

        try (JarProcess jar = JarProcess.start(env)) {
            int status = jar.awaitExit(Duration.ofSeconds(60));

            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            String line = givingUpLine(jar);
            System.out.println("RELIABILITY | bad input | data generator: database unreachable > "
                    + "GENERATOR_DB_WAIT_SECONDS=3 | exit " + status + " after " + seconds + " s | " + line);
            assertThat(status).as("exit status; stdout %s stderr %s", jar.stdout, jar.stderr).isEqualTo(1);
            assertThat(line).contains("PostgreSQL at 127.0.0.1:" + closedPort, "not ready after 3 s",
                    "(GENERATOR_DB_WAIT_SECONDS)", "Connection refused");
            assertThat(seconds).as("seconds until it gave up").isLessThan(3 + 20);
        }
    }

    @Test
    void aTableDroppedUnderIt() throws Exception {
        try (JarProcess jar = JarProcess.start(Tables.environment(pg, "GENERATOR_RATE", "100"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> tables.rows("orders") >= 20 || !jar.process.isAlive());
            try (var c = pg.connect(); var s = c.createStatement()) {
                s.execute("DROP TABLE orders");
            }

            int status = jar.awaitExit(Duration.ofSeconds(60));

            String line = givingUpLine(jar);
            System.out.println("RELIABILITY | bad input | data generator: table orders dropped while it writes | exit "
                    + status + " | " + line);
            assertThat(status).as("exit status; stdout %s stderr %s", jar.stdout, jar.stderr).isEqualTo(1);
            assertThat(line).contains("a statement failed in a way no retry can fix",
                    "relation \"orders\" does not exist", "SQLSTATE 42P01");
            // Nothing half-written: every transaction either committed and was counted, or left nothing.
            Matcher m = SUMMARY.matcher(String.join("\n", jar.stdout));
            assertThat(m.find()).as("summary in %s", jar.stdout).isTrue();
            assertThat(tables.rows("users")).isEqualTo(Long.parseLong(m.group(2)) - Long.parseLong(m.group(4)));
        }
    }

    /** The one error line; anything else on stderr (a stack trace) fails the test. */
    private static String givingUpLine(JarProcess jar) {
        List<String> output = new ArrayList<>(jar.stdout);
        output.addAll(jar.stderr);
        List<String> errors = output.stream().filter(l -> l.contains("giving up")).toList();
        assertThat(errors).as("stdout %s stderr %s", jar.stdout, jar.stderr).hasSize(1);
        assertThat(output).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception:"));
        return errors.get(0);
    }
}
