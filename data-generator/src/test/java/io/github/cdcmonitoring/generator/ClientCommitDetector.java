package io.github.cdcmonitoring.generator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Follows the frontend side of the PostgreSQL wire protocol well enough to spot a COMMIT, however the driver sends it:
 * as a simple Query, or as Bind of a statement whose Parse carried "COMMIT". pgjdbc switches COMMIT to a named
 * server-side prepared statement after a few uses, after which the text "COMMIT" no longer travels.
 */
final class ClientCommitDetector {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Set<String> commitStatements = new HashSet<>();
    private boolean startupDone;

    /** Feeds the next bytes from the client; true if they complete a message that commits. */
    boolean feed(byte[] data, int count) {
        pending.write(data, 0, count);
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        boolean commit = false;
        while (true) {
            int start = buffer.position();
            if (!startupDone) {
                // Untyped startup packets: int32 length, int32 code, ...
                if (buffer.remaining() < 8) {
                    break;
                }
                int length = buffer.getInt(start);
                if (buffer.remaining() < length) {
                    break;
                }
                int code = buffer.getInt(start + 4);
                startupDone = code != SSL_REQUEST && code != GSSENC_REQUEST;
                buffer.position(start + length);
                continue;
            }
            if (buffer.remaining() < 5) {
                break;
            }
            byte type = buffer.get(start);
            int length = buffer.getInt(start + 1);
            if (buffer.remaining() < 1 + length) {
                break;
            }
            byte[] body = new byte[length - 4];
            buffer.position(start + 5);
            buffer.get(body);
            commit |= isCommit(type, body);
        }
        byte[] rest = new byte[buffer.remaining()];
        buffer.get(rest);
        pending.reset();
        pending.write(rest, 0, rest.length);
        return commit;
    }

    private boolean isCommit(byte type, byte[] body) {
        switch (type) {
            case 'Q' -> {
                return "COMMIT".equalsIgnoreCase(cString(body, 0).strip());
            }
            case 'P' -> {
                String name = cString(body, 0);
                String query = cString(body, name.getBytes(StandardCharsets.UTF_8).length + 1);
                if ("COMMIT".equalsIgnoreCase(query.strip())) {
                    commitStatements.add(name);
                } else {
                    commitStatements.remove(name);
                }
                return false;
            }
            case 'B' -> {
                String portal = cString(body, 0);
                String statement = cString(body, portal.getBytes(StandardCharsets.UTF_8).length + 1);
                return commitStatements.contains(statement);
            }
            default -> {
                return false;
            }
        }
    }

    private static String cString(byte[] body, int offset) {
        int end = offset;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, offset, end - offset, StandardCharsets.UTF_8);
    }
}
