package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.generator.DataGenerator;
import io.github.cdcmonitoring.generator.GeneratorConfig;
import java.util.Map;

/**
 * The data generator run inside the test JVM against a stack's database, so the test reads its exact committed
 * counts ({@link DataGenerator#counts()}) for the reconciliation. Run it with
 * {@link io.github.cdcmonitoring.testsupport.Background}.
 */
final class StackGenerator {

    /** Operations per second: steady, modest load on a shared 2-core machine. */
    static final int RATE = 150;

    private StackGenerator() {
    }

    /** Inserts, updates and deletes on users and orders at {@link #RATE} operations per second. */
    static DataGenerator writingInto(LocalStack stack) {
        return writingInto(stack, RATE);
    }

    static DataGenerator writingInto(LocalStack stack, int operationsPerSecond) {
        return writingInto(stack, operationsPerSecond, 0);
    }

    /**
     * Serving /metrics on {@code metricsPort} (0: any free port); with a monitoring stack, the port of its own
     * generator, so that Prometheus scrapes this one in its place.
     */
    static DataGenerator writingInto(LocalStack stack, int operationsPerSecond, int metricsPort) {
        return new DataGenerator(GeneratorConfig.fromEnvironment(environment(stack, operationsPerSecond, metricsPort,
                0)));
    }

    /** A generator that stops by itself once {@code operations} have committed ({@link DataGenerator#run()} returns). */
    static DataGenerator committing(LocalStack stack, int operationsPerSecond, long operations) {
        return new DataGenerator(GeneratorConfig.fromEnvironment(environment(stack, operationsPerSecond, 0,
                operations)));
    }

    /** GENERATOR_MAX_OPS 0: until stopped. */
    private static Map<String, String> environment(LocalStack stack, int operationsPerSecond, int metricsPort,
                                                   long maxOperations) {
        Map<String, String> environment = stack.postgres().clientEnvironment();
        environment.putAll(Map.of(
                "GENERATOR_RATE", Integer.toString(operationsPerSecond),
                "GENERATOR_MAX_OPS", Long.toString(maxOperations),
                "GENERATOR_THREADS", "2",
                "GENERATOR_MIX", "users=25,orders=45,updates=20,deletes=10",
                "GENERATOR_METRICS_PORT", Integer.toString(metricsPort)));
        return environment;
    }
}
