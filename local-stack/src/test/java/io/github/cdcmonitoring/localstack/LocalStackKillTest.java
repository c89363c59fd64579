package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.testsupport.ChildJvm.alive;
import static io.github.cdcmonitoring.testsupport.ChildJvm.awaitReadyLine;
import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static io.github.cdcmonitoring.testsupport.ChildJvm.processesNaming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.repo.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the JVM running the whole local stack, monitoring included ("after kill -9 of the local-stack JVM,
 * nothing of the run is left and the next start succeeds"): PostgreSQL, the broker, the worker, the data generator,
 * the change exporter, postgres_exporter and Prometheus end within {@link #EXIT_LIMIT_MS}, the temporary directories
 * go, and a new stack starts on the very same ports. SIGKILL runs no shutdown hook: only the children themselves
 * (ForkMain, the native programs' wrappers) and the leftover watcher (postgres-harness) can clean up.
 */
class LocalStackKillTest {

    private static final long READY_LIMIT_MS = 300_000;
    /**
     * Every process gone: ForkMain notices the parent's death within 250 ms and halts its JVM 5 s later at most; the
     * native programs' wrappers read end-of-file at once; PostgreSQL gets SIGQUIT from the watcher.
     */
    private static final long EXIT_LIMIT_MS = 10_000;
    /** In the leftover watcher's command line (its registry file, repo-support's LeftoverReaper). */
    private static final String WATCHER_MARK = "cdc-monitoring-reaper-";
    /** Then the watcher waits for the last process naming the run's folders, and removes them. */
    private static final long CLEANUP_LIMIT_MS = 60_000;
    /** What the launcher starts, by a word of each command line: the whole stack must be under test. */
    private static final List<String> PROGRAMS = List.of("bin/postgres", "KafkaBrokerMain", "ConnectDistributed",
            "data-generator", "change-exporter", "prometheus-postgres-exporter", "bin/prometheus ");

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
    void sigkillOfTheStackJvmLeavesNothingAndTheNextStartSucceeds() throws Exception {
        long startedAt = System.currentTimeMillis() - 1_000; // file times have coarse resolution
        int[] ports = FreePorts.choose(4);
        Path childLog = scratch.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                LocalStackChild.class.getName()));
        for (int port : ports) {
            command.add(Integer.toString(port));
        }
        child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
        String[] ready = awaitReadyLine(child, childLog, READY_LIMIT_MS, "the stack did not start");
        Path workDir = Path.of(ready[1]);
        Path postgresDir = Path.of(ready[2]);
        List<ProcessHandle> started = child.descendants().toList();
        System.out.println("LocalStackKillTest: before SIGKILL: " + describe(started));
        String commandLines = started.stream().map(LocalStackKillTest::commandLine).collect(Collectors.joining("\n"));
        assertThat(PROGRAMS).as("programs the launcher started").allMatch(commandLines::contains);

        // The leftover watcher outlives the others on purpose: it removes the folders once they are gone.
        List<ProcessHandle> programs = started.stream()
                .filter(p -> !commandLine(p).contains(WATCHER_MARK)).toList();

        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        try {
            await().atMost(Duration.ofMillis(EXIT_LIMIT_MS)).pollInterval(Duration.ofMillis(100))
                    .until(() -> alive(programs).isEmpty());
        } catch (ConditionTimeoutException stillRunning) {
            // the assertion below names them
        }
        System.out.println("LocalStackKillTest: every process gone " + (System.currentTimeMillis() - killedAt)
                + " ms after SIGKILL");
        assertThat(describe(alive(programs))).as("processes still running %d ms after SIGKILL", EXIT_LIMIT_MS)
                .isEmpty();
        try {
            await().atMost(Duration.ofMillis(CLEANUP_LIMIT_MS)).pollInterval(Duration.ofMillis(200))
                    .until(() -> leftovers(started, workDir, postgresDir).isEmpty());
        } catch (ConditionTimeoutException stillThere) {
            // the assertion below names what is left
        }
        List<String> left = leftovers(started, workDir, postgresDir);
        left.addAll(nativeLibrariesExtractedSince(startedAt));
        System.out.println("LocalStackKillTest: " + (System.currentTimeMillis() - killedAt) + " ms after SIGKILL, left: "
                + (left.isEmpty() ? "nothing" : String.join("; ", left)));
        assertThat(left).as("what the killed run left").isEmpty();

        try (LocalStack again = LocalStack.builder().postgresPort(ports[0]).kafkaPort(ports[1]).connectPort(ports[2])
                .metricsPort(ports[3]).registerConnector(false).start()) {
            assertThat(again.postgres().port()).isEqualTo(ports[0]);
            assertThat(again.bootstrapServers()).endsWith(":" + ports[1]);
        }
    }

    private static List<String> leftovers(List<ProcessHandle> started, Path workDir, Path postgresDir) {
        List<String> left = new ArrayList<>();
        for (ProcessHandle p : alive(started)) {
            left.add("process " + p.pid() + " " + p.info().commandLine().orElse("?"));
        }
        for (ProcessHandle p : processesNaming(workDir, postgresDir)) {
            if (started.stream().noneMatch(s -> s.pid() == p.pid())) {
                left.add("process " + p.pid() + " " + p.info().commandLine().orElse(""));
            }
        }
        for (Path dir : List.of(workDir, postgresDir)) {
            if (Files.exists(dir)) {
                left.add("directory " + dir);
            }
        }
        return left;
    }

    /**
     * Kafka's lz4-java unpacks its native library into java.io.tmpdir and deletes it only on a clean exit: a killed
     * broker or worker would leave one file in /tmp per start unless its tmpdir is inside the run's folder.
     */
    private static List<String> nativeLibrariesExtractedSince(long since) throws java.io.IOException {
        // This test JVM's own consumers may load the library too: a file this process has mapped is its own,
        // deleted when it exits, not a leftover of the killed run.
        String ownMappings = Files.readString(Path.of("/proc/self/maps"));
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("liblz4-java-"))
                    .filter(f -> f.toFile().lastModified() >= since)
                    .filter(f -> !ownMappings.contains(f.toString()))
                    .map(f -> "file " + f)
                    .toList();
        }
    }

    /** From /proc: ProcessHandle.Info gives no command line for a JVM whose arguments are long (the classpath). */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException gone) {
            return "";
        }
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .collect(Collectors.joining(", "));
    }
}
