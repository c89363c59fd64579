package io.github.cdcmonitoring.exporter;

import io.github.cdcmonitoring.service.ServiceMain;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar change-exporter.jar}: configured by environment variables (see {@link ExporterConfig}).
 *
 * <p>Exit status: 0 on SIGTERM/Ctrl-C (the current batch is counted and committed, a summary printed); 2 for a bad
 * configuration, one line on stderr naming the variable, before anything is contacted; 1 if Kafka did not answer
 * within CHANGE_EXPORTER_KAFKA_WAIT_SECONDS or the metrics port could not be bound. The lifecycle is
 * {@link ServiceMain}'s.
 */
public final class Main {

    /** How long a SIGTERM waits for the last commit and the summary; compose itself waits 10 s. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private Main() {
    }

    public static void main(String[] args) {
        ServiceMain.of("change-exporter", Main.class, ExporterConfig::fromEnvironment, ChangeExporter::new)
                .variablesHint("KAFKA_BOOTSTRAP_SERVERS, CHANGE_EXPORTER_TOPIC_PATTERN, ...")
                .lifecycle(ChangeExporter::run, ChangeExporter::stop, ChangeExporter::summary, ChangeExporter::close)
                .givingUpOn(ExporterException.class, "change exporter failed")
                .shutdownWait(SHUTDOWN_WAIT)
                // The Kafka client logs its full configuration at INFO and a warning per failed connection attempt
                // while the exporter waits for the broker, which the exporter reports itself, one line per attempt.
                .logDefaults(Map.of(
                        "org.slf4j.simpleLogger.log.org.apache.kafka", "warn",
                        "org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error",
                        "org.slf4j.simpleLogger.log.org.apache.kafka.clients.ClientUtils", "error"))
                .main(args);
    }
}
