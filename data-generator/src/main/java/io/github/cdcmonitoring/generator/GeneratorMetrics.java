package io.github.cdcmonitoring.generator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.github.cdcmonitoring.service.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The generator's Prometheus metrics, served at {@code /metrics}. Each generator has its own registry, so that
 * several generators (or a test and the code it embeds) can live in one JVM without clashing over the default one.
 *
 * <ul>
 *   <li>{@code generator_committed_rows_total{schema,table,operation}}: the same numbers as {@link CommittedCounts};
 *       schema is always {@value RowChanges#SCHEMA}</li>
 *   <li>{@code generator_committed_transactions_total}</li>
 *   <li>{@code generator_errors_total{kind}}: failed attempts, each retried; kind is {@code connect} (no connection),
 *       {@code statement} (a statement failed, the transaction rolled back) or {@code commit} (COMMIT failed)</li>
 *   <li>{@code generator_ambiguous_commits_total{outcome}}: commits whose connection broke before the answer
 *       arrived, by what the server said afterwards ({@code committed} or {@code aborted})</li>
 *   <li>{@code generator_transaction_duration_seconds}: begin to commit acknowledgement of committed transactions</li>
 * </ul>
 */
final class GeneratorMetrics implements AutoCloseable {

    static final String CONNECT = "connect";
    static final String STATEMENT = "statement";
    static final String COMMIT = "commit";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter committedRows;
    private final Counter committedTransactions;
    private final Counter errors;
    private final Counter ambiguousCommits;
    private final Histogram transactionDuration;
    private final MetricsEndpoint endpoint = new MetricsEndpoint(registry);

    GeneratorMetrics() {
        committedRows = Counter.builder()
                .name("generator_committed_rows_total")
                .help("Rows changed by committed transactions of the data generator")
                .labelNames("schema", "table", "operation")
                .withoutExemplars()
                .register(registry);
        committedTransactions = Counter.builder()
                .name("generator_committed_transactions_total")
                .help("Transactions the data generator committed")
                .withoutExemplars()
                .register(registry);
        errors = Counter.builder()
                .name("generator_errors_total")
                .help("Failed transaction attempts of the data generator, each retried")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        ambiguousCommits = Counter.builder()
                .name("generator_ambiguous_commits_total")
                .help("Commits whose connection broke before the answer arrived, by the outcome found afterwards")
                .labelNames("outcome")
                .withoutExemplars()
                .register(registry);
        transactionDuration = Histogram.builder()
                .name("generator_transaction_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Time from the start of a committed transaction to its commit acknowledgement")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .withoutExemplars()
                .register(registry);
        // Every series exists from the start at 0, so that rate() and absent() work before the first change.
        for (String table : RowChanges.TABLES) {
            for (String operation : RowChanges.OPERATIONS) {
                committedRows.initLabelValues(RowChanges.SCHEMA, table, operation);
            }
        }
        for (String kind : new String[] {CONNECT, STATEMENT, COMMIT}) {
            errors.initLabelValues(kind);
        }
        ambiguousCommits.initLabelValues("committed");
        ambiguousCommits.initLabelValues("aborted");
    }

    /** Starts the HTTP server on all interfaces (other containers scrape it); port 0 picks a free one. */
    void serve(int port) {
        endpoint.serve(port);
    }

    /** The port /metrics is served on, or 0 while not serving. */
    int port() {
        return endpoint.port();
    }

    void committed(RowChanges changes, long durationNanos) {
        for (int table = 0; table < RowChanges.TABLES.size(); table++) {
            for (int operation = 0; operation < RowChanges.OPERATIONS.size(); operation++) {
                long rows = changes.get(table, operation);
                if (rows != 0) {
                    committedRows.labelValues(RowChanges.SCHEMA, RowChanges.TABLES.get(table),
                            RowChanges.OPERATIONS.get(operation)).inc(rows);
                }
            }
        }
        committedTransactions.inc();
        transactionDuration.observe(durationNanos / 1e9);
    }

    void error(String kind) {
        errors.labelValues(kind).inc();
    }

    long errors() {
        return (long) (errors.labelValues(CONNECT).get() + errors.labelValues(STATEMENT).get()
                + errors.labelValues(COMMIT).get());
    }

    void ambiguousCommit(boolean committed) {
        ambiguousCommits.labelValues(committed ? "committed" : "aborted").inc();
    }

    long ambiguousCommits(boolean committed) {
        return (long) ambiguousCommits.labelValues(committed ? "committed" : "aborted").get();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
