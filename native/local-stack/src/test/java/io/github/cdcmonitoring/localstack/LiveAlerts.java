package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The alert expressions of debezium-prometheus/rules, as written in the rule files, evaluated by a live stack's
 * Prometheus: whether an alert's expression is true now for a given series ({@code for:} is promtool's to test).
 */
final class LiveAlerts {

    /** prometheus.yml's evaluation_interval (every rule group uses it). */
    static final Duration EVALUATION_INTERVAL = Duration.ofSeconds(15);

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

    /**
     * Every alert pending or firing at any rule evaluation from {@code start} until {@code moreEvaluations} further
     * evaluations from now, with its series. Read from the ALERTS series that Prometheus's rule engine writes at each
     * evaluation in which an alert's expression is true, so that an alert true for one evaluation between two polls
     * is seen too.
     */
    static Map<String, List<PrometheusApi.Series>> pendingOrFiringSince(PrometheusApi prometheus, Instant start,
            int moreEvaluations) {
        // No ALERTS sample also means no rule loaded: then the window would prove nothing.
        List<String> written = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules")).stream()
                .filter(RuleFiles.Rule::isAlert).map(RuleFiles.Rule::name).toList();
        assertThat(prometheus.alertingRuleNames()).as("alerting rules the stack's Prometheus loaded")
                .containsExactlyInAnyOrderElementsOf(written);
        // Every rule group evaluated at least moreEvaluations times after this call.
        Instant evaluatedAfter = Instant.now().plus(EVALUATION_INTERVAL.multipliedBy(moreEvaluations - 1L));
        await(moreEvaluations + " more rule evaluations").atMost(EVALUATION_INTERVAL.multipliedBy(moreEvaluations + 4L))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> prometheus.oldestRuleEvaluation().isAfter(evaluatedAfter));
        long seconds = Math.max(1, Duration.between(start, Instant.now()).toSeconds());
        Map<String, List<PrometheusApi.Series>> result = new TreeMap<>();
        for (PrometheusApi.Series series : prometheus.query("max_over_time(ALERTS[" + seconds + "s])")) {
            result.computeIfAbsent(series.label("alertname"), n -> new ArrayList<>()).add(series);
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
