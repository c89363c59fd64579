package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external program with a hard time limit. Its output goes to a file, not a pipe: reading a pipe
 * to its end blocks until the program exits, so a timeout checked after the read never fires (psql once hung a build
 * that way). A program still running at the limit is killed and the call fails, naming the program and the limit.
 */
public final class BoundedProcess {

    /** What a finished program left: its exit status and its combined stdout and stderr. */
    public record Result(int exitCode, String output) {
    }

    private BoundedProcess() {
    }

    /**
     * @param what how messages name the program ("psql -f init-db.sql")
     * @param command the program and its arguments
     * @param environment added to this process's environment
     * @param limit the longest the program may run
     */
    public static Result run(String what, List<String> command, Map<String, String> environment, Duration limit) {
        Path output;
        try {
            output = Files.createTempFile("bounded-process-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary file for the output of " + what, e);
        }
        LeftoverReaper.watchPath(output); // removed even if this JVM is killed while the program runs
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
            }
            boolean finished;
            try {
                finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            if (!finished) {
                process.destroyForcibly();
                awaitGone(process);
                throw new IllegalStateException(what + " did not finish within " + limit.toMillis() + " ms and was "
                        + "killed; its output so far: " + read(output).strip());
            }
            return new Result(process.exitValue(), read(output));
        } finally {
            try {
                Files.deleteIfExists(output);
                LeftoverReaper.forgetPath(output);
            } catch (IOException e) {
                output.toFile().deleteOnExit(); // and the watcher removes it should the JVM be killed
            }
        }
    }

    /** Like {@link #run}, but a non-zero exit status fails with the program's output. */
    public static String runChecked(String what, List<String> command, Map<String, String> environment, Duration limit) {
        Result result = run(what, command, environment, limit);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed (exit " + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    private static void awaitGone(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read the output: " + e.getMessage() + ")";
        }
    }
}
