package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers this project starts, chosen below the kernel's ephemeral range.
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the ephemeral range, the same range the kernel draws from for
 * every outgoing connection's local port. Between choosing such a port and the server binding it seconds later, a
 * client (Kafka's, JDBC's) can be given it as its local port and the server fails with "Address already in use". Ports
 * below the range are never handed out that way, so only another listener picking the very same random port can take
 * it; callers retry with a fresh port on a bind failure all the same (postgres-harness's {@code RepoPostgres},
 * local-stack's {@code PortRetry}).
 */
public final class FreePorts {

    /** Below this lie the well-known and the compose stack's published ports (5432, 8080, 8083, 9092, 9090, ...). */
    private static final int LOWEST = 20_000;
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    private static final int TRIES_PER_PORT = 50;

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free on 127.0.0.1 a moment ago (all held open while choosing). */
    public static int[] choose(int count) {
        int end = ephemeralStart();
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = end - LOWEST > 1_000 ? bindBelow(end) : null;
                if (socket == null) {
                    socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); // no room below: any free port
                }
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    public static int choose() {
        return choose(1)[0];
    }

    private static ServerSocket bindBelow(int end) {
        for (int attempt = 0; attempt < TRIES_PER_PORT; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            try {
                return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
            } catch (IOException taken) {
                // try another
            }
        }
        return null;
    }

    /** The first port of {@code net.ipv4.ip_local_port_range} (Linux), or its default elsewhere. */
    static int ephemeralStart() {
        try {
            // readAllLines, not readString: /proc files report size 0, and readString then returned one byte ("3").
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
