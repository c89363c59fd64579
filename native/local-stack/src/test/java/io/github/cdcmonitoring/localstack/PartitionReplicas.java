package io.github.cdcmonitoring.localstack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The cluster's partitions as the brokers describe them (Admin describeTopics): replicas, in-sync replicas and
 * leaders of every topic, internal ones included. What an operator's kafka-topics.sh --describe
 * --under-replicated-partitions shows, asked through every broker's address so that it answers with one broker down.
 */
final class PartitionReplicas implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;

    PartitionReplicas(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        this.admin = Admin.create(props);
    }

    /** Every topic's description, by name. */
    Map<String, TopicDescription> describeAll() {
        Collection<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
        return new TreeMap<>(get(admin.describeTopics(names).allTopicNames()));
    }

    /** The partitions whose in-sync replicas are fewer than their replicas, as {@code topic-partition isr/replicas}. */
    List<String> underReplicated() {
        List<String> under = new ArrayList<>();
        describeAll().forEach((topic, description) -> {
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    under.add(topic + "-" + partition.partition() + " " + partition.isr().size() + "/"
                            + partition.replicas().size());
                }
            }
        });
        return under;
    }

    /** Every topic's replication factor (the smallest of its partitions'), by name. */
    Map<String, Integer> replicationFactors() {
        Map<String, Integer> factors = new TreeMap<>();
        describeAll().forEach((topic, description) -> factors.put(topic,
                description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0)));
        return factors;
    }

    /** The node id leading partition 0 of {@code topic}. */
    int leaderOf(String topic) {
        return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().get(0).leader().id();
    }

    /** A topic's effective setting (its own or the broker's default). */
    String topicSetting(String topic, String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
        return config.get(name).value();
    }

    /** A topic of one partition on {@code replicas} (the first its preferred leader), with {@code settings}. */
    void createTopic(String topic, List<Integer> replicas, Map<String, String> settings) {
        get(admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas)).configs(settings))).all());
    }

    void deleteTopics(Collection<String> topics) {
        get(admin.deleteTopics(topics).all());
    }

    /** The partitions no replica leads, as {@code topic-partition}: what the active controller counts offline. */
    List<String> offline() {
        List<String> offline = new ArrayList<>();
        describeAll().forEach((topic, description) -> description.partitions().stream()
                .filter(partition -> partition.leader() == null || partition.leader().isEmpty())
                .forEach(partition -> offline.add(topic + "-" + partition.partition())));
        return offline;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer: " + e, e);
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
