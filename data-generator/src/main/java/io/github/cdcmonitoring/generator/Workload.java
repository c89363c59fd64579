package io.github.cdcmonitoring.generator;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The SQL behind each {@link Operation}, run inside a transaction the caller owns, returning the rows each statement
 * changed. All statements are prepared (pgjdbc switches them to server-side prepared statements after a few uses).
 * Several operations of one kind go to the server as one JDBC batch (pgjdbc pipelines a batch in a single round
 * trip); batches are never rewritten into multi-row inserts, because that makes the driver report SUCCESS_NO_INFO
 * instead of exact row counts.
 *
 * <p>Rows to update or delete are picked at random by id. The pick and the change happen in one statement, so a row
 * deleted meanwhile by another thread simply yields a count of 0 rather than an error.
 */
final class Workload {

    /** A random existing id: an index range scan from a random point below max(id). Empty table: no row. */
    private static final String RANDOM_USER_ID =
            "SELECT id FROM users WHERE id >= (SELECT floor(random() * max(id))::int FROM users) ORDER BY id LIMIT 1";
    private static final String RANDOM_ORDER_ID =
            "SELECT id FROM orders WHERE id >= (SELECT floor(random() * max(id))::int FROM orders) ORDER BY id LIMIT 1";

    private static final String INSERT_USER = "INSERT INTO users (name, email) VALUES (?, ?)";

    /*
     * FOR KEY SHARE holds the chosen user until commit, so that a concurrent user delete (which takes FOR UPDATE on
     * the user first) waits for this order instead of failing on the foreign key; if the user is deleted first, the
     * lock skips it and the next user is taken.
     */
    private static final String INSERT_ORDER = "INSERT INTO orders (user_id, product_name, quantity) "
            + "SELECT id, ?, ? FROM users WHERE id >= (SELECT floor(random() * max(id))::int FROM users) "
            + "ORDER BY id LIMIT 1 FOR KEY SHARE";

    /** The user and its order in one statement: one round trip for the pair the benchmark compares with pgbench. */
    private static final String INSERT_USER_WITH_ORDER = "WITH new_user AS ("
            + "INSERT INTO users (name, email) VALUES (?, ?) RETURNING id) "
            + "INSERT INTO orders (user_id, product_name, quantity) SELECT id, ?, ? FROM new_user";

    private static final String UPDATE_USER_EMAIL = "UPDATE users "
            + "SET email = lower(replace(name, ' ', '.')) || '.' || ? || '@' || ? WHERE id = (" + RANDOM_USER_ID + ")";
    private static final String UPDATE_ORDER_QUANTITY = "UPDATE orders SET quantity = ? WHERE id = (" + RANDOM_ORDER_ID
            + ")";
    private static final String DELETE_ORDER = "DELETE FROM orders WHERE id = (" + RANDOM_ORDER_ID + ")";

    /*
     * Deleting a user takes three statements in this order: lock the user (FOR UPDATE blocks new orders for it, see
     * INSERT_ORDER), delete its orders, delete the user. Orders go first because the foreign key requires it, and so
     * the CDC stream shows the orders' deletes before the user's.
     */
    private static final String LOCK_RANDOM_USER = RANDOM_USER_ID + " FOR UPDATE";
    private static final String DELETE_ORDERS_OF_USER = "DELETE FROM orders WHERE user_id = ?";
    private static final String DELETE_USER = "DELETE FROM users WHERE id = ?";

    private Workload() {
    }

    /** Runs the operations in the transaction of {@code statements} and returns the rows they changed. */
    static RowChanges execute(TransactionStatements statements, List<Operation> operations, RandomGenerator random)
            throws SQLException {
        int newUsers = 0;
        int newOrders = 0;
        int signups = 0;
        int emailUpdates = 0;
        int quantityUpdates = 0;
        int orderDeletes = 0;
        int userDeletes = 0;
        for (Operation operation : operations) {
            switch (operation) {
                case NEW_USER -> newUsers++;
                case NEW_ORDER -> newOrders++;
                case SIGNUP -> signups++;
                // Updates and deletes are split evenly between the two tables.
                case UPDATE -> {
                    if (random.nextBoolean()) {
                        emailUpdates++;
                    } else {
                        quantityUpdates++;
                    }
                }
                case DELETE -> {
                    if (random.nextBoolean()) {
                        orderDeletes++;
                    } else {
                        userDeletes++;
                    }
                }
            }
        }
        RowChanges changes = new RowChanges();
        if (newUsers > 0) {
            changes.add(RowChanges.USERS, RowChanges.INSERT, insertUsers(statements, newUsers, random));
        }
        if (signups > 0) {
            long orders = signup(statements, signups, random);
            // The CTE's user insert runs unconditionally, once per statement; the count reported is the orders'.
            changes.add(RowChanges.USERS, RowChanges.INSERT, signups);
            changes.add(RowChanges.ORDERS, RowChanges.INSERT, orders);
        }
        if (newOrders > 0) {
            changes.add(RowChanges.ORDERS, RowChanges.INSERT, insertOrders(statements, newOrders, random));
        }
        if (emailUpdates > 0) {
            changes.add(RowChanges.USERS, RowChanges.UPDATE, updateEmails(statements, emailUpdates, random));
        }
        if (quantityUpdates > 0) {
            changes.add(RowChanges.ORDERS, RowChanges.UPDATE, updateQuantities(statements, quantityUpdates, random));
        }
        if (orderDeletes > 0) {
            changes.add(RowChanges.ORDERS, RowChanges.DELETE, deleteOrders(statements, orderDeletes));
        }
        for (int i = 0; i < userDeletes; i++) {
            deleteUserWithOrders(statements, changes);
        }
        return changes;
    }

    private static long insertUsers(TransactionStatements statements, int count, RandomGenerator random)
            throws SQLException {
        return statements.updateTimes(INSERT_USER, count, insert -> bindNewUser(insert, random));
    }

    /** Sets parameters 1 and 2 (name, email) of an insert that creates a user. */
    private static void bindNewUser(PreparedStatement insert, RandomGenerator random) throws SQLException {
        String name = FakeData.name(random);
        insert.setString(1, name);
        insert.setString(2, FakeData.email(name, random));
    }

    private static long signup(TransactionStatements statements, int count, RandomGenerator random)
            throws SQLException {
        return statements.updateTimes(INSERT_USER_WITH_ORDER, count, insert -> {
            bindNewUser(insert, random);
            insert.setString(3, FakeData.product(random));
            insert.setInt(4, FakeData.quantity(random));
        });
    }

    private static long insertOrders(TransactionStatements statements, int count, RandomGenerator random)
            throws SQLException {
        return statements.updateTimes(INSERT_ORDER, count, insert -> {
            insert.setString(1, FakeData.product(random));
            insert.setInt(2, FakeData.quantity(random));
        });
    }

    private static long updateEmails(TransactionStatements statements, int count, RandomGenerator random)
            throws SQLException {
        return statements.updateTimes(UPDATE_USER_EMAIL, count, update -> {
            update.setString(1, FakeData.emailTag(random));
            update.setString(2, FakeData.domain(random));
        });
    }

    private static long updateQuantities(TransactionStatements statements, int count, RandomGenerator random)
            throws SQLException {
        return statements.updateTimes(UPDATE_ORDER_QUANTITY, count,
                update -> update.setInt(1, FakeData.quantity(random)));
    }

    private static long deleteOrders(TransactionStatements statements, int count) throws SQLException {
        return statements.updateTimes(DELETE_ORDER, count, delete -> { });
    }

    private static void deleteUserWithOrders(TransactionStatements statements, RowChanges changes)
            throws SQLException {
        OptionalInt user = statements.queryInt(LOCK_RANDOM_USER);
        if (user.isEmpty()) {
            return; // no users left: nothing to delete
        }
        int userId = user.getAsInt();
        changes.add(RowChanges.ORDERS, RowChanges.DELETE,
                statements.update(DELETE_ORDERS_OF_USER, delete -> delete.setInt(1, userId)));
        changes.add(RowChanges.USERS, RowChanges.DELETE,
                statements.update(DELETE_USER, delete -> delete.setInt(1, userId)));
    }
}
