package io.github.cdcmonitoring.exporter;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar change-exporter.jar}: configured by environment variables (see {@link ExporterConfig}).
 *
 * <p>Exit status: 0 on SIGTERM/Ctrl-C (the current batch is counted and committed, a summary printed); 2 for a bad
 * configuration, one line on stderr naming the variable, before anything is contacted; 1 if Kafka did not answer
 * within CHANGE_EXPORTER_KAFKA_WAIT_SECONDS or the metrics port could not be bound.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_CONFIG = 2;

    /** How long a SIGTERM waits for the last commit and the summary; compose itself waits 10 s. */
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.err.println("change-exporter: takes no arguments; configure it with environment variables "
                    + "(KAFKA_BOOTSTRAP_SERVERS, CHANGE_EXPORTER_TOPIC_PATTERN, ...)");
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        ExporterConfig config;
        try {
            config = ExporterConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("change-exporter: invalid configuration: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        configureLogging();
        Logger log = LoggerFactory.getLogger(Main.class);
        ChangeExporter exporter = new ChangeExporter(config);

        /*
         * A JVM ended by a signal exits with 128+signal even when its shutdown hooks complete. The hook therefore asks
         * the exporter to stop (consumer.wakeup), waits until main() has committed and printed the summary, and ends
         * the JVM itself with main()'s status; System.exit from main() would block while a shutdown is under way.
         */
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(EXIT_FAILED);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exporter.stop();
            try {
                if (finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    System.out.flush();
                    System.err.flush();
                    Runtime.getRuntime().halt(status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "change-exporter-shutdown"));

        int exitStatus = EXIT_OK;
        try {
            exporter.run();
        } catch (ExporterException e) {
            log.error("giving up: {}", e.getMessage());
            exitStatus = EXIT_FAILED;
        } catch (RuntimeException e) {
            log.error("change exporter failed", e);
            exitStatus = EXIT_FAILED;
        }
        log.info("{}", exporter.summary());
        exporter.close();
        status.set(exitStatus);
        finished.countDown();
        System.exit(exitStatus);
    }

    /**
     * Defaults for slf4j-simple: timestamped lines on stdout (stderr is reserved for the configuration error line).
     * The Kafka client logs its full configuration at INFO and a warning per failed connection attempt while the
     * exporter waits for the broker, which the exporter reports itself, one line per attempt: both are quietened.
     * -D options on the command line still win.
     */
    private static void configureLogging() {
        Map<String, String> defaults = Map.of(
                "org.slf4j.simpleLogger.logFile", "System.out",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true",
                "org.slf4j.simpleLogger.log.org.apache.kafka", "warn",
                "org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error",
                "org.slf4j.simpleLogger.log.org.apache.kafka.clients.ClientUtils", "error");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
