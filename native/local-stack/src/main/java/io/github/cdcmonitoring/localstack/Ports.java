package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.FreePorts;
import io.github.cdcmonitoring.repo.LeftoverReaper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports: free ones for tests (and who chooses them), and a clear error when a fixed one is taken. */
final class Ports {

    private Ports() {
    }

    /**
     * {@code count} distinct free ports on 127.0.0.1, below the ephemeral range so that no outgoing connection is
     * given one of them before its server binds it (see {@link FreePorts}).
     */
    static int[] free(int count) {
        return FreePorts.choose(count);
    }

    /**
     * Chooses the port a component of the stack starts on: the free port offered, unless a test hands out one it
     * holds, to prove that the stack gets past a port taken between the choice and the bind.
     */
    @FunctionalInterface
    interface Chooser {

        Chooser FREE = (component, free) -> free;

        /**
         * @param component whose port it is
         * @param free a port that was free a moment ago
         */
        int choose(Component component, int free);
    }

    /** A fresh port for {@code component} after the one chosen before was taken. */
    static int fresh(Chooser chooser, Component component) {
        return chooser.choose(component, FreePorts.choose());
    }

    /** Fails, naming the port and the setting it comes from, if something already listens there. */
    static void requireFree(int port, String setting) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(setting + " must be a port between 1 and 65535, got " + port);
        }
        // A run killed a moment ago may still hold the port while its leftover watcher stops it: wait for that first.
        LeftoverReaper.settleEarlierRuns();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + setting + ") is already in use on 127.0.0.1: "
                    + "stop what listens there or change " + setting);
        }
    }
}
