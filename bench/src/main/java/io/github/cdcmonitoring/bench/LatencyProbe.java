package io.github.cdcmonitoring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's own consumer, independent of the change exporter: reads the {@code users} topic from its end and
 * records, for every create event, the time it was consumed minus its commit time in the database
 * ({@code source.ts_ms}; with or without the JsonConverter's embedded schema). Both clocks are this machine's.
 */
final class LatencyProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean recording = new AtomicBoolean(false);
    private long[] samples = new long[1 << 16];
    private int count;
    private volatile RuntimeException failure;
    private volatile long position;
    private final TopicPartition partition;

    LatencyProbe(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-probe");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        thread = new Thread(this::consume, "bench-latency-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void consume() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                position = consumer.position(partition);
                if (!recording.get()) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    long committed = commitMillis(record.value());
                    if (committed > 0) {
                        add(now - committed);
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private static long commitMillis(byte[] value) {
        if (value == null) {
            return -1;
        }
        try {
            JsonNode root = JSON.readTree(value);
            JsonNode payload = root.has("payload") && root.has("schema") ? root.get("payload") : root;
            if (!"c".equals(payload.path("op").asText())) {
                return -1;
            }
            return payload.path("source").path("ts_ms").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private synchronized void add(long latency) {
        if (count == samples.length) {
            samples = java.util.Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = latency;
    }

    /** The offset of the next record it will read. */
    long position() {
        return position;
    }

    /** Starts a window: what is consumed from now on is recorded. */
    synchronized void begin() {
        count = 0;
        recording.set(true);
    }

    /** Ends the window and returns its latencies in milliseconds, sorted. */
    synchronized long[] end() {
        recording.set(false);
        if (failure != null) {
            throw new IllegalStateException("the benchmark's consumer failed: " + failure, failure);
        }
        return Percentiles.sorted(java.util.Arrays.copyOf(samples, count));
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
