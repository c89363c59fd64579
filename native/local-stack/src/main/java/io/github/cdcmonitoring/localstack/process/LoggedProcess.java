package io.github.cdcmonitoring.localstack.process;

import io.github.cdcmonitoring.repo.LeftoverReaper;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What {@link ForkedJvm} and {@link NativeProcess} share: one command started with its output appended to a log file,
 * stopped with SIGTERM (SIGKILL after the grace period) or killed, and reported with the end of its log if it exits
 * while it should be running. While it runs it is registered with {@link LeftoverReaper}, so it ends with this JVM
 * however this JVM ends (SIGTERM, SIGKILL five seconds later), as PostgreSQL does. Subclasses build the command.
 */
public abstract class LoggedProcess implements ChildProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    /**
     * How every server the stack runs reports a port someone else holds: Java's BindException (broker, Connect's REST
     * server and JMX agent, the generator, the change exporter) and Go's net package (Prometheus, postgres_exporter:
     * "bind: address already in use").
     */
    private static final Pattern TAKEN_PORT = Pattern.compile("(?i)address already in use");

    private final Path logFile;
    private Process process;
    /** Where this start's output begins in the log, which is appended across restarts. */
    private long logStart;

    protected LoggedProcess(String name, List<String> command, Map<String, String> environment, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    /** The command line as started (the forks' classpath is checked from it). */
    public List<String> command() {
        return command;
    }

    /**
     * What the leftover watcher finds in the process's command line before it signals it: the whole command, less
     * a leading {@code setsid}, which execs the program in the same process.
     */
    private String marker() {
        List<String> program = command.get(0).endsWith("/setsid") ? command.subList(1, command.size()) : command;
        return String.join(" ", program);
    }

    /** The process has exited (or been found exited): the watcher need not stop it any more. */
    private void afterExit(Process process) {
        LeftoverReaper.forgetProcess(process.pid());
    }

    @Override
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        ServiceJar.environment(builder.environment(), environment);
        try {
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        LeftoverReaper.watchProcess(process.pid(), "TERM", marker());
    }

    @Override
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /** SIGTERM, so the program's shutdown hooks run; SIGKILL if it has not exited within {@code grace}. */
    @Override
    public synchronized void stop(Duration grace) {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
        afterExit(process);
    }

    /** SIGKILL: the process gets no chance to clean up, as in a crash. Returns once it is gone. */
    @Override
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(30))) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
        afterExit(process);
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
    @Override
    public synchronized void checkAlive() {
        if (process != null && !process.isAlive()) {
            afterExit(process);
            throw new IllegalStateException(name + " exited with status " + process.exitValue()
                    + "; the end of " + logFile + ":\n" + tail(40));
        }
    }

    /** Whether the process has exited and its output since the last start says a port it binds was taken. */
    @Override
    public synchronized boolean exitedOnTakenPort() {
        return process != null && !process.isAlive() && TAKEN_PORT.matcher(LogTail.since(logFile, logStart)).find();
    }

    /** The last lines of the log. */
    @Override
    public String tail(int lines) {
        return LogTail.of(logFile, lines);
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public String name() {
        return name;
    }
}
