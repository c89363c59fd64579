package io.github.cdcmonitoring.localstack;

import static io.github.cdcmonitoring.localstack.Component.CONNECT;
import static io.github.cdcmonitoring.localstack.Component.CONNECT_METRICS;
import static io.github.cdcmonitoring.localstack.Component.CONTROLLER;
import static io.github.cdcmonitoring.localstack.Component.KAFKA;
import static io.github.cdcmonitoring.localstack.Component.KAFKA_METRICS;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * How the cluster shape's brokers and Connect workers start (docker-compose.cluster.yml): every broker at once, as one
 * KRaft quorum whose voters are all of them (a majority must run before any serves), and the workers while the
 * brokers start, all in one group, each told every broker. The first broker and worker take the single ones' ports;
 * the others free ports. Unlike the single broker and worker, none is moved to a fresh port when its port is taken
 * before the bind: a broker's controller port is part of every node's voter list, so moving one means restarting all.
 */
record ClusterStartup(StackConfiguration config, LocalStack stack, StartedComponents started) {

    /** Starts the brokers and workers, waits for each, and returns the first worker. */
    ConnectWorker start(Path log4j) {
        List<StackConfiguration.BrokerNode> brokerNodes = config.nodes.brokers();
        List<StackConfiguration.WorkerNode> workerNodes = config.nodes.workers();
        int[] free = Ports.free(3 * (brokerNodes.size() - 1) + 2 * (workerNodes.size() - 1));
        int next = 0;
        List<int[]> brokerPorts = new ArrayList<>();
        StringJoiner voters = new StringJoiner(",");
        StringJoiner bootstrap = new StringJoiner(",");
        for (int i = 0; i < brokerNodes.size(); i++) {
            // listener, controller, metrics
            int[] nodePorts = i == 0
                    ? new int[] {config.ports.of(KAFKA), config.ports.of(CONTROLLER), config.ports.of(KAFKA_METRICS)}
                    : new int[] {free[next++], free[next++], free[next++]};
            brokerPorts.add(nodePorts);
            voters.add(KafkaBroker.Quorum.voter(KafkaBroker.nodeId(brokerNodes.get(i).settings()), nodePorts[1]));
            bootstrap.add("127.0.0.1:" + nodePorts[0]);
        }
        KafkaBroker.Quorum quorum = new KafkaBroker.Quorum(Uuid.randomUuid().toString(), voters.toString());
        List<KafkaBroker> brokers = new ArrayList<>();
        for (int i = 0; i < brokerNodes.size(); i++) {
            StackConfiguration.BrokerNode node = brokerNodes.get(i);
            int[] nodePorts = brokerPorts.get(i);
            brokers.add(started.recordBroker(KafkaBroker.launch(stack.dir(node.service()), nodePorts[0], nodePorts[1],
                    nodePorts[2], log4j, node.settings(), config.brokerAgent, quorum)));
        }
        List<ConnectWorker> workers = new ArrayList<>();
        for (int i = 0; i < workerNodes.size(); i++) {
            StackConfiguration.WorkerNode node = workerNodes.get(i);
            int restPort = i == 0 ? config.ports.of(CONNECT) : free[next++];
            int metricsPort = i == 0 ? config.ports.of(CONNECT_METRICS) : free[next++];
            ConnectWorker worker = started.recordWorker(ConnectWorker.create(new ConnectWorker.Settings(node.image(),
                    bootstrap.toString(), restPort, metricsPort, config.jmxExporterDir.resolve("target/connect-plugins"),
                    config.jmxExporterDir.resolve("target/jmx_prometheus_javaagent.jar"), config.jmxExporterConfig,
                    stack.dir(node.service()), log4j)));
            worker.launch();
            workers.add(worker);
        }
        brokers.forEach(KafkaBroker::awaitReady);
        stack.ready(KAFKA, "Kafka cluster ready: " + brokers.size() + " brokers, each a KRaft controller (voters "
                + quorum.voters() + "), on " + bootstrap + ", metrics at "
                + brokers.stream().map(KafkaBroker::metricsUrl).collect(Collectors.joining(" ")));
        workers.forEach(ConnectWorker::awaitReady);
        stack.ready(CONNECT, "Kafka Connect ready: " + workers.size() + " workers in group "
                + config.connectImage.workerProperties().get("group.id") + " at "
                + workers.stream().map(ConnectWorker::restUrl).collect(Collectors.joining(" ")) + ", metrics at "
                + workers.stream().map(ConnectWorker::metricsUrl).collect(Collectors.joining(" ")));
        return workers.get(0);
    }
}
