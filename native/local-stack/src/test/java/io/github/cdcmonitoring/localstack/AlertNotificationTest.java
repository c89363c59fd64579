package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdcmonitoring.localstack.config.AlertTiming;
import io.github.cdcmonitoring.prometheus.RuleFiles;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Notification end to end: a real fault on the native stack reaches a receiver once, through the shipped rules and
 * the shipped alertmanager.yml. The test's own HTTP server on 127.0.0.1 is the receiver
 * ({@link LocalStack.Builder#alertWebhook}: a webhook added to every receiver of a derived copy of
 * alertmanager.yml, routes, grouping and inhibition read from the shipped file). Connect is killed with SIGKILL;
 * required: the root-cause notification (PrometheusTargetDown, job connect) arrives with its labels, summary and
 * runbook_url; the alerts it explains (DebeziumStreamingMetricsAbsent, ConnectStatusMetricsAbsent, and
 * PostgresReplicationSlotInactive), seen firing in Prometheus and inhibited in Alertmanager, are never notified; a
 * resolved notification follows once Connect runs again.
 *
 * <p><b>Divided timings, stated plainly.</b> The shipped {@code for:} durations (2 minutes for PrometheusTargetDown, 10
 * for the absent alerts) would make this test take a quarter of an hour. It therefore starts the stack with
 * {@link LocalStack.Builder#alertTimingDivisor} {@value #DIVISOR}: the native stack copies the rule files with every
 * {@code for:} divided by {@value #DIVISOR} (2m -> 12s, 10m -> 60s) and Alertmanager's {@code group_interval} and
 * {@code repeat_interval} likewise (so the resolved notification comes 12 s, not 2 minutes, after the next flush);
 * expressions, labels, annotations, routes, {@code group_wait} and inhibition are the shipped ones. Prometheus 3.5
 * has no option that shortens {@code for:} ({@code --rules.alert.for-grace-period} only governs restoring state after
 * a restart). The times printed here are therefore the divided stack's; with the shipped timings add the undivided
 * {@code for:} (2 minutes) to the time to notification.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AlertNotificationTest {

    static final int DIVISOR = 10;
    /** What a Connect kill makes fire that the shipped inhibit rule for Connect's target down explains. */
    private static final Set<String> EXPLAINED_BY_CONNECT_DOWN =
            Set.of("DebeziumStreamingMetricsAbsent", "ConnectStatusMetricsAbsent");

    private WebhookReceiver receiver;
    private List<WebhookReceiver.Notification> received;
    private LocalStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void connectKilledNotifiesItsTargetDownOnceNotWhatItExplainsAndThenResolved() throws Exception {
        receiver = new WebhookReceiver();
        received = receiver.received();
        Instant begin = Instant.now();
        stack = LiveMonitoring.startNotifying(receiver);
        PrometheusApi prometheus = new PrometheusApi(stack.prometheusUrl());
        AlertmanagerApi alertmanager = new AlertmanagerApi(stack.alertmanagerUrl());
        List<RuleFiles.Rule> rules = RuleFiles.read(LiveMonitoring.repoFile("debezium-prometheus/rules")).stream()
                .filter(RuleFiles.Rule::isAlert).toList();
        await("Prometheus loaded every alerting rule").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(prometheus.alertingRuleNames())
                        .containsExactlyInAnyOrderElementsOf(rules.stream().map(RuleFiles.Rule::name).toList()));
        await("every target up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(prometheus.targets()).extracting(PrometheusApi.Target::job,
                        PrometheusApi.Target::health).containsExactlyInAnyOrderElementsOf(LiveMonitoring.JOBS.stream()
                        .map(job -> org.assertj.core.groups.Tuple.tuple(job, "up")).toList()));
        // Prometheus sends to this Alertmanager: it is among the active Alertmanagers Prometheus discovered.
        assertThat(HttpScraper.get(stack.prometheusUrl() + "/api/v1/alertmanagers"))
                .contains(stack.alertmanagerUrl() + "/api/v2/alerts");
        List<WebhookReceiver.Notification> beforeFault = List.copyOf(received);

        Instant fault = Instant.now();
        stack.connect().kill();
        WebhookReceiver.Notification first;
        try {
            first = await("PrometheusTargetDown{job=connect} notified").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> received.stream().filter(n -> n.has("PrometheusTargetDown", "firing")
                            && n.alerts().stream().anyMatch(a -> "connect".equals(a.path("labels").path("job")
                            .asText()))).findFirst(), java.util.Optional::isPresent).orElseThrow();
            JsonNode targetDown = first.alerts().stream()
                    .filter(a -> "connect".equals(a.path("labels").path("job").asText())).findFirst().orElseThrow();
            RuleFiles.Rule rule = rules.stream().filter(r -> r.name().equals("PrometheusTargetDown")).findFirst()
                    .orElseThrow();
            assertThat(first.body().path("receiver").asText()).isEqualTo("critical");
            assertThat(targetDown.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(targetDown.path("labels").path("instance").asText())
                    .isEqualTo("127.0.0.1:" + stack.connect().metricsPort());
            assertThat(targetDown.path("annotations").path("summary").asText())
                    .isEqualTo("Prometheus cannot scrape job connect (127.0.0.1:" + stack.connect().metricsPort() + ")");
            assertThat(targetDown.path("annotations").path("runbook_url").asText())
                    .isEqualTo(rule.annotations().get("runbook_url"))
                    .isEqualTo("debezium-prometheus/README.md#prometheustargetdown");

            // What the kill also makes fire: firing in Prometheus, received by Alertmanager, inhibited there.
            await("the alerts Connect's absence explains firing in Prometheus").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(prometheus.query("ALERTS{alertstate=\"firing\"}"))
                            .extracting(s -> s.label("alertname")).containsAll(EXPLAINED_BY_CONNECT_DOWN));
            await("Alertmanager inhibits them").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(alertmanager.inhibited()).containsAll(EXPLAINED_BY_CONNECT_DOWN));
        } finally {
            stack.connect().start();
        }
        Instant restarted = Instant.now();
        Map<String, Set<String>> inhibitedDuringFault = alertmanager.inhibitedWithCause();
        WebhookReceiver.Notification resolved = await("resolved notification of PrometheusTargetDown{job=connect}")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> received.stream().filter(n -> n.has("PrometheusTargetDown", "resolved")).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        // Every notification Alertmanager sent has arrived, and nothing of the fault is still active there.
        await("the explained alerts resolved in Alertmanager").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(alertmanager.activeOrSuppressed()).doesNotContainAnyElementsOf(
                        EXPLAINED_BY_CONNECT_DOWN));
        await("every webhook notification Alertmanager counts has arrived").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat((double) received.size()).isEqualTo(alertmanager.webhookSent()));

        List<WebhookReceiver.Notification> ofFault = received.subList(beforeFault.size(), received.size());
        Map<String, Integer> notifiedAlerts = new TreeMap<>();
        ofFault.forEach(n -> n.alerts().forEach(a -> notifiedAlerts.merge(a.path("labels").path("alertname").asText()
                + " " + a.path("status").asText(), 1, Integer::sum)));
        System.out.printf("RELIABILITY | notification | Connect kill -9: PrometheusTargetDown{job=connect} notified "
                        + "%.1f s after the kill (for: divided by %d: %s), resolved notification %.1f s after the "
                        + "restart | %d notifications for the fault: %s | inhibited in Alertmanager: %s | before the "
                        + "fault: %d (%s) | test %.0f s%n",
                Duration.between(fault, first.at()).toMillis() / 1000.0, DIVISOR,
                AlertTiming.divide("2m", DIVISOR), Duration.between(restarted, resolved.at()).toMillis() / 1000.0,
                ofFault.size(), notifiedAlerts, inhibitedDuringFault, beforeFault.size(), beforeFault,
                Duration.between(begin, Instant.now()).toMillis() / 1000.0);
        ofFault.forEach(n -> System.out.println("RELIABILITY | notification | received " + n));

        for (String explained : EXPLAINED_BY_CONNECT_DOWN) {
            assertThat(received).as("notifications naming %s", explained)
                    .noneMatch(n -> n.has(explained, "firing") || n.has(explained, "resolved"));
        }
        assertThat(ofFault.stream().filter(n -> n.has("PrometheusTargetDown", "firing"))).as("firing notifications "
                + "of the root cause").hasSize(1);
    }
}
