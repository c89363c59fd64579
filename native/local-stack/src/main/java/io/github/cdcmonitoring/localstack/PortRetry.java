package io.github.cdcmonitoring.localstack;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Starting a server on ports chosen free a moment earlier. Between the choice and the bind, seconds later, another
 * process can take a port; the server then exits with "Address already in use". It is started again on fresh ports, at
 * most {@link #ATTEMPTS} times in all, with one line per retry. Ports the user fixed (builder or .env) are not
 * changed: when none of the server's ports was chosen here, its bind failure is reported as it is.
 */
final class PortRetry {

    static final int ATTEMPTS = 5;

    private PortRetry() {
    }

    /**
     * A launched server's {@code awaitReady}, relaunched on fresh ports while it fails on a taken one.
     *
     * @param name for the retry line ("Kafka broker")
     * @param launched the server as first launched
     * @param awaitReady waits until it serves; throws if it exited or timed out (and has stopped it)
     * @param exitedOnTakenPort whether that failure was a taken port
     * @param relaunch launches it again on fresh ports for those chosen here, or is null when all were fixed
     * @param ports its ports, for the retry line ("127.0.0.1:23456")
     * @param log receives the retry lines
     * @return the server that is ready
     */
    static <T> T awaitReady(String name, T launched, Consumer<T> awaitReady, Predicate<T> exitedOnTakenPort,
                            UnaryOperator<T> relaunch, Function<T, String> ports, Consumer<String> log) {
        T server = launched;
        for (int attempt = 1; ; attempt++) {
            try {
                awaitReady.accept(server);
                return server;
            } catch (RuntimeException e) {
                if (relaunch == null || attempt >= ATTEMPTS || !exitedOnTakenPort.test(server)) {
                    throw e;
                }
                String taken = ports.apply(server);
                server = relaunch.apply(server);
                log.accept(name + " could not bind " + taken + ": Address already in use (another process took the "
                        + "port after it was chosen); starting again on " + ports.apply(server) + " (attempt "
                        + (attempt + 1) + " of " + ATTEMPTS + ")");
            }
        }
    }
}
