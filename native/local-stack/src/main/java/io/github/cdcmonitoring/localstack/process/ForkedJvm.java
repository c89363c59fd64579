package io.github.cdcmonitoring.localstack.process;

import io.github.cdcmonitoring.localstack.KafkaBrokerMain;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Java program run in its own JVM, its output appended to a log file: the broker and Connect on Kafka's jars
 * ({@link #of}, see {@link StackClasspath}), the generator and the change exporter as {@code java -jar} with their
 * image's options ({@link #ofJar}). It ends with this JVM as every child does ({@link LoggedProcess}).
 */
public final class ForkedJvm extends LoggedProcess {

    /** kafka-run-class.sh's default KAFKA_JVM_PERFORMANCE_OPTS, which the broker and Connect scripts run with. */
    public static final List<String> KAFKA_RUN_CLASS_OPTIONS = List.of("-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    /** The project's own classes, which are not on Kafka's classpath: one given as the main class is copied. */
    private static final String PROJECT_PACKAGE = "io.github.cdcmonitoring.";

    private ForkedJvm(String name, List<String> command, Map<String, String> environment, Path logFile) {
        super(name, command, environment, logFile);
    }

    /**
     * A Kafka program on {@link StackClasspath#forked Kafka's jars}. When {@code mainClass} is one of local-stack's
     * (KafkaBrokerMain, which uses nothing but the JDK and Kafka), its class file is copied to a folder
     * {@code launcher} beside {@code logFile}, first on the classpath.
     *
     * @param name for messages ("Kafka broker")
     * @param jvmOptions heap, agents, system properties
     * @param mainClass the program
     * @param args its arguments
     * @param environment added to this process's environment, less what a service reads ({@link ServiceJar#environment})
     * @param logFile where stdout and stderr go, appended across restarts
     */
    public static ForkedJvm of(String name, List<String> jvmOptions, String mainClass, List<String> args,
                        Map<String, String> environment, Path logFile) {
        Optional<Path> launcher = Optional.empty();
        if (mainClass.startsWith(PROJECT_PACKAGE)) {
            launcher = Optional.of(copyClass(mainClass, logFile.toAbsolutePath().getParent().resolve("launcher")));
        }
        List<String> command = new ArrayList<>();
        command.add(ServiceJar.javaExecutable());
        // Temporary files inside the run's folder, which is removed even after kill -9: Kafka's lz4-java unpacks its
        // native library into java.io.tmpdir and deletes it only on a clean exit.
        command.add("-Djava.io.tmpdir=" + tmpDirBeside(logFile));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(StackClasspath.forked(launcher));
        command.add(mainClass);
        command.addAll(args);
        return inASessionOfItsOwn(name, command, environment, logFile);
    }

    /**
     * A service jar as its image runs it ({@link ServiceJar}: {@code java <the Dockerfile's options> -jar <jar>}), on
     * nothing but the jar: the local stack's own classpath (Kafka, Connect, log4j) must not leak into the program.
     */
    public static ForkedJvm ofJar(String name, ServiceJar jar, Map<String, String> environment, Path logFile) {
        return inASessionOfItsOwn(name, jar.command(jar.imageJvmOptions(), tmpDirBeside(logFile)), environment,
                logFile);
    }

    /**
     * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. Were the broker and the worker in it,
     * both would shut down at once and the worker would wait out its timeouts for a broker that is already gone
     * (30 s measured). In a session of their own they are stopped by this JVM, worker first. util-linux setsid execs
     * the program in the same process (the child is no group leader), so the pid stays the JVM's.
     */
    private static ForkedJvm inASessionOfItsOwn(String name, List<String> command, Map<String, String> environment,
                                                Path logFile) {
        List<String> withSetsid = new ArrayList<>();
        Executables.find("setsid").ifPresent(setsid -> withSetsid.add(setsid.toString()));
        withSetsid.addAll(command);
        return new ForkedJvm(name, withSetsid, new LinkedHashMap<>(environment), logFile);
    }

    private static Path tmpDirBeside(Path logFile) {
        Path tmp = logFile.toAbsolutePath().getParent().resolve("tmp");
        try {
            return Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
    }

    /** Writes one of local-stack's class files under {@code dir} (once) and returns {@code dir}, a classpath root. */
    private static Path copyClass(String className, Path dir) {
        String resource = className.replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        if (Files.isRegularFile(target)) {
            return dir;
        }
        try (InputStream in = ForkedJvm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from local-stack");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource + " to " + dir, e);
        }
    }
}
