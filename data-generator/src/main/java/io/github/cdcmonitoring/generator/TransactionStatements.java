package io.github.cdcmonitoring.generator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalInt;

/**
 * Executes the statements of one transaction and learns the transaction's id on the way.
 *
 * <p>{@link CommitOutcomeResolver} needs the id of every transaction that might commit. Asking for it in a statement
 * of its own would cost a network round trip per transaction (a third more at full speed), so the id query rides
 * along with the transaction's first statement: pgjdbc sends {@code SELECT pg_current_xact_id(); <statement>} as
 * one pipelined message sequence. Only when the first statement is a batch does the id cost a round trip of its own.
 */
final class TransactionStatements {

    private static final String TRANSACTION_ID = "SELECT pg_current_xact_id()::text";

    /** Parameters for one execution of a prepared statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private final Connection connection;
    private String transactionId;

    TransactionStatements(Connection connection) {
        this.connection = connection;
    }

    /** The transaction's id, as text; queried now if no statement has run yet. */
    String transactionId() throws SQLException {
        if (transactionId == null) {
            try (PreparedStatement query = connection.prepareStatement(TRANSACTION_ID);
                 ResultSet row = query.executeQuery()) {
                row.next();
                transactionId = row.getString(1);
            }
        }
        return transactionId;
    }

    /** Executes a data-changing statement once; returns the rows it changed. */
    long update(String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = prepare(sql)) {
            binder.bind(statement);
            if (transactionId == null) {
                readTransactionId(statement);
                return exact(statement.getUpdateCount());
            }
            return exact(statement.executeUpdate());
        }
    }

    /**
     * Executes a data-changing statement {@code count} times with fresh parameters, as one JDBC batch (one round trip);
     * returns the rows changed in total.
     */
    long updateTimes(String sql, int count, Binder binder) throws SQLException {
        if (count == 1) {
            return update(sql, binder);
        }
        transactionId();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                binder.bind(statement);
                statement.addBatch();
            }
            long total = 0;
            for (int rows : statement.executeBatch()) {
                total += exact(rows);
            }
            return total;
        }
    }

    /** The first column of the first row of a query returning an integer, if it returns a row. */
    OptionalInt queryInt(String sql) throws SQLException {
        try (PreparedStatement statement = prepare(sql)) {
            if (transactionId == null) {
                readTransactionId(statement);
            } else {
                statement.execute();
            }
            try (ResultSet row = statement.getResultSet()) {
                return row.next() ? OptionalInt.of(row.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        // The id query has no parameters, so the statement's parameters keep their numbers.
        return connection.prepareStatement(transactionId == null ? TRANSACTION_ID + "; " + sql : sql);
    }

    /** Runs a statement prefixed with the id query, reads the id and moves on to the statement's own result. */
    private void readTransactionId(PreparedStatement statement) throws SQLException {
        statement.execute();
        try (ResultSet row = statement.getResultSet()) {
            row.next();
            transactionId = row.getString(1);
        }
        statement.getMoreResults();
    }

    private static long exact(int rows) {
        if (rows < 0) {
            // SUCCESS_NO_INFO (-2) from a rewritten batch, or -1 for "no count": neither is an exact count.
            throw new IllegalStateException("the driver did not report an exact row count (" + rows + ")");
        }
        return rows;
    }
}
