package io.github.cdcmonitoring.localstack.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A native program (prometheus, postgres_exporter, node_exporter, alertmanager, grafana) run by the stack. It runs in a
 * session of its own ({@code setsid}), so that Ctrl-C in a terminal reaches only this JVM, which then stops the children
 * in order; that it ends with this JVM even after a SIGKILL is {@link LoggedProcess}'s registration with the leftover
 * watcher, as for every child.
 */
public final class NativeProcess extends LoggedProcess {

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
    public static NativeProcess of(String name, Path program, List<String> args, Map<String, String> environment,
                            Path logFile) {
        List<String> command = new ArrayList<>();
        Executables.find("setsid").ifPresent(setsid -> command.add(setsid.toString()));
        command.add(program.toString());
        command.addAll(args);
        return new NativeProcess(name, command, new LinkedHashMap<>(environment), logFile);
    }
}
