package io.github.cdcmonitoring.localstack.process;

import java.nio.file.Path;
import java.time.Duration;

/** A process the local stack starts and owns: a forked JVM or a native program, its output in a log file. */
public interface ChildProcess {

    /** For messages ("Prometheus"). */
    String name();

    /** Starts it without waiting for it to serve. */
    void start();

    boolean isAlive();

    long pid();

    /** SIGTERM, so it shuts down cleanly; SIGKILL if it has not exited within {@code grace}. */
    void stop(Duration grace);

    /** SIGKILL, as in a crash. Returns once it is gone. */
    void kill();

    /** Throws with the end of the log if the process has exited; call while waiting for it to become ready. */
    void checkAlive();

    /** Whether it has exited because a port it binds was taken (its log says "Address already in use"). */
    boolean exitedOnTakenPort();

    /** The last lines of the log. */
    String tail(int lines);

    Path logFile();
}
