package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.postgres.FreePorts;
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
 * SIGKILL of the JVM running the local stack (issue 7: "after kill -9 of the local-stack JVM, nothing of the run is
 * left and the next start succeeds"): the broker, the worker and PostgreSQL end, the temporary directories go, and a
 * new stack starts on the very same ports. SIGKILL runs no shutdown hook: only the children themselves (ForkMain)
 * and the leftover watcher (postgres-harness) can clean up.
 */
class LocalStackKillTest {

    private static final long READY_LIMIT_MS = 300_000;
    /** ForkMain notices the parent's death within a second and halts after 15 s at most; the watcher then removes the dirs. */
    private static final long CLEANUP_LIMIT_MS = 60_000;

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
        int[] ports = FreePorts.choose(4);
        Path childLog = scratch.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                LocalStackChild.class.getName()));
        for (int port : ports) {
            command.add(Integer.toString(port));
        }
        child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
        String[] ready = awaitReadyLine(child, childLog);
        Path workDir = Path.of(ready[1]);
        Path postgresDir = Path.of(ready[2]);
        List<ProcessHandle> started = child.descendants().toList();
        System.out.println("LocalStackKillTest: before SIGKILL: " + describe(started));

        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        while (System.currentTimeMillis() < killedAt + CLEANUP_LIMIT_MS && !leftovers(started, workDir, postgresDir).isEmpty()) {
            Thread.sleep(200);
        }
        List<String> left = leftovers(started, workDir, postgresDir);
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
        for (ProcessHandle p : started) {
            if (p.isAlive() && !zombie(p)) {
                left.add("process " + p.pid() + " " + p.info().commandLine().orElse("?"));
            }
        }
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid()).forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            if ((cmd.contains(workDir.toString()) || cmd.contains(postgresDir.toString())) && !zombie(p)
                    && started.stream().noneMatch(s -> s.pid() == p.pid())) {
                left.add("process " + p.pid() + " " + cmd);
            }
        });
        for (Path dir : List.of(workDir, postgresDir)) {
            if (Files.exists(dir)) {
                left.add("directory " + dir);
            }
        }
        return left;
    }

    private static boolean zombie(ProcessHandle p) {
        try {
            return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (IOException gone) {
            return true;
        }
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
                throw new AssertionError("the child JVM exited (" + child.exitValue() + "): " + Files.readString(childLog));
            }
        }
        throw new AssertionError("the stack did not start within " + READY_LIMIT_MS + " ms: " + Files.readString(childLog));
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .collect(Collectors.joining(", "));
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
