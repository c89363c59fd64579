package io.github.cdcmonitoring.localstack;

import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The alert expressions of debezium-prometheus/rules, each exactly as written in its rule file, evaluated now by a
 * stack's real Prometheus. The fault tests wait for an expression to become true during a fault and false after the
 * recovery; the {@code for:} durations are promtool's to test.
 */
final class AlertWatch {

    /**
     * The shipped scrape interval is 15 s: a change shows in an expression after the next scrape of its target, so a
     * minute leaves room for a busy 2-core machine.
     */
    static final Duration SCRAPE_WAIT = Duration.ofSeconds(60);

    private final PrometheusApi prometheus;
    private final List<RuleFiles.Rule> alerts;

    AlertWatch(LocalStack stack) {
        this.prometheus = new PrometheusApi(stack.prometheusUrl());
        this.alerts = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules")).stream()
                .filter(RuleFiles.Rule::isAlert).toList();
    }

    /** Every alert of the rule files, in file order. */
    List<RuleFiles.Rule> alerts() {
        return alerts;
    }

    RuleFiles.Rule alert(String name) {
        return alerts.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no alert named " + name + " in debezium-prometheus/rules"));
    }

    /** The series the alert's expression returns now (empty: not true). */
    List<PrometheusApi.Series> evaluate(String name) {
        return prometheus.query(alert(name).expr());
    }

    /** Every alert whose expression returns at least one series now, with those series. */
    Map<String, List<PrometheusApi.Series>> trueNow() {
        Map<String, List<PrometheusApi.Series>> result = new TreeMap<>();
        for (RuleFiles.Rule alert : alerts) {
            List<PrometheusApi.Series> series = prometheus.query(alert.expr());
            if (!series.isEmpty()) {
                result.put(alert.name(), series);
            }
        }
        return result;
    }

    /** Waits until the expression returns a series {@code which} accepts; the time from {@code sinceNanos}. */
    Duration awaitTrue(String name, Predicate<PrometheusApi.Series> which, long sinceNanos) {
        await(name + " true").atMost(SCRAPE_WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> evaluate(name).stream().anyMatch(which));
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /** Waits until the expression returns no series {@code which} accepts; the time from {@code sinceNanos}. */
    Duration awaitFalse(String name, Predicate<PrometheusApi.Series> which, long sinceNanos) {
        return awaitFalse(name, which, sinceNanos, SCRAPE_WAIT);
    }

    Duration awaitFalse(String name, Predicate<PrometheusApi.Series> which, long sinceNanos, Duration atMost) {
        await(name + " false").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                .until(() -> evaluate(name).stream().noneMatch(which));
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /** Accepts the series whose label has the value. */
    static Predicate<PrometheusApi.Series> labelled(String label, String value) {
        return series -> value.equals(series.label(label));
    }
}
