package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from their beginning without a consumer group (nothing committed, so every reader sees everything).
 * Topics that do not exist yet are picked up as soon as they appear: a connector creates its table topics with the
 * first event. Keys and values are the JSON text the connector wrote (values are null for tombstones). Not
 * thread-safe, like the consumer it wraps.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final long TOPIC_REFRESH_MS = 500;

    private final KafkaConsumer<String, String> consumer;
    private final Set<String> topics;
    private final Set<String> assignedTopics = new LinkedHashSet<>();
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private long lastRefresh;

    /** A reader of {@code topicNames} on the stack's broker; close it when done. */
    static TopicReader of(LocalStack stack, String... topicNames) {
        return new TopicReader(stack.bootstrapServers(), Arrays.asList(topicNames));
    }

    public TopicReader(String bootstrapServers, Collection<String> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to read");
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(props);
        this.topics = Collections.unmodifiableSet(new LinkedHashSet<>(topics));
    }

    /**
     * Reads until no record has arrived for {@code idle} (or {@code max} has passed, whichever is first) and returns
     * the records read by this call, in arrival order per partition.
     */
    public List<ConsumerRecord<String, String>> pollUntilIdle(Duration idle, Duration max) {
        long start = System.nanoTime();
        long lastRecord = start;
        int from = records.size();
        while (System.nanoTime() - start < max.toNanos() && System.nanoTime() - lastRecord < idle.toNanos()) {
            if (pollOnce() > 0) {
                lastRecord = System.nanoTime();
            }
        }
        return List.copyOf(records.subList(from, records.size()));
    }

    /** Reads until a record matches (it is returned) or the timeout passes (empty). */
    public Optional<ConsumerRecord<String, String>> awaitFirst(Predicate<ConsumerRecord<String, String>> match,
                                                               Duration timeout) {
        AtomicInteger checked = new AtomicInteger();
        AtomicReference<ConsumerRecord<String, String>> found = new AtomicReference<>();
        Waits.within(timeout, Duration.ofMillis(1), () -> {
            for (ConsumerRecord<String, String> record : records.subList(checked.get(), records.size())) {
                if (match.test(record)) {
                    found.set(record);
                    return true;
                }
            }
            checked.set(records.size());
            pollOnce(); // blocks for up to POLL
            return false;
        });
        return Optional.ofNullable(found.get());
    }

    /** Every record read so far. */
    public List<ConsumerRecord<String, String>> records() {
        return Collections.unmodifiableList(records);
    }

    private int pollOnce() {
        refreshIfDue();
        if (assignedTopics.isEmpty()) {
            // No topic exists yet: wait for the first as long as a poll would wait for records.
            Waits.within(POLL, Duration.ofMillis(50), () -> {
                refreshIfDue();
                return !assignedTopics.isEmpty();
            });
            return 0;
        }
        int before = records.size();
        consumer.poll(POLL).forEach(records::add);
        return records.size() - before;
    }

    private void refreshIfDue() {
        if (assignedTopics.size() < topics.size() && System.currentTimeMillis() - lastRefresh >= TOPIC_REFRESH_MS) {
            refreshAssignment();
        }
    }

    private void refreshAssignment() {
        lastRefresh = System.currentTimeMillis();
        Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(5));
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            if (!assignedTopics.contains(topic) && existing.containsKey(topic)) {
                existing.get(topic).forEach(p -> added.add(new TopicPartition(p.topic(), p.partition())));
                assignedTopics.add(topic);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            positions.put(partition, consumer.position(partition));
        }
        List<TopicPartition> all = new ArrayList<>(positions.keySet());
        all.addAll(added);
        consumer.assign(all);
        positions.forEach(consumer::seek);
        consumer.seekToBeginning(added);
    }


    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
