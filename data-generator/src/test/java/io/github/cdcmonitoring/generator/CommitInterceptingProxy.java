package io.github.cdcmonitoring.generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of PostgreSQL that, when armed, breaks a connection exactly at COMMIT, producing the
 * two cases a client cannot tell apart:
 * <ul>
 *   <li>{@link Mode#LOSE_COMMIT_REPLY}: the server commits, but its "COMMIT" reply is dropped and the connection
 *       cut;</li>
 *   <li>{@link Mode#SWALLOW_COMMIT}: the COMMIT never reaches the server, the client's side is cut, and the server's
 *       side is left open, as after a network partition: the backend sits idle in its open transaction.</li>
 * </ul>
 * From the server it matches the raw bytes of the CommandComplete message {@code 'C', int32 11, "COMMIT\0"} (the
 * generated data never contains them); from the client it follows the messages ({@link ClientCommitDetector}).
 * <p>This is fault injection, not a mock: the database behind it is the real PostgreSQL, and the proxy stands in only
 * for a network that fails at the one instant that matters, which cannot be caused on loopback any other way.
 */
final class CommitInterceptingProxy implements AutoCloseable {

    enum Mode { LOSE_COMMIT_REPLY, SWALLOW_COMMIT }

    private static final byte[] COMMIT_REPLY = {'C', 0, 0, 0, 11, 'C', 'O', 'M', 'M', 'I', 'T', 0};

    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicInteger armed = new AtomicInteger();
    private final AtomicInteger intercepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.LOSE_COMMIT_REPLY;

    CommitInterceptingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Intercepts the next COMMIT that passes, in the given way. */
    void interceptNextCommit(Mode how) {
        mode = how;
        armed.set(1);
    }

    int intercepted() {
        return intercepted.get();
    }

    private boolean claim() {
        if (armed.compareAndSet(1, 0)) {
            intercepted.incrementAndGet();
            return true;
        }
        return false;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                start("proxy-to-server", () -> pumpToServer(client, server));
                start("proxy-to-client", () -> pumpToClient(server, client));
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private static void start(String name, Runnable pump) {
        Thread thread = new Thread(pump, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Client to server. Swallowing a COMMIT cuts only the client's side: the server keeps waiting for more. */
    private void pumpToServer(Socket client, Socket server) {
        ClientCommitDetector detector = new ClientCommitDetector();
        byte[] buffer = new byte[65536];
        try (InputStream in = client.getInputStream()) {
            OutputStream out = server.getOutputStream();
            int read;
            while ((read = in.read(buffer)) > 0) {
                boolean commit = detector.feed(buffer, read);
                if (commit && mode == Mode.SWALLOW_COMMIT && claim()) {
                    closeQuietly(client);
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: end this direction
        }
        closeQuietly(server);
    }

    /** Server to client. Losing a COMMIT reply cuts both sides, as a server restart or a network reset would. */
    private void pumpToClient(Socket server, Socket client) {
        byte[] buffer = new byte[65536];
        byte[] tail = new byte[0];
        try (InputStream in = server.getInputStream()) {
            OutputStream out = client.getOutputStream();
            int read;
            while ((read = in.read(buffer)) > 0) {
                byte[] window = new byte[tail.length + read];
                System.arraycopy(tail, 0, window, 0, tail.length);
                System.arraycopy(buffer, 0, window, tail.length, read);
                if (mode == Mode.LOSE_COMMIT_REPLY && contains(window, COMMIT_REPLY) && claim()) {
                    closeQuietly(client);
                    closeQuietly(server);
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
                int keep = Math.min(COMMIT_REPLY.length - 1, window.length);
                tail = Arrays.copyOfRange(window, window.length - keep, window.length);
            }
        } catch (IOException e) {
            // one side went away: end this direction
        }
        closeQuietly(client);
    }

    private static boolean contains(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(CommitInterceptingProxy::closeQuietly);
    }
}
