package io.github.cdcmonitoring.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes users and orders into PostgreSQL: inserts, updates and deletes on both tables in the configured mix, at a
 * steady rate (or as fast as possible), from several connections, and counts exactly the rows its committed
 * transactions changed.
 *
 * <p>Use as a library (the end-to-end CDC tests do):
 * <pre>{@code
 * GeneratorConfig config = GeneratorConfig.fromEnvironment(Map.of(
 *         "PGHOST", "127.0.0.1", "PGPORT", "5432", "PGUSER", "cdc_generator",
 *         "PGPASSWORD", System.getenv("GENERATOR_DB_PASSWORD"),
 *         "GENERATOR_RATE", "0", "GENERATOR_MAX_OPS", "1000", "GENERATOR_METRICS_PORT", "0"));
 * try (DataGenerator generator = new DataGenerator(config)) {
 *     generator.run();                       // blocks until 1000 operations committed, or stop() from another thread
 *     long created = generator.counts().rows("orders", "insert");   // == Debezium create events on orders
 * }
 * }</pre>
 * <ul>
 *   <li>{@link #run()} waits for the database (with backoff), then writes until GENERATOR_MAX_OPS operations have
 *       committed or {@link #stop()} is called; it survives database restarts by retrying. It can be called once.</li>
 *   <li>{@link #stop()} may be called from any thread: transactions in flight finish (commit and are counted), none
 *       start afterwards, and {@link #run()} then returns.</li>
 *   <li>{@link #counts()} gives the committed row counts per table and operation; see {@link CommittedCounts} for
 *       the exact rule, which makes them equal to the CDC change events.</li>
 *   <li>{@link #close()} stops the generator and its /metrics server.</li>
 * </ul>
 */
public final class DataGenerator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataGenerator.class);

    private final GeneratorConfig config;
    private final CommittedCounts counts = new CommittedCounts();
    private final GeneratorMetrics metrics = new GeneratorMetrics();
    private final StopSignal stop = new StopSignal();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long writingSinceNanos;
    private volatile long writingUntilNanos;

    public DataGenerator(GeneratorConfig config) {
        this.config = config;
    }

    /**
     * Runs until GENERATOR_MAX_OPS operations have committed (never, if 0) or {@link #stop()} is called.
     *
     * @throws GeneratorException if the database stayed unreachable for longer than GENERATOR_DB_WAIT_SECONDS
     * @throws IllegalStateException if called a second time
     */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a DataGenerator runs once; create a new one");
        }
        LOG.info("data generator: {}", config);
        metrics.serve(config.metricsPort());
        LOG.info("metrics at http://localhost:{}/metrics", metrics.port());
        // One connection per worker, plus one to learn the outcome of a commit that broke off.
        try (Database database = new Database(config, config.threads() + 1)) {
            String version = database.awaitReady(stop);
            if (version == null) {
                return;
            }
            LOG.info("connected to PostgreSQL {} at {} as {}", version, database.describe(), config.user());
            TransactionRunner runner = new TransactionRunner(database, counts, metrics, stop, config.databaseWait());
            writingSinceNanos = System.nanoTime();
            try (ProgressReporter progress = new ProgressReporter(counts, metrics)) {
                runWorkers(runner);
            } finally {
                writingUntilNanos = System.nanoTime();
            }
        }
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
    }

    private void runWorkers(TransactionRunner runner) {
        RatePacer pacer = config.ratePerSecond() > 0 ? new RatePacer(config.ratePerSecond(), System::nanoTime) : null;
        OperationBudget budget = new OperationBudget(config.maxOperations());
        List<Thread> workers = new ArrayList<>();
        for (int i = 1; i <= config.threads(); i++) {
            Thread worker = new Thread(() -> work(runner, pacer, budget), "generator-worker-" + i);
            workers.add(worker);
            worker.start();
        }
        boolean interrupted = false;
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    // The caller wants out: stop the workers (they finish their transaction) and still wait for them,
                    // so that the counts are final when run() returns.
                    interrupted = true;
                    stop.request();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void work(TransactionRunner runner, RatePacer pacer, OperationBudget budget) {
        RandomGenerator random = ThreadLocalRandom.current();
        try {
            while (!stop.isRequested()) {
                int operationCount = budget.claim(config.batchSize());
                if (operationCount == 0) {
                    return;
                }
                if (pacer != null && !pacer.awaitSlot(stop)) {
                    return;
                }
                List<Operation> operations = new ArrayList<>(operationCount);
                for (int i = 0; i < operationCount; i++) {
                    operations.add(config.mix().pick(random));
                }
                if (!runner.commit(operations, random)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            // Record the first failure for run() to throw, and stop the other workers: the run is over.
            failure.compareAndSet(null, e);
            stop.request();
        }
    }

    /** Asks {@link #run()} to return once the transactions in flight have finished. Safe from any thread. */
    public void stop() {
        stop.request();
    }

    /** The rows changed by committed transactions so far. */
    public CommittedCounts counts() {
        return counts;
    }

    /** The port /metrics is served on (useful with GENERATOR_METRICS_PORT=0), or 0 before {@link #run()}. */
    public int metricsPort() {
        return metrics.port();
    }

    /** Failed transaction attempts so far (each was retried or abandoned on stop; none is counted). */
    public long errors() {
        return metrics.errors();
    }

    /**
     * Transactions whose COMMIT failed on the client side and which the server then reported committed
     * (pg_xact_status); each is counted once. After a crash this answer can be wrong: see CommitOutcomeResolver.
     */
    public long commitsConfirmedAfterFailure() {
        return metrics.ambiguousCommits(true);
    }

    GeneratorMetrics metrics() {
        return metrics;
    }

    /** One line: operations, rate, rows per table and operation, errors. */
    public String summary() {
        long since = writingSinceNanos;
        long until = writingUntilNanos == 0 ? System.nanoTime() : writingUntilNanos;
        double seconds = since == 0 ? 0 : (until - since) / 1e9;
        double rate = seconds > 0 ? counts.operations() / seconds : 0;
        return String.format(Locale.ROOT, "summary: %d operations committed in %d transactions over %.1f s "
                        + "(%.1f ops/s); users: %d inserted, %d updated, %d deleted; orders: %d inserted, %d updated, "
                        + "%d deleted; errors: %d",
                counts.operations(), counts.transactions(), seconds, rate,
                counts.rows("users", "insert"), counts.rows("users", "update"), counts.rows("users", "delete"),
                counts.rows("orders", "insert"), counts.rows("orders", "update"), counts.rows("orders", "delete"),
                errors());
    }

    /** Stops the generator (if running) and its /metrics server. */
    @Override
    public void close() {
        stop();
        metrics.close();
    }
}
