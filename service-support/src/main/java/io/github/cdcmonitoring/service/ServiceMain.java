package io.github.cdcmonitoring.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-line lifecycle of a service configured by environment variables ({@code java -jar <program>.jar}):
 * arguments are refused and a bad configuration reported as one line on stderr, both with exit status 2, before
 * anything is contacted; then the service runs until it returns or SIGTERM/Ctrl-C asks it to stop, its summary is
 * logged, it is closed, and the JVM exits 0, or 1 if the service failed.
 *
 * <pre>{@code
 * ServiceMain.of("data-generator", Main.class, GeneratorConfig::fromEnvironment, DataGenerator::new)
 *         .variablesHint("PGHOST, GENERATOR_RATE, ...")
 *         .lifecycle(DataGenerator::run, DataGenerator::stop, DataGenerator::summary, DataGenerator::close)
 *         ...
 *         .main(args);
 * }</pre>
 *
 * @param <C> the configuration
 * @param <S> the service
 */
public final class ServiceMain<C, S> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_CONFIG = 2;

    /** slf4j-simple defaults every service gets: timestamped lines on stdout (stderr is for the configuration line). */
    private static final Map<String, String> LOG_DEFAULTS = Map.of(
            "org.slf4j.simpleLogger.logFile", "System.out",
            "org.slf4j.simpleLogger.showDateTime", "true",
            "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "org.slf4j.simpleLogger.showThreadName", "false",
            "org.slf4j.simpleLogger.showShortLogName", "true");

    private final String program;
    private final Class<?> logAs;
    private final Function<Map<String, String>, C> config;
    private final Function<C, S> factory;
    private String variablesHint = "";
    private Consumer<S> run;
    private Consumer<S> stop;
    private Function<S, ?> summary;
    private Consumer<S> close;
    private Class<? extends RuntimeException> givingUp;
    private String failure;
    private Duration shutdownWait = Duration.ofSeconds(30);
    private final Map<String, String> logDefaults = new LinkedHashMap<>(LOG_DEFAULTS);

    private ServiceMain(String program, Class<?> logAs, Function<Map<String, String>, C> config,
                        Function<C, S> factory) {
        this.program = Objects.requireNonNull(program, "program");
        this.logAs = Objects.requireNonNull(logAs, "logAs");
        this.config = Objects.requireNonNull(config, "config");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.failure = program + " failed";
    }

    /**
     * @param program the name every stderr line starts with, e.g. {@code data-generator}
     * @param logAs   the class whose logger reports the outcome (the program's Main)
     * @param config  reads the configuration from the environment; throws {@link ConfigException} for a bad value
     * @param factory makes the service from its configuration
     */
    public static <C, S> ServiceMain<C, S> of(String program, Class<?> logAs, Function<Map<String, String>, C> config,
                                              Function<C, S> factory) {
        return new ServiceMain<>(program, logAs, config, factory);
    }

    /** Named in the line refusing arguments: {@code takes no arguments; configure it with environment variables (<hint>)}. */
    public ServiceMain<C, S> variablesHint(String hint) {
        this.variablesHint = hint;
        return this;
    }

    /**
     * @param run     runs the service until it is done or stopped
     * @param stop    asks it to stop, from the shutdown hook's thread
     * @param summary what is logged once it has run
     * @param close   releases what it holds
     */
    public ServiceMain<C, S> lifecycle(Consumer<S> run, Consumer<S> stop, Function<S, ?> summary, Consumer<S> close) {
        this.run = run;
        this.stop = stop;
        this.summary = summary;
        this.close = close;
        return this;
    }

    /**
     * An exception of this type ends the service with one line, {@code giving up: <message>}, and exit status 1; any
     * other exception is logged with its stack trace after {@code failureMessage}.
     */
    public ServiceMain<C, S> givingUpOn(Class<? extends RuntimeException> type, String failureMessage) {
        this.givingUp = type;
        this.failure = failureMessage;
        return this;
    }

    /** How long a SIGTERM waits for the service to stop and print its summary before the JVM ends anyway. */
    public ServiceMain<C, S> shutdownWait(Duration wait) {
        this.shutdownWait = wait;
        return this;
    }

    /** More slf4j-simple defaults (e.g. quieter levels for a chatty library); -D options still win. */
    public ServiceMain<C, S> logDefaults(Map<String, String> defaults) {
        logDefaults.putAll(defaults);
        return this;
    }

    /** Runs the service and ends the JVM with its exit status; never returns normally. */
    public void main(String[] args) {
        Objects.requireNonNull(run, "lifecycle");
        if (args.length > 0) {
            System.err.println(program + ": takes no arguments; configure it with environment variables ("
                    + variablesHint + ")");
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        C configuration;
        try {
            configuration = config.apply(System.getenv());
        } catch (ConfigException e) {
            System.err.println(program + ": invalid configuration: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        configureLogging();
        Logger log = LoggerFactory.getLogger(logAs);
        S service = factory.apply(configuration);

        /*
         * SIGTERM and Ctrl-C run shutdown hooks, but a JVM ended by a signal exits with 128+signal even when the hooks
         * complete. The hook therefore asks the service to stop, waits until main() has printed the summary, and
         * ends the JVM itself with main()'s status (System.exit from main() cannot: it blocks while a shutdown is
         * already under way). On a normal exit the hook finds main() done and ends with the same status.
         */
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(EXIT_FAILED);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.accept(service);
            try {
                if (finished.await(shutdownWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.flush();
                    System.err.flush();
                    Runtime.getRuntime().halt(status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, program + "-shutdown"));

        int exitStatus = EXIT_OK;
        try {
            run.accept(service);
        } catch (RuntimeException e) {
            if (givingUp != null && givingUp.isInstance(e)) {
                log.error("giving up: {}", e.getMessage());
            } else {
                log.error(failure, e);
            }
            exitStatus = EXIT_FAILED;
        }
        log.info("{}", summary.apply(service));
        close.accept(service);
        status.set(exitStatus);
        finished.countDown();
        System.exit(exitStatus);
    }

    /** Sets each slf4j-simple default not already given with -D; only here, so code embedding a service keeps its own. */
    private void configureLogging() {
        logDefaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
