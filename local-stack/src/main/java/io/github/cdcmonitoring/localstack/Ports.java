package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports: free ones for tests, and a clear error when a fixed one is taken. */
final class Ports {

    private Ports() {
    }

    /** {@code count} distinct free ports on 127.0.0.1 (all held open while choosing, so none repeats). */
    static int[] free(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Fails, naming the port and the setting it comes from, if something already listens there. */
    static void requireFree(int port, String setting) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(setting + " must be a port between 1 and 65535, got " + port);
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + setting + ") is already in use on 127.0.0.1: "
                    + "stop what listens there or change " + setting);
        }
    }
}
