package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** What the database really holds, read by the tests over their own connection. */
final class Tables {

    private final RepoPostgres pg;

    Tables(RepoPostgres pg) {
        this.pg = pg;
    }

    long count(String sql) {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    long rows(String table) {
        return count("SELECT count(*) FROM " + table);
    }

    /** Orders without a user: a NULL user_id (the foreign key allows it) or a dangling one. */
    long orphanOrders() {
        return count("SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL");
    }

    /**
     * PostgreSQL's own tally of rows inserted/updated/deleted per table (pg_stat_user_tables), keyed
     * {@code schema.table/operation}: every table named users or orders, in whatever schema. It also counts rows of
     * rolled-back transactions, so it equals the generator's committed counts only in a run without failures; and it
     * is flushed asynchronously, so compare with a wait.
     */
    Map<String, Long> statistics() {
        Map<String, Long> stats = new HashMap<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT schemaname || '.' || relname, n_tup_ins, n_tup_upd, n_tup_del "
                    + "FROM pg_stat_user_tables WHERE relname IN ('users', 'orders')")) {
                while (rs.next()) {
                    stats.put(rs.getString(1) + "/insert", rs.getLong(2));
                    stats.put(rs.getString(1) + "/update", rs.getLong(3));
                    stats.put(rs.getString(1) + "/delete", rs.getLong(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return stats;
    }

    static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new HashMap<>();
        after.forEach((key, value) -> diff.put(key, value - before.getOrDefault(key, 0L)));
        return diff;
    }

    /** The committed counts keyed like {@link #statistics()}: {@code public.users/insert}. */
    static Map<String, Long> asMap(CommittedCounts counts) {
        Map<String, Long> map = new HashMap<>();
        for (String table : RowChanges.TABLES) {
            for (String operation : RowChanges.OPERATIONS) {
                map.put(RowChanges.SCHEMA + "." + table + "/" + operation, counts.rows(table, operation));
            }
        }
        return map;
    }

    /** Generator settings pointing at this database; {@code settings} are extra KEY, VALUE pairs. */
    static Map<String, String> environment(RepoPostgres pg, String... settings) {
        return environment(pg.host(), pg.port(), pg, settings);
    }

    static Map<String, String> environment(String host, int port, RepoPostgres pg, String... settings) {
        Map<String, String> env = pg.clientEnvironment();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("GENERATOR_METRICS_PORT", "0");
        env.put("GENERATOR_DB_WAIT_SECONDS", "60");
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return env;
    }
}
