package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

        long deadline = System.currentTimeMillis() + CLEANUP_LIMIT_MS;
        long killedAt = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline
                && (!alive(started).isEmpty() || !processesNaming(runDir).isEmpty() || Files.exists(runDir))) {
            Thread.sleep(100);
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
        return awaitReadyLine(child, childLog);
    }

    private static String[] awaitReadyLine(Process child, Path childLog) throws Exception {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(100);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.offer(line);
                }
            } catch (IOException ignoredAtEndOfChild) {
                // the child was killed
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.currentTimeMillis() + READY_LIMIT_MS;
        while (System.currentTimeMillis() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("READY ")) {
                return line.split(" ", 3);
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child JVM exited (" + child.exitValue() + "): "
                        + Files.readString(childLog));
            }
        }
        throw new AssertionError("the child JVM did not start PostgreSQL within " + READY_LIMIT_MS + " ms: "
                + Files.readString(childLog));
    }

    private static List<ProcessHandle> alive(List<ProcessHandle> processes) {
        return processes.stream().filter(ProcessHandle::isAlive).filter(p -> !zombie(p)).toList();
    }

    /** A zombie has exited; its entry waits only for a parent to reap it. */
    private static boolean zombie(ProcessHandle p) {
        try {
            return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (IOException gone) {
            return true;
        }
    }

    private static List<ProcessHandle> processesNaming(Path runDir) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() != ProcessHandle.current().pid()
                    && p.info().commandLine().map(c -> c.contains(runDir.toString())).orElse(false) && !zombie(p)) {
                found.add(p);
            }
        });
        return found;
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.isEmpty() ? "none" : processes.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.joining(", "));
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
