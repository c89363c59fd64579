package io.github.cdcmonitoring.generator;

import java.sql.SQLException;
import java.util.Set;

/** Classifies database failures, and describes them in one line for logs. */
final class Failures {

    /**
     * SQLSTATE classes worth retrying: the connection (08), the server shutting down or starting (57: admin shutdown,
     * cannot connect now), a rolled-back transaction (40: deadlock, serialization), lack of resources (53) and
     * system I/O errors (58). Anything else (a missing table, a denied privilege, a constraint) fails the same way
     * every time, so retrying it for minutes would only hide the problem.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "57", "40", "53", "58");

    private Failures() {
    }

    /** Whether a retry may succeed. A failure without SQLSTATE is an I/O or pool timeout: transient. */
    static boolean isTransient(SQLException failure) {
        String state = failure.getSQLState();
        return state == null || state.length() < 2 || TRANSIENT_CLASSES.contains(state.substring(0, 2));
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String state = failure instanceof SQLException sql && sql.getSQLState() != null
                ? " [SQLSTATE " + sql.getSQLState() + "]" : "";
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ') + state;
    }
}
