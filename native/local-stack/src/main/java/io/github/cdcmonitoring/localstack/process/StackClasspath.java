package io.github.cdcmonitoring.localstack.process;

import io.github.cdcmonitoring.localstack.KafkaBrokerMain;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The classpath the forked broker and Connect worker run on: Kafka's jars as the kafka-runtime module collects them
 * in {@code native/kafka-runtime/target/libs} (the images' {@code /kafka/libs}), for the broker behind a folder holding
 * nothing but {@code KafkaBrokerMain}'s class file. The Debezium connector is not on it: Connect loads it from
 * {@code plugin.path}, as in the image.
 *
 * <p>Why not local-stack's own runtime classpath, as before: it also carries what the harness itself needs (pgjdbc,
 * commons-compress and xz for the PostgreSQL binaries, SnakeYAML, the project's modules), and Maven's "nearest wins"
 * let local-stack's test-scoped jackson-dataformat-yaml drop Kafka's runtime copy. The broker and the worker then ran
 * on a jar set no image has. The same folder serves {@code java -jar local-stack.jar}, which runs inside a built
 * checkout just as it reads the connector plugin from {@code debezium-jmx-exporter/target}.
 */
public final class StackClasspath {

    /** Relative to the repository root; written by {@code ./mvnw -pl native/kafka-runtime generate-resources}. */
    public static final String KAFKA_LIBS = "native/kafka-runtime/target/libs";
    private static final String BUILD_COMMAND = "./mvnw -pl native/kafka-runtime generate-resources";

    private StackClasspath() {
    }

    /** The classpath of a forked broker or worker: {@code launcherDir} first if any, then every jar of Kafka's libs. */
    public static String forked(Optional<Path> launcherDir) {
        List<String> entries = new ArrayList<>();
        launcherDir.ifPresent(dir -> entries.add(dir.toString()));
        kafkaLibs().forEach(jar -> entries.add(jar.toString()));
        return String.join(File.pathSeparator, entries);
    }

    /** The jars of {@link #KAFKA_LIBS} in name order, as kafka-run-class.sh's {@code libs/*} glob lists them. */
    public static List<Path> kafkaLibs() {
        Path libs = RepoFiles.locate().root().resolve(KAFKA_LIBS);
        try (Stream<Path> files = Files.list(libs)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException(libs + " holds no jar: build it with " + BUILD_COMMAND);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + libs + ": build it with " + BUILD_COMMAND, e);
        }
    }
}
