package io.github.cdcmonitoring.testsupport;

import io.github.cdcmonitoring.repo.Waits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * For tests that run something in a child JVM, SIGKILL it and look for what the killed run left: starting the child,
 * waiting for its {@code READY ...} line, and finding processes that are still alive or name a run's directory.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The java executable running this JVM. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Waits for the child's first stdout line starting with {@code READY } and returns it split into at most three
     * words. Fails with the child's stderr (redirected to {@code childLog}) if it exits first, or with
     * {@code "<notReady> within <limit> ms: <log>"} if the line does not come in time.
     */
    public static String[] awaitReadyLine(Process child, Path childLog, long limitMs, String notReady)
            throws IOException, InterruptedException {
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
        return Waits.untilPresent(Duration.ofMillis(limitMs), Duration.ofMillis(1), () -> {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("READY ")) {
                return Optional.of(line.split(" ", 3));
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child JVM exited (" + child.exitValue() + "): "
                        + Files.readString(childLog));
            }
            return Optional.empty();
        }, () -> notReady + " within " + limitMs + " ms: " + readQuietly(childLog));
    }

    /** A log's text for a failure message, or why it cannot be read. */
    public static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Those of {@code processes} that are still running (a zombie has exited and does not count). */
    public static List<ProcessHandle> alive(List<ProcessHandle> processes) {
        return processes.stream().filter(ProcessHandle::isAlive).filter(p -> !zombie(p)).toList();
    }

    /** Running processes other than this JVM whose command line names one of {@code dirs}. */
    public static List<ProcessHandle> processesNaming(Path... dirs) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() != ProcessHandle.current().pid() && !zombie(p)) {
                String commandLine = p.info().commandLine().orElse("");
                for (Path dir : dirs) {
                    if (commandLine.contains(dir.toString())) {
                        found.add(p);
                        return;
                    }
                }
            }
        });
        return found;
    }

    /** A zombie has exited; its entry waits only for a parent to reap it. A process already gone counts as one. */
    public static boolean zombie(ProcessHandle p) {
        try {
            return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (IOException gone) {
            return true;
        }
    }
}
