package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar native/local-stack/target/local-stack.jar [--inventory]}: the compose stack without Docker, on the
 * compose file's published ports from .env, until Ctrl-C or SIGTERM: PostgreSQL, Kafka, Kafka Connect with the
 * connector, then the data generator, the change exporter, postgres_exporter, Prometheus and, where installed, Grafana.
 * Exit status: 2 for a bad input found before anything starts (a missing or unreadable config file, a bad .env line, a
 * port in use; one line naming it, see {@link StackPreflight}), 1 if the stack fails to start or a process dies.
 */
public final class LocalStackMain {

    private static final String USAGE = """
            usage: java -jar native/local-stack/target/local-stack.jar [--inventory] [--cluster]
                   (or: native/start [--inventory] [--cluster])
              Runs PostgreSQL, Kafka and Kafka Connect with the Debezium connector natively, registers
              register-postgresql.json, then starts the data generator, the change exporter, postgres_exporter,
              node_exporter, Alertmanager and Prometheus (and Grafana where it is installed), on the ports .env gives
              the compose stack. Needs Prometheus 3 and the exporters and Alertmanager of the lines .env pins:
              sudo bash .ci/install-packages
              Ctrl-C or SIGTERM stops everything and removes the temporary files.
              --inventory  load inventory.sql too and register its own connector, register-inventory.json
                           (as LOAD_INVENTORY=true in .env does)
              --cluster    the cluster shape of docker-compose.cluster.yml: three Kafka brokers (a KRaft quorum,
                           replication factor 3, min.insync.replicas 2) and two Connect workers in one group; the
                           first broker and worker on .env's ports, the others on free ports, all printed""";
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
            if (!option.equals("--inventory") && !option.equals("--cluster")) {
                System.err.println("local-stack: unknown option " + option + "\n" + USAGE);
                System.exit(2);
            }
        }
        try {
            StackPreflight.check(RepoFiles.locate());
        } catch (RuntimeException e) {
            // A bad file, .env line or taken port: nothing was started.
            System.err.println("local-stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            DotEnv env = RepoFiles.locate().dotEnv();
            boolean inventory = options.contains("--inventory")
                    || "true".equalsIgnoreCase(env.asMap().getOrDefault("LOAD_INVENTORY", "false"));
            LocalStack.Builder builder = LocalStack.builder()
                    .allServices(true)
                    .composePorts(env)
                    .loadInventory(inventory)
                    .cluster(options.contains("--cluster"))
                    .progress(line -> System.out.println("local-stack: " + line));
            StackConfiguration.programs(true); // a missing program: its one line, and nothing else printed
            System.out.println("local-stack: starting PostgreSQL, Kafka, Kafka Connect and the monitoring on 127.0.0.1");
            stack = builder.start();
        } catch (RuntimeException e) {
            System.err.println("local-stack: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            System.exit(1);
            return;
        }
        System.out.println("local-stack: up. " + String.join(", ", urls(stack)) + "; logs under " + stack.workDir()
                + ". Ctrl-C stops everything.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            System.out.println("local-stack: stopping");
        }, "local-stack-stopping"));
        watch(stack);
    }

    private static List<String> urls(LocalStack stack) {
        List<String> urls = new ArrayList<>();
        urls.add("PostgreSQL 127.0.0.1:" + stack.postgres().port());
        urls.add("Kafka " + stack.bootstrapServers());
        urls.add("Connect REST " + String.join(" ", stack.connectWorkers().stream().map(ConnectWorker::restUrl)
                .toList()));
        urls.add("Kafka metrics " + String.join(" ", stack.kafkaBrokers().stream().map(KafkaBroker::metricsUrl)
                .toList()));
        urls.add("Connect metrics " + String.join(" ", stack.connectWorkers().stream()
                .map(ConnectWorker::metricsUrl).toList()));
        urls.add("generator metrics " + stack.generatorMetricsUrl());
        urls.add("change exporter metrics " + stack.changeExporterMetricsUrl());
        urls.add("postgres_exporter metrics " + stack.postgresExporterMetricsUrl());
        urls.add("node_exporter metrics " + stack.nodeExporter().url());
        urls.add("Prometheus " + stack.prometheusUrl());
        urls.add("Alertmanager " + stack.alertmanagerUrl());
        stack.grafana().ifPresent(grafana -> urls.add("Grafana " + grafana.url()));
        return urls;
    }

    /** Exits (stopping the rest) if any process of the stack dies by itself. */
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
            String dead = deadComponent(stack);
            if (dead != null && !stopping) {
                System.err.println("local-stack: the " + dead + " exited; stopping the rest");
                stack.close();
                System.exit(1);
            }
        }
    }

    /** The first process found dead, with the end of its log; null while all run. */
    private static String deadComponent(LocalStack stack) {
        for (KafkaBroker broker : stack.kafkaBrokers()) {
            if (!broker.isAlive()) {
                return "Kafka broker (log " + broker.logFile() + ")";
            }
        }
        for (ConnectWorker worker : stack.connectWorkers()) {
            if (!worker.isAlive()) {
                return "Kafka Connect (log " + worker.logFile() + "):\n" + worker.tail(20);
            }
        }
        List<ServiceProcess> processes = new ArrayList<>(List.of(stack.generator(), stack.changeExporter(),
                stack.postgresExporter(), stack.nodeExporter(), stack.prometheus(), stack.alertmanager()));
        stack.grafana().ifPresent(processes::add);
        for (ServiceProcess process : processes) {
            if (!process.isAlive()) {
                return process.name() + " (log " + process.logFile() + "):\n" + process.tail(20);
            }
        }
        return null;
    }
}
