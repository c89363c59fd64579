package io.github.cdcmonitoring.localstack;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Rows written with plain SQL, e.g. before a connector registers, for its snapshot to read (op r). */
final class SnapshotRows {

    private SnapshotRows() {
    }

    /**
     * {@code users} users named {@code "<label> <i>"} with the email {@code <label><i>@example.com}, and {@code orders}
     * orders of the users with ids 1 to {@code users} (a fresh database's first users).
     */
    static void insert(LocalStack stack, String label, int users, int orders) throws SQLException {
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (name, email) SELECT '" + label + " ' || i, '" + label
                    + "' || i || '@example.com' FROM generate_series(1, " + users + ") i");
            if (orders > 0) {
                s.execute("INSERT INTO orders (user_id, product_name, quantity) SELECT 1 + i % " + users
                        + ", 'widget', i FROM generate_series(1, " + orders + ") i");
            }
        }
    }
}
