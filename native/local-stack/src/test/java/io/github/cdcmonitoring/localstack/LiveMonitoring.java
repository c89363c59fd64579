package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Shared by the live monitoring tests: the stack with monitoring on, and waiting for Prometheus to have data. */
final class LiveMonitoring {

    /** A modest, fixed write rate: enough for every rate() to be non-zero, little CPU on a shared 2-core machine. */
    static final double GENERATOR_RATE = 20;
    /** The jobs of debezium-prometheus/prometheus.yml, read from it. */
    static final List<String> JOBS = scrapeJobs();

    private LiveMonitoring() {
    }

    static LocalStack start() {
        return LocalStack.builder().allServices(true).generatorRate(GENERATOR_RATE).start();
    }

    /**
     * The same stack with the inventory dataset and its own connector (register-inventory.json) besides
     * register-postgresql.json: two connectors, two slots, two topic prefixes, as LOAD_INVENTORY=true gives compose.
     */
    static LocalStack startWithTwoConnectors() {
        return LocalStack.builder().allServices(true).generatorRate(GENERATOR_RATE).loadInventory(true).start();
    }

    /**
     * The same stack notifying {@code receiver} of everything, with the alert timings divided as in
     * {@link AlertNotificationTest} ({@code for:}, group_interval and repeat_interval; group_wait as shipped).
     */
    static LocalStack startNotifying(WebhookReceiver receiver) {
        return LocalStack.builder().allServices(true).generatorRate(GENERATOR_RATE).alertWebhook(receiver.url())
                .alertTimingDivisor(AlertNotificationTest.DIVISOR).start();
    }

    /** The job names of debezium-prometheus/prometheus.yml's scrape_configs, in their order. */
    static List<String> scrapeJobs() {
        try (Reader reader = Files.newBufferedReader(RepoFiles.locate().file("debezium-prometheus/prometheus.yml"))) {
            Map<?, ?> config = new Yaml().load(reader);
            return ((List<?>) config.get("scrape_configs")).stream()
                    .map(job -> String.valueOf(((Map<?, ?>) job).get("job_name"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path repoFile(String relative) {
        return RepoFiles.locate().root().resolve(relative);
    }

    /**
     * Waits until every job's target is up and has been scraped at least three times, so that rate() and increase()
     * over a minute have two samples or more. The shipped scrape interval is 15 s: about 45 s after start.
     */
    static void awaitScraped(PrometheusApi prometheus) {
        await("every target up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(prometheus.targets())
                        .extracting(PrometheusApi.Target::job, PrometheusApi.Target::health)
                        .containsExactlyInAnyOrderElementsOf(JOBS.stream()
                                .map(job -> org.assertj.core.groups.Tuple.tuple(job, "up")).toList()));
        await("three scrapes of every target").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(prometheus.query("count_over_time(up[5m]) >= 3"))
                        .extracting(s -> s.label("job")).containsExactlyInAnyOrderElementsOf(JOBS));
    }
}
