package io.github.cdcmonitoring.localstack;

/**
 * {@code LocalStackChild <postgres> <kafka> <connect> <metrics>}: starts a {@link LocalStack} on these ports (connector
 * registered) with its monitoring, as {@code java -jar local-stack.jar} does (the data generator, the change exporter,
 * postgres_exporter and Prometheus), prints {@code READY <work dir> <PostgreSQL run dir>} and waits to be killed. A JVM of its own, so
 * that a test can SIGKILL it as a user might kill {@code java -jar local-stack.jar}.
 */
public final class LocalStackChild {

    private LocalStackChild() {
    }

    public static void main(String[] args) throws Exception {
        LocalStack stack = LocalStack.builder()
                .postgresPort(Integer.parseInt(args[0]))
                .kafkaPort(Integer.parseInt(args[1]))
                .connectPort(Integer.parseInt(args[2]))
                .metricsPort(Integer.parseInt(args[3]))
                .monitoring(true)
                .progress(line -> System.err.println("local-stack: " + line))
                .start();
        System.out.println("READY " + stack.workDir() + " " + stack.postgres().runDirectory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
