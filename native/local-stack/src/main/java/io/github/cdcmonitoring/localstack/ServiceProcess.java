package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.process.ChildProcess;
import io.github.cdcmonitoring.repo.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One of the stack's monitoring processes (data generator, change exporter, postgres_exporter, Prometheus, Grafana):
 * the process, the URL it serves and how to tell it is ready. Tests stop and start it (the generator, to idle the
 * database) or kill it.
 */
public final class ServiceProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration READY_POLL = Duration.ofMillis(200);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ChildProcess process;
    private final String url;
    private final String readyUrl;
    private final Predicate<String> readyBody;
    private final String readyMeaning;

    /**
     * @param url what users open (a metrics page or a web UI)
     * @param readyUrl answers HTTP 200 with a body {@code readyBody} accepts once the process serves
     * @param readyMeaning what {@code readyBody} checks, for the timeout message
     */
    ServiceProcess(ChildProcess process, String url, String readyUrl, Predicate<String> readyBody,
                   String readyMeaning) {
        this.process = process;
        this.url = url;
        this.readyUrl = readyUrl;
        this.readyBody = readyBody;
        this.readyMeaning = readyMeaning;
    }

    public String name() {
        return process.name();
    }

    /** Starts the process and waits until it is ready. */
    public synchronized void start() {
        launch();
        awaitReady();
    }

    synchronized void launch() {
        process.start();
    }

    /** Waits until ready; on failure stops the process and throws with the end of its log. */
    synchronized void awaitReady() {
        boolean ready;
        try {
            ready = Waits.within(READY_TIMEOUT, READY_POLL, () -> {
                process.checkAlive();
                return HttpScraper.poll(readyUrl).filter(readyBody).isPresent();
            });
        } catch (IllegalStateException exited) {
            process.stop(Duration.ZERO);
            throw exited;
        }
        if (!ready) {
            process.stop(STOP_GRACE);
            throw new IllegalStateException(name() + " not ready after " + READY_TIMEOUT.toSeconds() + " s ("
                    + readyUrl + " did not answer " + readyMeaning + "); the end of " + process.logFile() + ":\n"
                    + process.tail(40));
        }
    }

    /** Whether it exited because its port was taken. */
    boolean exitedOnTakenPort() {
        return process.exitedOnTakenPort();
    }

    /** SIGTERM (SIGKILL after 30 s); waits until it has exited. */
    public synchronized void stop() {
        process.stop(STOP_GRACE);
    }

    /** SIGKILL, as in a crash. */
    public synchronized void kill() {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The metrics page or web UI, e.g. {@code http://127.0.0.1:9090}. */
    public String url() {
        return url;
    }

    public Path logFile() {
        return process.logFile();
    }

    public String tail(int lines) {
        return process.tail(lines);
    }
}
