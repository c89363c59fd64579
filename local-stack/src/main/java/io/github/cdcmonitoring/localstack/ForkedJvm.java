package io.github.cdcmonitoring.localstack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Java program run in its own JVM on this JVM's classpath, its output appended to a log file. Started through
 * {@link ForkMain}, so it exits by itself if this JVM dies without stopping it.
 */
final class ForkedJvm {

    /** kafka-run-class.sh's default KAFKA_JVM_PERFORMANCE_OPTS, which the broker and Connect scripts run with. */
    static final List<String> KAFKA_RUN_CLASS_OPTIONS = List.of("-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    private static final int TAIL_BYTES = 16 * 1024;

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logFile;
    private Process process;

    private ForkedJvm(String name, List<String> command, Map<String, String> environment, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    /**
     * @param name for messages ("Kafka broker")
     * @param jvmOptions heap, agents, system properties
     * @param mainClass the program
     * @param args its arguments
     * @param environment added to this process's environment
     * @param logFile where stdout and stderr go, appended across restarts
     */
    static ForkedJvm of(String name, List<String> jvmOptions, String mainClass, List<String> args,
                        Map<String, String> environment, Path logFile) {
        List<String> command = new ArrayList<>();
        setsid().ifPresent(command::add);
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ForkMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return new ForkedJvm(name, command, new LinkedHashMap<>(environment), logFile);
    }

    /**
     * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. Were the broker and the worker in it,
     * both would shut down at once and the worker would wait out its timeouts for a broker that is already gone
     * (30 s measured). In a session of their own they are stopped by this JVM, worker first. util-linux setsid execs
     * the program in the same process (the child is no group leader), so the pid stays the JVM's.
     */
    private static Optional<String> setsid() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /** SIGTERM, so the program's shutdown hooks run; SIGKILL if it has not exited within {@code grace}. */
    synchronized void stop(Duration grace) {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** SIGKILL: the process gets no chance to clean up, as in a crash. Returns once it is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(30))) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Throws with the end of the log if the process has exited; call while waiting for it to become ready. */
    synchronized void checkAlive() {
        if (process != null && !process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue()
                    + "; the end of " + logFile + ":\n" + tail(40));
        }
    }

    /** The last lines of the log. */
    String tail(int lines) {
        if (!Files.exists(logFile)) {
            return "(no output)";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    Path logFile() {
        return logFile;
    }

    String name() {
        return name;
    }
}
