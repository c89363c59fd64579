package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.postgres.DotEnv;
import io.github.cdcmonitoring.postgres.RepoFiles;
import java.util.List;

/**
 * {@code java -jar local-stack/target/local-stack.jar [--inventory]}: the compose stack without Docker, on the
 * compose file's published ports (POSTGRES_PORT, KAFKA_PORT, CONNECT_PORT, CONNECT_METRICS_PORT from .env), until
 * Ctrl-C.
 */
public final class LocalStackMain {

    private static final String USAGE = """
            usage: java -jar local-stack/target/local-stack.jar [--inventory]
              Runs PostgreSQL, Kafka and Kafka Connect with the Debezium connector natively, on the ports .env gives
              the compose stack, and registers register-postgresql.json. Ctrl-C stops everything.
              --inventory  load inventory.sql too (as LOAD_INVENTORY=true in .env does)""";
    private static final long HEALTH_CHECK_MS = 2_000;

    /** Set by Ctrl-C: from then on processes exiting is expected. */
    private static volatile boolean stopping;

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        List<String> options = List.of(args);
        if (options.contains("--help") || options.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        for (String option : options) {
            if (!option.equals("--inventory")) {
                System.err.println("local-stack: unknown option " + option + "\n" + USAGE);
                System.exit(2);
            }
        }
        LocalStack stack;
        try {
            DotEnv env = RepoFiles.locate().dotEnv();
            boolean inventory = options.contains("--inventory")
                    || "true".equalsIgnoreCase(env.asMap().getOrDefault("LOAD_INVENTORY", "false"));
            System.out.println("local-stack: starting PostgreSQL, Kafka and Kafka Connect on 127.0.0.1");
            stack = LocalStack.builder()
                    .composePorts(env)
                    .loadInventory(inventory)
                    .progress(line -> System.out.println("local-stack: " + line))
                    .start();
        } catch (RuntimeException e) {
            System.err.println("local-stack: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            System.exit(1);
            return;
        }
        System.out.println("local-stack: up. Connect REST " + stack.connectUrl() + ", metrics " + stack.metricsUrl()
                + ", logs under " + stack.workDir() + ". Ctrl-C stops everything.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            System.out.println("local-stack: stopping");
        }, "local-stack-stopping"));
        watch(stack);
    }

    /** Exits (stopping the rest) if the broker or the worker dies by itself. */
    private static void watch(LocalStack stack) {
        while (true) {
            try {
                Thread.sleep(HEALTH_CHECK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                return;
            }
            String dead = !stack.kafka().isAlive() ? "Kafka broker (" + stack.kafka().logFile() + ")"
                    : !stack.connect().isAlive() ? "Kafka Connect (" + stack.connect().logFile() + ")" : null;
            if (dead != null && !stopping) {
                System.err.println("local-stack: the " + dead + " exited; stopping the rest");
                if (!stack.connect().isAlive()) {
                    System.err.println(stack.connect().logTail(20));
                }
                stack.close();
                System.exit(1);
            }
        }
    }
}
