package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.service.ServiceMain;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar data-generator.jar}: configured by environment variables (see {@link GeneratorConfig}).
 *
 * <p>Exit status: 0 after GENERATOR_MAX_OPS operations or on SIGTERM/Ctrl-C (the transactions in flight finish and a
 * summary is printed first); 2 for a bad configuration, reported as one line on stderr naming the variable before
 * anything connects; 1 if the database stayed unavailable for longer than GENERATOR_DB_WAIT_SECONDS. The lifecycle is
 * {@link ServiceMain}'s.
 */
public final class Main {

    /** How long a SIGTERM waits for the in-flight transactions and the summary; compose itself waits 10 s. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private Main() {
    }

    public static void main(String[] args) {
        ServiceMain.of("data-generator", Main.class, GeneratorConfig::fromEnvironment, DataGenerator::new)
                .variablesHint("PGHOST, GENERATOR_RATE, ...")
                .lifecycle(DataGenerator::run, DataGenerator::stop, DataGenerator::summary, DataGenerator::close)
                .givingUpOn(GeneratorException.class, "data generator failed")
                .shutdownWait(SHUTDOWN_WAIT)
                // HikariCP limited to errors: the generator logs each failed attempt itself, without a stack trace.
                .logDefaults(Map.of("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error"))
                .main(args);
    }
}
