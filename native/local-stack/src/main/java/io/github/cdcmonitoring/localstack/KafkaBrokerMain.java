package io.github.cdcmonitoring.localstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Main class of the forked broker JVM: {@code KafkaBrokerMain <server.properties> <cluster id> <log dir>}. Formats
 * the KRaft storage (kafka-storage.sh format) unless it already is, then runs the broker (kafka-server-start.sh), in
 * one JVM instead of two, which saves a JVM start.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id> <log dir>");
            System.exit(2);
        }
        String properties = args[0];
        if (!Files.exists(Path.of(args[2], "meta.properties"))) {
            int status = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--cluster-id", args[1], "--config", properties}, System.out);
            if (status != 0) {
                System.err.println("KafkaBrokerMain: storage format failed with status " + status);
                System.exit(status);
            }
        }
        kafka.Kafka.main(new String[] {properties});
    }
}
