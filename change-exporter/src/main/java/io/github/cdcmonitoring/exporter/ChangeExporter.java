package io.github.cdcmonitoring.exporter;

import io.github.cdcmonitoring.service.ProgressLine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes every topic matching the pattern in one consumer group and turns each record into metrics. Offsets of
 * counted records are committed at most once a second (a commit per poll made the broker serve a hundred commits a
 * second at 1,000 changes/s; BENCHMARKS.md) and always on stop, so a restart with the same group resumes after them
 * instead of counting them again (a crash counts up to the last second's records twice: at least once).
 *
 * <p>{@link #run()} blocks until {@link #stop()} (any thread) or a failure; it waits for Kafka first, with a backoff
 * bounded by CHANGE_EXPORTER_KAFKA_WAIT_SECONDS.
 */
final class ChangeExporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeExporter.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long LAG_REFRESH_MILLIS = 2_000;
    private static final long COMMIT_INTERVAL_MILLIS = 1_000;
    /** How long one commit may wait for an unreachable Kafka before the loop goes on counting (and tries again). */
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    /** Records were counted since the last commit (only the polling thread, and poll's rebalance callbacks, use it). */
    private boolean uncommitted;
    static final long PROGRESS_INTERVAL_MILLIS = 15_000;
    private static final long FIRST_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final Duration KAFKA_ATTEMPT = Duration.ofSeconds(5);

    private final ExporterConfig config;
    private final LongSupplier clockMillis;
    private final ExporterMetrics metrics;
    private final ChangeEventParser parser = new ChangeEventParser();
    private final Totals totals = new Totals();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Topic to its table, learnt from change events, to label the tombstones that follow deletes. */
    private final Map<String, String[]> topicTables = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private long startedMillis;

    ChangeExporter(ExporterConfig config) {
        this(config, System::currentTimeMillis);
    }

    ChangeExporter(ExporterConfig config, LongSupplier clockMillis) {
        this.config = config;
        this.clockMillis = clockMillis;
        this.metrics = new ExporterMetrics(clockMillis);
    }

    /**
     * Serves /metrics, waits for Kafka, then consumes until stopped.
     *
     * @throws ExporterException if the metrics port cannot be bound or Kafka did not answer in time
     */
    void run() {
        startedMillis = clockMillis.getAsLong();
        LOG.info("change exporter: {}", config);
        try {
            metrics.serve(config.metricsPort());
        } catch (RuntimeException e) {
            throw new ExporterException(e.getMessage(), e);
        }
        LOG.info("metrics at http://localhost:{}/metrics", metrics.port());
        KafkaConsumer<byte[], byte[]> kafka = awaitKafka();
        if (kafka == null) {
            return;
        }
        try {
            consume(kafka);
        } finally {
            kafka.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> kafka) {
        kafka.subscribe(config.topicPattern(), commitBeforeRevoke(kafka));
        LOG.info("subscribed to topics matching {} as group {}", config.topicPattern().pattern(), config.groupId());
        // Events per second since the last line, the totals, the lag.
        ProgressLine progress = new ProgressLine(LOG::info, "events", PROGRESS_INTERVAL_MILLIS,
                clockMillis.getAsLong());
        long nextLagRefresh = 0;
        long lastCommit = 0;
        uncommitted = false;
        try {
            while (!isStopRequested()) {
                ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                records.forEach(this::handle);
                uncommitted |= !records.isEmpty();
                long now = clockMillis.getAsLong();
                if (uncommitted && now - lastCommit >= COMMIT_INTERVAL_MILLIS) {
                    uncommitted = !commit(kafka);
                    lastCommit = now;
                }
                if (now >= nextLagRefresh) {
                    refreshLag(kafka);
                    nextLagRefresh = now + LAG_REFRESH_MILLIS;
                }
                progress.logIfDue(now, totals.changeEvents(),
                        () -> "; " + totals.describe() + "; lag " + metrics.totalLag() + " records");
            }
        } catch (WakeupException e) {
            // stop(): fall through to the final commit
        }
        commitOnStop(kafka);
    }

    /**
     * A rebalance (a new topic matching the pattern makes one) restarts each partition from its committed offset:
     * what was counted is committed first, or those records would be counted again.
     */
    private ConsumerRebalanceListener commitBeforeRevoke(KafkaConsumer<byte[], byte[]> kafka) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (uncommitted && !partitions.isEmpty()) {
                    commit(kafka);
                    uncommitted = false;
                }
                partitions.forEach(metrics::partitionRevoked);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                Set<String> topics = new HashSet<>();
                partitions.forEach(p -> topics.add(p.topic()));
                topics.forEach(metrics::topicAssigned);
                if (!partitions.isEmpty()) {
                    LOG.info("assigned {} partition(s) of {}", partitions.size(), topics);
                }
            }
        };
    }

    /**
     * Records counted since the last commit (or whose commit the stop interrupted) are committed now, or a restart
     * would count them again. A wakeup has been consumed by its exception: this call is not interrupted.
     */
    private void commitOnStop(KafkaConsumer<byte[], byte[]> kafka) {
        if (!uncommitted) {
            return;
        }
        try {
            kafka.commitSync(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.warn("could not commit the last batch on shutdown ({}); a restart counts it again", e.toString());
        }
    }

    /**
     * Commits what the polls so far returned; false if it should be tried again. A rebalance that took the partitions
     * away meanwhile makes the commit fail; the new owner then reads those records again (at least once), which is no
     * reason to stop. Nor is Kafka being unreachable (a broker restarting): the commit is tried again at the next
     * interval, and until then the counting goes on; a crash meanwhile means those records are read again.
     */
    private static boolean commit(KafkaConsumer<byte[], byte[]> kafka) {
        try {
            kafka.commitSync(COMMIT_TIMEOUT);
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("offset commit failed ({}); the batch will be read again", e.toString());
            return true;
        } catch (RetriableException e) {
            LOG.warn("offset commit failed ({}); trying again at the next commit", e.toString());
            return false;
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        ParsedRecord parsed = parser.parse(topic, record.value());
        totals.count(parsed);
        if (parsed instanceof ParsedRecord.Change change) {
            topicTables.putIfAbsent(topic, new String[] {change.schema(), change.table()});
            metrics.change(topic, change, record.timestamp(), clockMillis.getAsLong());
        } else if (parsed instanceof ParsedRecord.Tombstone) {
            String[] table = topicTables.computeIfAbsent(topic, ChangeExporter::tableFromTopic);
            metrics.tombstone(topic, table[0], table[1]);
        } else if (parsed instanceof ParsedRecord.Heartbeat) {
            metrics.heartbeat();
        } else if (parsed instanceof ParsedRecord.Unparsable unparsable) {
            metrics.unparsable(topic);
            LOG.warn("skipped unparsable record {}-{}@{}: {}", topic, record.partition(), record.offset(),
                    unparsable.reason());
        }
    }

    /**
     * Schema and table of a tombstone whose topic has not carried a change event yet (they were compacted away, or
     * the exporter started right after them): Debezium names topics {@code <prefix>.<schema>.<table>}.
     */
    static String[] tableFromTopic(String topic) {
        String[] parts = topic.split("\\.");
        if (parts.length >= 3) {
            return new String[] {parts[parts.length - 2], parts[parts.length - 1]};
        }
        return new String[] {"", topic};
    }

    private void refreshLag(KafkaConsumer<byte[], byte[]> kafka) {
        Set<TopicPartition> assigned = kafka.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, Long> ends = kafka.endOffsets(assigned, Duration.ofSeconds(2));
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                long position = kafka.position(end.getKey(), Duration.ofSeconds(2));
                metrics.lag(end.getKey(), end.getValue() - position);
            }
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Lag is a gauge: the next refresh, a few seconds later, corrects it. Counting goes on meanwhile.
            LOG.debug("lag refresh failed: {}", e.toString());
        }
    }

    /** Creates the consumer once Kafka answers; null if a stop came first. */
    private KafkaConsumer<byte[], byte[]> awaitKafka() {
        long deadline = System.nanoTime() + config.kafkaWait().toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        int attempts = 0;
        while (!isStopRequested()) {
            attempts++;
            KafkaConsumer<byte[], byte[]> candidate = null;
            String error;
            try {
                candidate = new KafkaConsumer<>(consumerProperties());
                consumer = candidate;
                if (isStopRequested()) {
                    candidate.close(Duration.ZERO);
                    return null;
                }
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                candidate.listTopics(Duration.ofMillis(Math.min(KAFKA_ATTEMPT.toMillis(), left)));
                LOG.info("connected to Kafka at {} (attempt {})", config.bootstrapServers(), attempts);
                return candidate;
            } catch (WakeupException e) {
                candidate.close(Duration.ZERO);
                return null;
            } catch (KafkaException e) {
                // Timeout while the broker is down; "no resolvable bootstrap urls" while its DNS name does not exist
                // yet (compose starts services in parallel).
                error = rootMessage(e);
                if (candidate != null) {
                    candidate.close(Duration.ZERO);
                }
                consumer = null;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new ExporterException("Kafka at " + config.bootstrapServers() + " did not answer within "
                        + config.kafkaWait().toSeconds() + " s (" + attempts + " attempts, last: " + error + ")", null);
            }
            LOG.info("waiting for Kafka at {}: {}; next attempt in {} ms", config.bootstrapServers(), error,
                    Math.min(backoff, left));
            try {
                if (stopRequested.await(Math.min(backoff, left), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
        return null;
    }

    /** "Failed to construct kafka consumer" says less than its cause ("No resolvable bootstrap urls ..."). */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        // Bytes in, so that a value that is not even UTF-8 reaches the parser (and is counted) instead of making the
        // deserializer throw inside poll().
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new group (or a topic created later) is read from its start: the snapshot and every change are counted.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The pattern is matched against the metadata, refreshed every 5 min by default: a table added to the
        // connector would go unmeasured that long. 5 s costs one small metadata request.
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        // After a crash (SIGKILL, OOM kill) the dead member stays in the group until its session times out, and the
        // restarted exporter gets no partition before then: 45 s with Kafka's default, 10 s here. The exporter
        // heartbeats from its own thread every 3 s and polls every 0.5 s, so 10 s is never reached while it lives.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    private boolean isStopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Makes {@link #run()} return soon: the current batch is counted and committed first. Safe from any thread. */
    void stop() {
        stopRequested.countDown();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    int metricsPort() {
        return metrics.port();
    }

    /** One line: running time and what was consumed. */
    String summary() {
        long seconds = startedMillis == 0 ? 0 : (clockMillis.getAsLong() - startedMillis) / 1000;
        return "summary: " + totals.describe() + " in " + seconds + " s";
    }

    @Override
    public void close() {
        stop();
        metrics.close();
    }
}
