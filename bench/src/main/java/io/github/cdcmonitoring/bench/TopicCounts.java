package io.github.cdcmonitoring.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How many records a topic holds: the sum of its partitions' log end offsets, which is what "in Kafka" means for the
 * drain and capture figures (the broker has the record; no consumer needed).
 */
final class TopicCounts implements AutoCloseable {

    private final Admin admin;

    TopicCounts(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-topic-counts");
        this.admin = Admin.create(props);
    }

    /** The records written to the topic so far; 0 while it does not exist. */
    long endOffset(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            describe(topic).partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            long total = 0;
            for (var info : answer(admin.listOffsets(request).all(), "the end offsets of " + topic).values()) {
                total += info.offset();
            }
            return total;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getCause(), e);
        }
    }

    /** Replicas of the topic's first partition and the topic's effective min.insync.replicas. */
    record Replication(int replicas, String minInSyncReplicas) {
    }

    Replication replication(String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            ConfigEntry minIsr = answer(admin.describeConfigs(java.util.List.of(resource)).all(),
                    "the settings of " + topic).get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            return new Replication(describe(topic).partitions().get(0).replicas().size(),
                    minIsr == null ? "unknown" : minIsr.value());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e);
        }
    }

    private TopicDescription describe(String topic) throws ExecutionException {
        return answer(admin.describeTopics(java.util.List.of(topic)).allTopicNames(), "topic " + topic).get(topic);
    }

    /** The broker's answer within 10 s; its refusal stays an ExecutionException for the caller to judge. */
    private static <T> T answer(KafkaFuture<T> future, String what) throws ExecutionException {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer for " + what + " within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
