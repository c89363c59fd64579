package io.github.cdcmonitoring.kubernetes;

/**
 * What the Kubernetes manifests decide that the compose stack does not: names, the three-node KRaft cluster and its
 * durability settings. Everything else comes from the repository's files (StackSources).
 */
public final class ClusterShape {

    /** The Strimzi release whose CRDs the manifests are written for (its v1 API) and tested against. */
    public static final String STRIMZI_VERSION = "1.2.0";

    public static final String STRIMZI_API = "kafka.strimzi.io/v1";
    public static final String MONITORING_API = "monitoring.coreos.com/v1";

    public static final String KAFKA_CLUSTER = "cdc-kafka";
    public static final String NODE_POOL = "dual-role";
    /** Strimzi's bootstrap Service of the cluster's plain internal listener. */
    public static final String BOOTSTRAP_SERVERS = KAFKA_CLUSTER + "-kafka-bootstrap:9092";
    public static final String CONNECT_CLUSTER = "cdc-connect";

    /** Three nodes, each broker and controller: a majority of two keeps the KRaft quorum through one node's loss. */
    public static final int KAFKA_NODES = 3;
    /** Every topic of the pipeline on all three nodes, and a write acknowledged by two, so that one node may fail. */
    public static final int REPLICATION_FACTOR = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;
    public static final String KAFKA_VOLUME_SIZE = "20Gi";
    /**
     * Two workers in one group, as the cluster shape runs them: the connector has one task (tasks.max 1, a PostgreSQL
     * slot's limit), and when the worker running it fails the other takes it over.
     */
    public static final int CONNECT_REPLICAS = 2;

    /**
     * The image Strimzi's build pushes the Connect image with the Debezium plugin to. A placeholder on purpose: a
     * registry the user can push to (README.md, "Apply"); .invalid never resolves, so nothing is pushed by mistake.
     */
    public static final String CONNECT_IMAGE_REPOSITORY = "registry.example.invalid/cdc-monitoring/cdc-connect";

    /** The Secret the user creates with the capture role's password (README.md); never generated. */
    public static final String CAPTURE_SECRET = "cdc-capture-credentials";
    public static final String CAPTURE_SECRET_KEY = "password";

    public static final String CONNECT_METRICS_CONFIGMAP = CONNECT_CLUSTER + "-jmx-exporter";
    public static final String BROKER_METRICS_CONFIGMAP = KAFKA_CLUSTER + "-jmx-exporter";
    /** The key of both JMX exporter ConfigMaps: the name the files have in the repository. */
    public static final String JMX_RULES_KEY = "config.yml";
    /** The port Strimzi gives the JMX exporter of its Kafka and Connect pods. */
    public static final String METRICS_PORT_NAME = "tcp-prometheus";

    /** The label Grafana's dashboard sidecar (kiwigrid k8s-sidecar, the Grafana Helm chart's default) looks for. */
    public static final String GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";

    public static final String PART_OF = "cdc-monitoring";

    private ClusterShape() {
    }
}
