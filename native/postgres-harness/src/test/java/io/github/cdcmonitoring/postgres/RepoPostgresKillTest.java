package io.github.cdcmonitoring.postgres;

import static io.github.cdcmonitoring.testsupport.ChildJvm.alive;
import static io.github.cdcmonitoring.testsupport.ChildJvm.awaitReadyLine;
import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static io.github.cdcmonitoring.testsupport.ChildJvm.processesNaming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a JVM running a {@link RepoPostgres} leaves nothing of the run: no server process, no temporary directory,
 * and the port is free for the next start. SIGKILL runs no shutdown hook, so only something outside the JVM can clean up.
 */
class RepoPostgresKillTest {

    private static final long READY_LIMIT_MS = 120_000;
    private static final long CLEANUP_LIMIT_MS = 30_000;

    @TempDir
    Path scratch;

    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void sigkillOfTheOwningJvmLeavesNoProcessAndNoDirectory() throws Exception {
        String[] ready = startChild(0);
        int port = Integer.parseInt(ready[1]);
        Path runDir = Path.of(ready[2]);
        assertThat(runDir).isDirectory();
        List<ProcessHandle> started = child.descendants().toList();
        assertThat(processesNaming(runDir)).as("the server runs, its command line naming " + runDir).isNotEmpty();

        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        long killedAt = System.currentTimeMillis();
        try {
            await().atMost(Duration.ofMillis(CLEANUP_LIMIT_MS)).pollInterval(Duration.ofMillis(100))
                    .until(() -> alive(started).isEmpty() && processesNaming(runDir).isEmpty() && !Files.exists(runDir));
        } catch (ConditionTimeoutException stillThere) {
            // the assertions below name what is left
        }
        String left = "processes started by the killed JVM still alive: " + describe(alive(started))
                + "; processes naming " + runDir + ": " + describe(processesNaming(runDir))
                + "; directory exists: " + Files.exists(runDir);
        System.out.println("RepoPostgresKillTest: " + (System.currentTimeMillis() - killedAt) + " ms after SIGKILL, "
                + left);
        assertThat(alive(started)).as(left).isEmpty();
        assertThat(processesNaming(runDir)).as(left).isEmpty();
        assertThat(runDir).as(left).doesNotExist();

        try (RepoPostgres again = RepoPostgres.start(port, false)) {
            assertThat(again.port()).isEqualTo(port);
        }
    }

    /** A user who restarts at once, before the killed run's server is gone, gets a server on the same port. */
    @Test
    void aStartOnTheSamePortRightAfterTheSigkillSucceeds() throws Exception {
        String[] ready = startChild(0);
        int port = Integer.parseInt(ready[1]);
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        try (RepoPostgres again = RepoPostgres.start(port, false)) {
            System.out.println("RepoPostgresKillTest: restarted on port " + port + " "
                    + (System.currentTimeMillis() - killedAt) + " ms after SIGKILL");
            assertThat(again.port()).isEqualTo(port);
        }
    }

    private String[] startChild(int port) throws Exception {
        Path childLog = scratch.resolve("child.log");
        child = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                RepoPostgresChild.class.getName(), Integer.toString(port))
                .redirectError(childLog.toFile())
                .start();
        return awaitReadyLine(child, childLog, READY_LIMIT_MS, "the child JVM did not start PostgreSQL");
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.isEmpty() ? "none" : processes.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.joining(", "));
    }
}
