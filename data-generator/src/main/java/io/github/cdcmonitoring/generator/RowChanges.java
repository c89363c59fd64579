package io.github.cdcmonitoring.generator;

import java.util.List;

/**
 * Rows changed by one transaction, per table and operation, as PostgreSQL reported them (update counts). They only
 * become part of {@link CommittedCounts} once the transaction is known to have committed.
 */
final class RowChanges {

    /**
     * The schema of both tables. The statements name them unqualified; the generator's role has the default
     * search_path ("$user", public) and init-db.sql creates them in public and no schema named after the role, so
     * they resolve to public.users and public.orders. The metrics carry it because other schemas hold tables of the
     * same names (the inventory dataset's inventory.orders), and the change exporter labels schema and table alike.
     */
    static final String SCHEMA = "public";
    static final List<String> TABLES = List.of("users", "orders");
    static final List<String> OPERATIONS = List.of("insert", "update", "delete");

    static final int USERS = 0;
    static final int ORDERS = 1;
    static final int INSERT = 0;
    static final int UPDATE = 1;
    static final int DELETE = 2;

    private final long[] rows = new long[TABLES.size() * OPERATIONS.size()];

    void add(int table, int operation, long count) {
        if (count < 0) {
            // The JDBC driver reports SUCCESS_NO_INFO (-2) when it rewrites batches: such a count is not exact, and
            // exact counts are this class's whole purpose.
            throw new IllegalStateException("the driver did not report an exact row count (" + count + ")");
        }
        rows[index(table, operation)] += count;
    }

    long get(int table, int operation) {
        return rows[index(table, operation)];
    }

    static int index(int table, int operation) {
        return table * OPERATIONS.size() + operation;
    }

    static int tableIndex(String table) {
        int index = TABLES.indexOf(table);
        if (index < 0) {
            throw new IllegalArgumentException("unknown table '" + table + "', expected one of " + TABLES);
        }
        return index;
    }

    static int operationIndex(String operation) {
        int index = OPERATIONS.indexOf(operation);
        if (index < 0) {
            throw new IllegalArgumentException("unknown operation '" + operation + "', expected one of " + OPERATIONS);
        }
        return index;
    }
}
