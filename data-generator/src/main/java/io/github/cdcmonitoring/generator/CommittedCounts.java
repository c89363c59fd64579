package io.github.cdcmonitoring.generator;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rows changed by the generator's committed transactions, per table ({@code users}, {@code orders}) and operation
 * ({@code insert}, {@code update}, {@code delete}). These are PostgreSQL's own row counts: a user deleted with its
 * three orders adds 1 to users/delete and 3 to orders/delete, an update that matched no row adds nothing. A
 * transaction that did not commit is never counted, and one that committed is counted exactly once, also when the
 * connection broke during its COMMIT (see {@link TransactionRunner}). Each count therefore equals the number of
 * change events (create, update, delete) that logical decoding emits for that table.
 *
 * <p>Thread-safe. While the generator runs the values only grow; read them after {@link DataGenerator#run()}
 * returned for a consistent set.
 */
public final class CommittedCounts {

    private final AtomicLongArray rows = new AtomicLongArray(RowChanges.TABLES.size() * RowChanges.OPERATIONS.size());
    private final LongAdder transactions = new LongAdder();
    private final LongAdder operations = new LongAdder();

    void add(RowChanges changes, int operationCount) {
        for (int table = 0; table < RowChanges.TABLES.size(); table++) {
            for (int operation = 0; operation < RowChanges.OPERATIONS.size(); operation++) {
                long count = changes.get(table, operation);
                if (count != 0) {
                    rows.addAndGet(RowChanges.index(table, operation), count);
                }
            }
        }
        operations.add(operationCount);
        transactions.increment();
    }

    /**
     * Rows of {@code table} changed by {@code operation} in committed transactions.
     *
     * @param table {@code users} or {@code orders}
     * @param operation {@code insert}, {@code update} or {@code delete}
     * @throws IllegalArgumentException for any other table or operation name
     */
    public long rows(String table, String operation) {
        return rows.get(RowChanges.index(RowChanges.tableIndex(table), RowChanges.operationIndex(operation)));
    }

    /** Rows of {@code table} that the committed transactions left in it: inserts minus deletes. */
    public long netRows(String table) {
        return rows(table, "insert") - rows(table, "delete");
    }

    /** Committed transactions (one per operation, or one per batch with GENERATOR_BATCH_SIZE above 1). */
    public long transactions() {
        return transactions.sum();
    }

    /** Committed operations, the unit of GENERATOR_RATE and GENERATOR_MAX_OPS. */
    public long operations() {
        return operations.sum();
    }

    /** One line for logs: {@code users +I ~U -D, orders +I ~U -D}. */
    String describeRows() {
        return "users +" + rows("users", "insert") + " ~" + rows("users", "update") + " -" + rows("users", "delete")
                + ", orders +" + rows("orders", "insert") + " ~" + rows("orders", "update") + " -"
                + rows("orders", "delete");
    }

    @Override
    public String toString() {
        return operations() + " operations in " + transactions() + " transactions; " + describeRows();
    }
}
