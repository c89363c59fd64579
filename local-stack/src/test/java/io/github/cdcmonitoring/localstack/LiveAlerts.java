package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The alert expressions of debezium-prometheus/rules, as written in the rule files, evaluated by a live stack's
 * Prometheus: whether an alert's expression is true now for a given series ({@code for:} is promtool's to test).
 */
final class LiveAlerts {

    private final PrometheusApi prometheus;
    private final List<RuleFiles.Rule> alerts;

    LiveAlerts(LocalStack stack) {
        this.prometheus = new PrometheusApi(stack.prometheusUrl());
        this.alerts = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules")).stream()
                .filter(RuleFiles.Rule::isAlert).toList();
    }

    PrometheusApi prometheus() {
        return prometheus;
    }

    /** The series for which the alert's expression is true now. */
    List<PrometheusApi.Series> trueSeries(String alert) {
        return prometheus.query(rule(alert).expr());
    }

    /** Waits until the alert's expression is true for a series matching {@code series}. */
    void awaitTrue(String alert, Predicate<PrometheusApi.Series> series, Duration atMost) {
        await(alert + " true").atMost(atMost).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(trueSeries(alert))
                        .as(() -> alert + "; the alert expressions true now: " + trueNow()).anyMatch(series));
    }

    /** Waits until the alert's expression is false (no series) for every series matching {@code series}. */
    void awaitFalse(String alert, Predicate<PrometheusApi.Series> series, Duration atMost) {
        await(alert + " false").atMost(atMost).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(trueSeries(alert)).as(alert).noneMatch(series));
    }

    /** Every alert whose expression returns at least one series now, with those series' labels. */
    Map<String, List<Map<String, String>>> trueNow() {
        Map<String, List<Map<String, String>>> result = new TreeMap<>();
        for (RuleFiles.Rule alert : alerts) {
            List<PrometheusApi.Series> series = prometheus.query(alert.expr());
            if (!series.isEmpty()) {
                result.put(alert.name(), series.stream().map(PrometheusApi.Series::labels).toList());
            }
        }
        return result;
    }

    /** The alert's rule as written, e.g. to read its threshold. */
    RuleFiles.Rule rule(String name) {
        return alerts.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no alert named " + name + " in debezium-prometheus/rules"));
    }

    /** A series carrying {@code label=value}. */
    static Predicate<PrometheusApi.Series> labelled(String label, String value) {
        return s -> value.equals(s.label(label));
    }
}
