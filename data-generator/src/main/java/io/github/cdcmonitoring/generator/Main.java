package io.github.cdcmonitoring.generator;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar data-generator.jar}: configured by environment variables (see {@link GeneratorConfig}).
 *
 * <p>Exit status: 0 after GENERATOR_MAX_OPS operations or on SIGTERM/Ctrl-C (the transactions in flight finish and a
 * summary is printed first); 2 for a bad configuration, reported as one line on stderr naming the variable before
 * anything connects; 1 if the database stayed unavailable for longer than GENERATOR_DB_WAIT_SECONDS.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_CONFIG = 2;

    /** How long a SIGTERM waits for the in-flight transactions and the summary; compose itself waits 10 s. */
    private static final long SHUTDOWN_WAIT_SECONDS = 60;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.err.println("data-generator: takes no arguments; configure it with environment variables "
                    + "(PGHOST, GENERATOR_RATE, ...)");
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        GeneratorConfig config;
        try {
            config = GeneratorConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("data-generator: invalid configuration: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        configureLogging();
        Logger log = LoggerFactory.getLogger(Main.class);
        DataGenerator generator = new DataGenerator(config);

        /*
         * SIGTERM and Ctrl-C run shutdown hooks, but a JVM ended by a signal exits with 128+signal even when the hooks
         * complete. The hook therefore asks the generator to stop, waits until main() has printed the summary, and
         * ends the JVM itself with main()'s status (System.exit from main() cannot: it blocks while a shutdown is
         * already under way). On a normal exit the hook finds main() done and ends with the same status.
         */
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(EXIT_FAILED);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            generator.stop();
            try {
                if (finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    System.out.flush();
                    System.err.flush();
                    Runtime.getRuntime().halt(status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "generator-shutdown"));

        int exitStatus = EXIT_OK;
        try {
            generator.run();
        } catch (GeneratorException e) {
            log.error("giving up: {}", e.getMessage());
            exitStatus = EXIT_FAILED;
        } catch (RuntimeException e) {
            log.error("data generator failed", e);
            exitStatus = EXIT_FAILED;
        }
        log.info("{}", generator.summary());
        generator.close();
        status.set(exitStatus);
        finished.countDown();
        System.exit(exitStatus);
    }

    /**
     * Defaults for slf4j-simple, the binding packaged in the runnable jar: timestamped lines on stdout (stderr is
     * reserved for the configuration error line), HikariCP limited to errors (the generator logs each failed attempt
     * itself, without a stack trace). Set only here, so that code embedding {@link DataGenerator} keeps its own
     * logging; -D options on the command line still win.
     */
    private static void configureLogging() {
        Map<String, String> defaults = Map.of(
                "org.slf4j.simpleLogger.logFile", "System.out",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true",
                "org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
