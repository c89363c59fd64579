package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.generator.CommittedCounts;
import io.github.cdcmonitoring.repo.Waits;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks that the table topics hold every committed change: the expected events per table and operation (snapshot
 * reads plus the generator's committed counts) against the distinct events read from the topics, and the table
 * state rebuilt from the topics against the tables themselves. Duplicates (at-least-once re-sends after a crash) are
 * counted, not failed. One reader reads the users and orders topics from their beginning for the whole test class;
 * close it after use.
 */
final class Reconciliation implements AutoCloseable {

    static final List<String> TABLES = List.of("users", "orders");
    static final List<String> OPS = List.of("r", "c", "u", "d");
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

    private final LocalStack stack;
    private final String usersTopic;
    private final String ordersTopic;
    private final TopicReader reader;
    /** What the connector must have produced so far, per table and op (r, c, u, d). */
    private final Map<String, Long> expected = new HashMap<>();
    /** source.lsn of each record the reader has read, in the same order (-1 for tombstones); filled lazily. */
    private final List<Long> sourceLsns = new ArrayList<>();

    /** The stack's connector's users and orders topics. */
    Reconciliation(LocalStack stack) {
        this(stack, stack.topic("public.users"), stack.topic("public.orders"));
    }

    /** Another connector's topics of the same tables (another topic.prefix). */
    Reconciliation(LocalStack stack, String usersTopic, String ordersTopic) {
        this.stack = stack;
        this.usersTopic = usersTopic;
        this.ordersTopic = ordersTopic;
        this.reader = TopicReader.of(stack, usersTopic, ordersTopic);
    }

    TopicReader reader() {
        return reader;
    }

    void expect(String table, String op, long more) {
        expected.merge(table + "/" + op, more, Long::sum);
    }

    /** Adds the generator's committed rows: each insert, update and delete is one c, u and d event. */
    /** Rows the generator committed, every table and operation: the changes a fault's outcome is counted against. */
    static long committedChanges(CommittedCounts counts) {
        long changes = 0;
        for (String table : TABLES) {
            for (String operation : List.of("insert", "update", "delete")) {
                changes += counts.rows(table, operation);
            }
        }
        return changes;
    }

    void expectAll(CommittedCounts counts) {
        for (String table : TABLES) {
            expect(table, "c", counts.rows(table, "insert"));
            expect(table, "u", counts.rows(table, "update"));
            expect(table, "d", counts.rows(table, "delete"));
        }
    }

    long expected(String table, String op) {
        return expected.getOrDefault(table + "/" + op, 0L);
    }

    /**
     * For a stack that was written before the test could count (the monitoring stack's own generator): waits until
     * the state rebuilt from the topics equals the tables, then expects exactly the distinct events read so far.
     */
    void startFromWhatArrived(Duration atMost) {
        await("the topics' state equal to the tables").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    reader.pollUntilIdle(Duration.ofMillis(500), Duration.ofSeconds(5));
                    current().assertMatchesTables();
                });
        Drained arrived = current();
        expected.clear();
        for (String table : TABLES) {
            for (String op : OPS) {
                expect(table, op, arrived.table(table).distinct(op));
            }
        }
    }

    /**
     * Reads until a change event arrives whose transaction PostgreSQL committed after {@code epochMillis} (Debezium's
     * source.ts_ms); returns whether one did within {@code atMost}.
     */
    boolean awaitChangeCommittedAfter(long epochMillis, Duration atMost) {
        return reader.awaitFirst(r -> r.value() != null
                && JsonText.read(r.value()).at("/source/ts_ms").asLong() > epochMillis, atMost).isPresent();
    }

    /** Reads the topics until every expected event has arrived (bounded), then a little longer to catch extras. */
    Drained drain() {
        Waits.within(DRAIN_TIMEOUT, Duration.ofMillis(1), () -> {
            reader.pollUntilIdle(Duration.ofMillis(500), Duration.ofSeconds(5));
            return current().lost() == 0;
        });
        reader.pollUntilIdle(Duration.ofSeconds(2), Duration.ofSeconds(10));
        return current();
    }

    /** What has been read so far, without reading more. */
    Drained current() {
        List<ConsumerRecord<String, String>> records = reader.records();
        return new Drained(ChangeStream.of(records, usersTopic), ChangeStream.of(records, ordersTopic));
    }

    /** Change events read from the table topics whose source LSN lies beyond {@code lsn}. */
    long eventsBeyond(long lsn) {
        List<ConsumerRecord<String, String>> records = reader.records();
        for (int i = sourceLsns.size(); i < records.size(); i++) {
            String value = records.get(i).value();
            sourceLsns.add(value == null ? -1 : JsonText.read(value).at("/source/lsn").asLong());
        }
        return sourceLsns.stream().filter(l -> l > lsn).count();
    }

    @Override
    public void close() {
        reader.close();
    }

    /** The two table topics as read at one moment, compared with what was expected and with the tables. */
    final class Drained {

        private final ChangeStream users;
        private final ChangeStream orders;

        private Drained(ChangeStream users, ChangeStream orders) {
            this.users = users;
            this.orders = orders;
        }

        ChangeStream users() {
            return users;
        }

        ChangeStream orders() {
            return orders;
        }

        ChangeStream table(String table) {
            return "users".equals(table) ? users : orders;
        }

        /** Events received more than once (same source LSN, op and key). */
        long duplicates() {
            return users.duplicates() + orders.duplicates();
        }

        /** Expected events not (yet) read: 0 once everything committed has arrived. */
        long lost() {
            long missing = 0;
            for (String table : TABLES) {
                for (String op : OPS) {
                    missing += Math.max(0, expected(table, op) - table(table).distinct(op));
                }
            }
            return missing;
        }

        /** Distinct create, update and delete events of both tables. */
        long changeEvents() {
            long events = 0;
            for (String table : TABLES) {
                for (String op : List.of("c", "u", "d")) {
                    events += table(table).distinct(op);
                }
            }
            return events;
        }

        void assertMatchesTables() {
            try (Connection c = stack.postgres().connect()) {
                assertThat(TableState.USERS.rebuilt(users)).isEqualTo(TableState.USERS.select(c));
                assertThat(TableState.ORDERS.rebuilt(orders)).isEqualTo(TableState.ORDERS.select(c));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        void assertEventCountsAsExpected() {
            assertEventCountsAsExpected(0);
        }

        /**
         * Distinct events per table and op equal the generator's counts, except that up to {@code uncertain} of
         * them may be missing: transactions (one row each at batch size 1) that the generator counted because
         * pg_xact_status said "committed" after their COMMIT failed, an answer a crash can make wrong (see
         * CommitOutcomeResolver). Never more events than counted.
         */
        void assertEventCountsAsExpected(long uncertain) {
            long missing = 0;
            for (String table : TABLES) {
                for (String op : OPS) {
                    long events = table(table).distinct(op);
                    assertThat(events).as(table + " " + op + " events").isLessThanOrEqualTo(expected(table, op));
                    missing += expected(table, op) - events;
                }
            }
            assertThat(missing).as("events the generator counted but no topic holds, beyond the %d transactions "
                    + "confirmed committed after a failed COMMIT", uncertain).isLessThanOrEqualTo(uncertain);
        }
    }
}
