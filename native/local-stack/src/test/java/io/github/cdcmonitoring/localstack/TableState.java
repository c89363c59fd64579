package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One captured table's rows in a form both sides can produce: id -> the row's column values as text, read either
 * with SELECT from PostgreSQL or from Debezium's "after" images. Timestamps are compared as microseconds since the
 * epoch, which is how Debezium encodes TIMESTAMP columns (MicroTimestamp).
 */
record TableState(String table, List<String> columns, List<String> timestampColumns) {

    static final TableState USERS = new TableState("users", List.of("id", "name", "email", "created_at"),
            List.of("created_at"));
    static final TableState ORDERS = new TableState("orders",
            List.of("id", "user_id", "product_name", "quantity", "order_date"), List.of("order_date"));

    Map<Long, String> select(Connection connection) throws SQLException {
        StringJoiner select = new StringJoiner(", ");
        for (String column : columns) {
            select.add(timestampColumns.contains(column)
                    ? "(EXTRACT(EPOCH FROM " + column + ") * 1000000)::bigint AS " + column : column);
        }
        Map<Long, String> rows = new TreeMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + select + " FROM public." + table)) {
            while (rs.next()) {
                StringJoiner row = new StringJoiner("|");
                for (String column : columns) {
                    row.add(String.valueOf(rs.getString(column)));
                }
                rows.put(rs.getLong("id"), row.toString());
            }
        }
        return rows;
    }

    Map<Long, String> rebuilt(ChangeStream stream) {
        Map<Long, String> rows = new TreeMap<>();
        stream.rows().forEach((id, after) -> {
            StringJoiner row = new StringJoiner("|");
            for (String column : columns) {
                JsonNode value = after.get(column);
                row.add(value == null || value.isNull() ? "null" : value.asText());
            }
            rows.put(id, row.toString());
        });
        return rows;
    }
}
