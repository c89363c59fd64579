package io.github.cdcmonitoring.kubernetes;

import static io.github.cdcmonitoring.kubernetes.ClusterShape.*;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the Prometheus Operator needs: a PodMonitor each for the Kafka and the Connect pods' JMX exporters, scraped as
 * the compose stack's Prometheus scrapes them (same job names and interval, so the rules and dashboards select the
 * same series), and every group of the repository's rule files as one PrometheusRule.
 */
final class MonitoringManifests {

    static final String RULES_NAME = "cdc-monitoring-rules";
    /** PodMonitor name -> the prometheus.yml job it stands for, and the Strimzi pods it selects. */
    static final Map<String, PodTarget> POD_MONITORS = podTargets();

    record PodTarget(String job, String strimziKind, String strimziName) {
    }

    private final StackSources sources;

    MonitoringManifests(StackSources sources) {
        this.sources = sources;
    }

    private static Map<String, PodTarget> podTargets() {
        Map<String, PodTarget> targets = new LinkedHashMap<>();
        // Strimzi labels every pod of a node pool strimzi.io/name=<cluster>-kafka, and Connect's <cluster>-connect.
        targets.put(KAFKA_CLUSTER, new PodTarget("kafka", "Kafka", KAFKA_CLUSTER + "-kafka"));
        targets.put(CONNECT_CLUSTER, new PodTarget("connect", "KafkaConnect", CONNECT_CLUSTER + "-connect"));
        return targets;
    }

    List<ObjectNode> all() {
        List<ObjectNode> resources = new java.util.ArrayList<>();
        POD_MONITORS.forEach((name, target) -> resources.add(podMonitor(name, target)));
        resources.add(prometheusRule());
        return resources;
    }

    ObjectNode podMonitor(String name, PodTarget target) {
        requireJob(target.job());
        ObjectNode monitor = Resources.resource(MONITORING_API, "PodMonitor", name, Map.of());
        ObjectNode spec = monitor.putObject("spec");
        ObjectNode labels = spec.putObject("selector").putObject("matchLabels");
        labels.put("strimzi.io/kind", target.strimziKind());
        labels.put("strimzi.io/name", target.strimziName());
        ObjectNode endpoint = spec.putArray("podMetricsEndpoints").addObject();
        endpoint.put("port", METRICS_PORT_NAME);
        endpoint.put("path", "/metrics");
        endpoint.put("interval", scrapeInterval());
        // The Operator names the job <namespace>/<PodMonitor>; the rules and dashboards select job="kafka" and
        // job="connect", the names of prometheus.yml.
        ObjectNode relabel = endpoint.putArray("relabelings").addObject();
        relabel.put("action", "replace");
        relabel.put("targetLabel", "job");
        relabel.put("replacement", target.job());
        return monitor;
    }

    ObjectNode prometheusRule() {
        ObjectNode rule = Resources.resource(MONITORING_API, "PrometheusRule", RULES_NAME, Map.of());
        ArrayNode groups = rule.putObject("spec").putArray("groups");
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> file : sources.ruleFiles().entrySet()) {
            String where = StackSources.RULES_FOLDER + "/" + file.getKey();
            JsonNode fileGroups = parseRules(where, file.getValue()).path("groups");
            if (!fileGroups.isArray() || fileGroups.isEmpty()) {
                throw new SourceFileException(where + ": no groups");
            }
            for (JsonNode group : fileGroups) {
                // One PrometheusRule is one rule file for Prometheus, where group names must be unique.
                if (!names.add(group.path("name").asString(""))) {
                    throw new SourceFileException(where + ": group \"" + group.path("name").asString("")
                            + "\" is also in another rule file");
                }
                groups.add(group);
            }
        }
        return rule;
    }

    private static JsonNode parseRules(String where, String text) {
        try {
            return YamlDocuments.read(text);
        } catch (JacksonException e) {
            throw SourceFileException.unparsable(where, "YAML", e);
        }
    }

    private String scrapeInterval() {
        JsonNode interval = sources.prometheusConfig().at("/global/scrape_interval");
        if (!interval.isString()) {
            throw new SourceFileException(StackSources.PROMETHEUS_CONFIG + ": no global.scrape_interval");
        }
        return interval.asString();
    }

    private void requireJob(String job) {
        for (JsonNode scrape : sources.prometheusConfig().path("scrape_configs")) {
            if (job.equals(scrape.path("job_name").asString(""))) {
                return;
            }
        }
        throw new SourceFileException(StackSources.PROMETHEUS_CONFIG + ": no scrape job \"" + job
                + "\", which the rules and dashboards select and the PodMonitors therefore name");
    }
}
