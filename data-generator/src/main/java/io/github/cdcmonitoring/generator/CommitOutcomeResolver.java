package io.github.cdcmonitoring.generator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns whether a transaction committed after its COMMIT failed on the client side.
 *
 * <p>When the connection breaks while COMMIT is on its way (a server restart, a network cut), the client cannot know
 * whether the server committed: the commit record may be durable while the reply was lost. Counting such a
 * transaction as failed and retrying it would write its rows twice; counting it as committed could count rows that
 * do not exist. Each transaction therefore reads its own id with {@code pg_current_xact_id()} along with its first
 * statement ({@link TransactionStatements}), and after a failed COMMIT this class asks the server, over a new
 * connection, for {@code pg_xact_status(id)}, which PostgreSQL provides for exactly this purpose:
 * <ul>
 *   <li>{@code committed}: count the transaction once, do not retry;</li>
 *   <li>{@code aborted}: it left no rows, retry it;</li>
 *   <li>{@code in progress}: the server has not yet noticed that the client is gone. Usually that resolves within
 *       moments; a backend behind a half-open TCP connection, though, would wait for TCP keepalive. The transaction is
 *       ours and its client connection is gone, so after a short grace period its backend is terminated, which makes
 *       the server settle it one way or the other; then the status is read again.</li>
 * </ul>
 * The answer is durable knowledge because commits are synchronous ({@code synchronous_commit = on}, the default the
 * repository's postgresql.conf keeps): a commit the server acknowledged, or recorded as committed, survives a crash.
 * One exception, seen in InfrastructureFaultsTest's crash (immediate stop): a transaction whose records never reached
 * the WAL leaves no trace of its id, so crash recovery may hand the same id to a new transaction, and "committed" is
 * then that one's status: the counts can exceed the rows by such transactions
 * ({@link DataGenerator#commitsConfirmedAfterFailure()} bounds them).
 */
final class CommitOutcomeResolver {

    private static final Logger LOG = LoggerFactory.getLogger(CommitOutcomeResolver.class);

    /** How long a transaction may stay "in progress" after its client vanished before its backend is terminated. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final String STATUS = "SELECT pg_xact_status(CAST(? AS xid8))";
    private static final String TERMINATE_OWNER = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            + "WHERE backend_xid = CAST(CAST(? AS xid8) AS xid) AND pid <> pg_backend_pid()";

    private final Database database;
    private final Duration budget;

    CommitOutcomeResolver(Database database, Duration budget) {
        this.database = database;
        this.budget = budget;
    }

    /**
     * Whether transaction {@code xid} committed. Keeps asking (with backoff, and even after a stop was requested,
     * because the counts depend on the answer) until the server says, or the budget runs out.
     *
     * @throws GeneratorException if no answer came within the budget
     */
    boolean committed(String xid, SQLException commitFailure) {
        Backoff backoff = new Backoff(budget);
        long start = System.nanoTime();
        String lastProblem = Failures.describe(commitFailure);
        while (true) {
            try (Connection connection = database.connection()) {
                String status = status(connection, xid);
                if ("committed".equals(status) || "aborted".equals(status)) {
                    connection.rollback();
                    LOG.warn("COMMIT of transaction {} failed ({}); the server reports it {}: {}", xid,
                            Failures.describe(commitFailure), status,
                            "committed".equals(status) ? "counted once, not retried" : "it will be retried");
                    return "committed".equals(status);
                }
                if (status == null) {
                    // Only for ids older than the commit log PostgreSQL keeps: impossible seconds after the commit.
                    throw new GeneratorException("PostgreSQL no longer knows transaction " + xid
                            + ", so whether it committed cannot be learned; committed counts may be off by it",
                            commitFailure);
                }
                lastProblem = "transaction " + xid + " still " + status;
                if (System.nanoTime() - start > GRACE_NANOS) {
                    terminateOwner(connection, xid);
                }
                connection.rollback();
            } catch (SQLException e) {
                lastProblem = Failures.describe(e);
            }
            if (!backoff.sleepIgnoringStop()) {
                throw new GeneratorException("could not learn within " + budget.toSeconds() + " s ("
                        + GeneratorConfig.DB_WAIT_SECONDS + ") whether transaction " + xid
                        + " committed; committed counts may be off by it. Last problem: " + lastProblem,
                        commitFailure);
            }
        }
    }

    private static String status(Connection connection, String xid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(STATUS)) {
            query.setString(1, xid);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static void terminateOwner(Connection connection, String xid) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement(TERMINATE_OWNER)) {
            terminate.setString(1, xid);
            try (ResultSet rows = terminate.executeQuery()) {
                while (rows.next()) {
                    LOG.warn("transaction {} stayed open after its connection broke; terminated its backend so that "
                            + "the server settles it", xid);
                }
            }
        }
    }
}
