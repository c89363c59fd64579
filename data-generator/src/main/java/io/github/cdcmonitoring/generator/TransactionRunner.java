package io.github.cdcmonitoring.generator;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operations as one transaction until it commits, and counts its rows exactly once when it has.
 *
 * <p>The counting rule: a transaction's rows are added to {@link CommittedCounts} only after the server confirmed the
 * commit, either by acknowledging COMMIT or, when the connection broke during COMMIT, through
 * {@link CommitOutcomeResolver}. A failure before COMMIT was sent cannot have committed anything (auto-commit is off
 * and the pool rolls back what it gets back), so the transaction is simply retried with fresh random choices.
 */
final class TransactionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionRunner.class);

    private final Database database;
    private final CommitOutcomeResolver resolver;
    private final CommittedCounts counts;
    private final GeneratorMetrics metrics;
    private final StopSignal stop;
    private final Duration retryBudget;

    TransactionRunner(Database database, CommittedCounts counts, GeneratorMetrics metrics, StopSignal stop,
            Duration retryBudget) {
        this.database = database;
        this.resolver = new CommitOutcomeResolver(database, retryBudget);
        this.counts = counts;
        this.metrics = metrics;
        this.stop = stop;
        this.retryBudget = retryBudget;
    }

    /**
     * Commits the operations as one transaction, retrying with backoff while the database fails.
     *
     * @return true once committed; false if a stop was requested before a retry (nothing of it committed)
     * @throws GeneratorException if the database kept failing for longer than the retry budget, or failed with an
     *     error that is not transient (a missing table, a denied privilege)
     */
    boolean commit(List<Operation> operations, RandomGenerator random) {
        Backoff backoff = null;
        while (true) {
            SQLException failure = attempt(operations, random);
            if (failure == null) {
                if (backoff != null) {
                    LOG.info("transaction committed after {} failed attempt(s)", backoff.attempts());
                }
                return true;
            }
            if (!Failures.isTransient(failure)) {
                throw new GeneratorException("a statement failed in a way no retry can fix: "
                        + Failures.describe(failure), failure);
            }
            if (backoff == null) {
                backoff = new Backoff(retryBudget);
            }
            if (backoff.expired()) {
                throw new GeneratorException("the database kept failing for " + retryBudget.toSeconds() + " s ("
                        + GeneratorConfig.DB_WAIT_SECONDS + "): " + Failures.describe(failure), failure);
            }
            long delay = backoff.nextDelayNanos();
            LOG.warn("transaction failed (attempt {}), retrying in {} ms: {}", backoff.attempts(),
                    TimeUnit.NANOSECONDS.toMillis(delay), Failures.describe(failure));
            if (!stop.sleepNanos(delay)) {
                return false;
            }
        }
    }

    /** One try; returns null when committed and counted, else the failure (nothing was committed). */
    private SQLException attempt(List<Operation> operations, RandomGenerator random) {
        long start = System.nanoTime();
        Connection connection;
        try {
            connection = database.connection();
        } catch (SQLException e) {
            metrics.error(GeneratorMetrics.CONNECT);
            return e;
        }
        try {
            String xid;
            RowChanges changes;
            try {
                TransactionStatements statements = new TransactionStatements(connection);
                changes = Workload.execute(statements, operations, random);
                xid = statements.transactionId();
            } catch (SQLException e) {
                metrics.error(GeneratorMetrics.STATEMENT);
                rollbackQuietly(connection);
                return e;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                metrics.error(GeneratorMetrics.COMMIT);
                closeQuietly(connection);
                boolean committed = resolver.committed(xid, e);
                metrics.ambiguousCommit(committed);
                if (!committed) {
                    return e;
                }
            }
            counts.add(changes, operations.size());
            metrics.committed(changes, System.nanoTime() - start);
            return null;
        } finally {
            closeQuietly(connection);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // Expected when the connection itself broke; the server rolls back on disconnect anyway.
            LOG.debug("rollback after a failed statement also failed: {}", Failures.describe(e));
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing only returns the connection to the pool, which discards a broken one; nothing is lost.
            LOG.debug("closing a connection failed: {}", Failures.describe(e));
        }
    }
}
