package io.github.cdcmonitoring.localstack;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the stack, named as docker-compose.yml names its services. A part that listens carries the .env
 * setting compose publishes its port with, and one that Prometheus scrapes the job that prometheus.yml names for it
 * ({@code ComponentTest} reads both files).
 */
enum Component {

    POSTGRES("postgres", "POSTGRES_PORT", null),
    KAFKA("kafka", "KAFKA_PORT", null),
    /** The broker's KRaft controller listener, which compose does not publish. */
    CONTROLLER("controller", null, null),
    /** The JMX exporter agent inside the broker: Prometheus's {@code kafka} job. */
    KAFKA_METRICS("kafka-metrics", "KAFKA_METRICS_PORT", "kafka"),
    CONNECT("connect", "CONNECT_PORT", null),
    /** The JMX exporter agent inside Connect: Prometheus's {@code connect} job. */
    CONNECT_METRICS("connect-metrics", "CONNECT_METRICS_PORT", "connect"),
    /** register-postgresql.json registered and RUNNING (the connector-init service's work); no port of its own. */
    CONNECTOR("connector", null, null),
    DATA_GENERATOR("data-generator", "GENERATOR_METRICS_PORT", "data-generator"),
    CHANGE_EXPORTER("change-exporter", "CHANGE_EXPORTER_PORT", "change-exporter"),
    POSTGRES_EXPORTER("postgres-exporter", "POSTGRES_EXPORTER_PORT", "postgres-exporter"),
    NODE_EXPORTER("node-exporter", "NODE_EXPORTER_PORT", "node-exporter"),
    ALERTMANAGER("alertmanager", "ALERTMANAGER_PORT", "alertmanager"),
    PROMETHEUS("prometheus", "PROMETHEUS_PORT", "prometheus"),
    GRAFANA("grafana", "GRAFANA_PORT", null);

    private final String service;
    private final String portSetting;
    private final String job;

    Component(String service, String portSetting, String job) {
        this.service = service;
        this.portSetting = portSetting;
        this.job = job;
    }

    /** The compose service's name (Connect's metrics port: connect-metrics); used in every line about it. */
    @Override
    public String toString() {
        return service;
    }

    /** The .env setting compose publishes the port with, if compose publishes it. */
    Optional<String> portSetting() {
        return Optional.ofNullable(portSetting);
    }

    /** The scrape job of prometheus.yml, if Prometheus scrapes it. */
    Optional<String> job() {
        return Optional.ofNullable(job);
    }

    /** Whether it listens on a port of its own. */
    boolean listens() {
        return this != CONNECTOR;
    }

    /** Whether it runs only with {@link LocalStack.Builder#allServices(boolean)} (the generator and what follows). */
    boolean oneOfAllServices() {
        return ordinal() >= DATA_GENERATOR.ordinal();
    }

    /** Those that listen on a port. */
    static List<Component> listening() {
        return Arrays.stream(values()).filter(Component::listens).toList();
    }
}
