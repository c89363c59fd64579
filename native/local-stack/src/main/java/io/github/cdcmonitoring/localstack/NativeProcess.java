package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A native program (prometheus, postgres_exporter, grafana) tied to this JVM: it must not outlive a
 * {@code java -jar local-stack.jar} or a test JVM killed with SIGKILL, which runs no shutdown hook.
 *
 * <p>How: the program runs under a small {@code sh} wrapper whose stdin is a pipe this JVM holds open (the
 * ProcessBuilder default). The kernel closes the pipe when this JVM exits for whatever reason, SIGKILL included; a
 * watcher in the wrapper then reads end-of-file and sends the wrapper SIGTERM, which it passes on to the program. That
 * is the non-JVM counterpart of {@link ForkMain}'s parent watch (a JVM child can poll its parent's pid; a Go binary we
 * cannot change). PR_SET_PDEATHSIG ({@code setpriv --pdeathsig}) was not used: it fires when the <em>thread</em> that
 * started the child ends, and the stack starts its children from short-lived threads. A clean stop sends the wrapper
 * SIGTERM directly. The wrapper runs in a session of its own ({@code setsid}) so that Ctrl-C in a terminal reaches only
 * this JVM, which then stops the children in order.
 */
final class NativeProcess extends LoggedProcess {

    /*
     * $1.. = the program and its arguments. fd 3 keeps the pipe from this JVM: a background job's stdin is /dev/null
     * in a non-interactive shell, so the watcher reads fd 3 instead. The program gets neither. `wait` returns early
     * when the trapped SIGTERM arrives, hence the second wait for the program's real exit status.
     */
    private static final String WRAPPER = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "trap 'kill -TERM \"$child\" 2>/dev/null' TERM",
            "(cat <&3 >/dev/null; kill -TERM $$ 2>/dev/null) </dev/null &",
            "exec 3<&-",
            "wait \"$child\"",
            "status=$?",
            "if kill -0 \"$child\" 2>/dev/null; then wait \"$child\"; status=$?; fi",
            "exit $status");

    private NativeProcess(String name, List<String> command, Map<String, String> environment, Path logFile) {
        super(name, command, environment, logFile);
    }

    /**
     * @param name for messages
     * @param program the executable (an absolute path, see {@link Executables})
     * @param args its arguments
     * @param environment added to this process's environment
     * @param logFile where stdout and stderr go, appended across restarts
     */
    static NativeProcess of(String name, Path program, List<String> args, Map<String, String> environment,
                            Path logFile) {
        List<String> command = new ArrayList<>();
        Executables.find("setsid").ifPresent(setsid -> command.add(setsid.toString()));
        command.add("sh");
        command.add("-c");
        command.add(WRAPPER);
        command.add(program.getFileName().toString()); // $0 of the wrapper, shown by ps
        command.add(program.toString());
        command.addAll(args);
        return new NativeProcess(name, command, new LinkedHashMap<>(environment), logFile);
    }

    /** SIGKILL to the program, then (by {@link LoggedProcess}) to the wrapper. */
    @Override
    void beforeKill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** Closing our end lets the wrapper's watcher (if still there) read end-of-file and exit. */
    @Override
    void afterExit(Process process) {
        try (OutputStream pipe = process.getOutputStream()) {
            pipe.flush();
        } catch (IOException e) {
            // the wrapper has exited and the pipe is broken: nothing left to release
        }
    }
}
