package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.testsupport.ChildJvm.alive;
import static io.github.cdcmonitoring.testsupport.ChildJvm.javaExecutable;
import static io.github.cdcmonitoring.testsupport.ChildJvm.processesNaming;
import static io.github.cdcmonitoring.testsupport.ChildJvm.readQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of {@code java -jar native/local-stack/target/local-stack.jar}, run as the README says (from the repository
 * root, on .env's ports, monitoring included): PostgreSQL, the broker, the worker, the data generator, the change
 * exporter, postgres_exporter, Prometheus and Alertmanager end within {@link #EXIT_LIMIT_MS}, the temporary directories go, and the
 * same command then starts again on the same ports (its port check refuses a port still held). SIGKILL runs no shutdown
 * hook: only the leftover watcher (repo-support's LeftoverReaper), with which every child is registered, can clean
 * up. An integration test: it needs the packaged jar and its {@code target/lib}.
 */
class LocalStackKillIT {

    private static final long READY_LIMIT_MS = 300_000;
    /**
     * Every process gone: the watcher reads end-of-file at once, sends PostgreSQL SIGQUIT and every other child
     * SIGTERM, and SIGKILLs what is left 5 s later.
     */
    private static final long EXIT_LIMIT_MS = 10_000;
    /** In the leftover watcher's command line (its registry file, repo-support's LeftoverReaper). */
    private static final String WATCHER_MARK = "cdc-monitoring-reaper-";
    /** Then the watcher waits for the last process naming the run's folders, and removes them. */
    private static final long CLEANUP_LIMIT_MS = 60_000;
    /** What the launcher starts, by a word of each command line: the whole stack must be under test. */
    private static final List<String> PROGRAMS = List.of("bin/postgres", "KafkaBrokerMain", "ConnectDistributed",
            "data-generator", "change-exporter", "prometheus-postgres-exporter", "bin/prometheus ", "alertmanager");
    /** LocalStackMain's line once everything runs: "local-stack: up. <urls>; logs under <dir>. Ctrl-C ...". */
    private static final Pattern UP = Pattern.compile("local-stack: up\\. (.*); logs under (\\S+)\\. Ctrl-C.*");

    private final RepoFiles repo = RepoFiles.locate();

    @TempDir
    Path scratch;

    private final List<Process> launched = new ArrayList<>();

    @AfterEach
    void stopLaunched() throws InterruptedException {
        for (Process process : launched) {
            process.destroy(); // SIGTERM: the launcher stops what it started
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void killMinus9OfTheLauncherLeavesNothingAndTheSameCommandStartsAgain() throws Exception {
        long startedAt = System.currentTimeMillis() - 1_000; // file times have coarse resolution
        Process first = launch("first");
        Matcher up = awaitUp(first, scratch.resolve("first.log"));
        Path workDir = Path.of(up.group(2));
        List<ProcessHandle> started = first.descendants().toList();
        System.out.println("LocalStackKillIT: before SIGKILL: " + describe(started));
        String commandLines = started.stream().map(LocalStackKillIT::commandLine).collect(Collectors.joining("\n"));
        assertThat(PROGRAMS).as("programs the launcher started").allMatch(commandLines::contains);
        Path postgresDir = postgresRunDirectory(started);

        // The leftover watcher outlives the others on purpose: it removes the folders once they are gone.
        List<ProcessHandle> programs = started.stream()
                .filter(p -> !commandLine(p).contains(WATCHER_MARK)).toList();

        first.destroyForcibly(); // SIGKILL
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        try {
            await().atMost(Duration.ofMillis(EXIT_LIMIT_MS)).pollInterval(Duration.ofMillis(100))
                    .until(() -> alive(programs).isEmpty());
        } catch (ConditionTimeoutException stillRunning) {
            // the assertion below names them
        }
        System.out.println("LocalStackKillIT: every process gone " + (System.currentTimeMillis() - killedAt)
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
        System.out.println("LocalStackKillIT: " + (System.currentTimeMillis() - killedAt) + " ms after SIGKILL, left: "
                + (left.isEmpty() ? "nothing" : String.join("; ", left)));
        assertThat(left).as("what the killed run left").isEmpty();

        // The same command again, at once: its port check would refuse a port the killed run still held.
        Matcher again = awaitUp(launch("second"), scratch.resolve("second.log"));
        assertThat(again.group(1)).contains("PostgreSQL 127.0.0.1:" + LocalStack.envPort(repo.dotEnv(), "POSTGRES_PORT"),
                "Kafka 127.0.0.1:" + LocalStack.envPort(repo.dotEnv(), "KAFKA_PORT"));
    }

    /** {@code java -jar native/local-stack/target/local-stack.jar} from the repository root, output to {@code <name>.log}. */
    private Process launch(String name) throws IOException {
        Path jar = Path.of(System.getProperty("local-stack.jar", "target/local-stack.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged launcher (run by failsafe after package)").isRegularFile();
        Process process = new ProcessBuilder(javaExecutable(), "-jar", jar.toString())
                .directory(repo.root().toFile()).redirectErrorStream(true)
                .redirectOutput(scratch.resolve(name + ".log").toFile()).start();
        launched.add(process);
        return process;
    }

    private static Matcher awaitUp(Process launcher, Path log) {
        return Waits.untilPresent(Duration.ofMillis(READY_LIMIT_MS), Duration.ofMillis(500), () -> {
            if (!launcher.isAlive()) {
                throw new AssertionError("local-stack.jar exited (" + launcher.exitValue() + "): "
                        + Files.readString(log));
            }
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(UP::matcher).filter(Matcher::matches)
                    .findFirst();
        }, () -> "local-stack.jar not up within " + READY_LIMIT_MS + " ms: " + readQuietly(log));
    }

    /** RepoPostgres's run folder: the parent of the data directory the postmaster was started with. */
    private static Path postgresRunDirectory(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            List<String> arguments = List.of(commandLine(p).split(" "));
            if (arguments.get(0).endsWith("bin/postgres") && arguments.contains("-D")) {
                return Path.of(arguments.get(arguments.indexOf("-D") + 1)).getParent();
            }
        }
        throw new AssertionError("no postmaster among " + describe(processes));
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
