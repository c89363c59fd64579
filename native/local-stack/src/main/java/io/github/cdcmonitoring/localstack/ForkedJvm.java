package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.ServiceJar;
import java.io.File;
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
 * A Java program run in its own JVM, its output appended to a log file. Started through {@link ForkMain}, so it exits
 * by itself if this JVM dies without stopping it: the broker and Connect on Kafka's jars and the launcher classes
 * ({@link #of}, see {@link StackClasspath}), the generator and the change exporter on nothing but their own runnable
 * jar and ForkMain ({@link #ofJar}).
 */
final class ForkedJvm extends LoggedProcess {

    /** kafka-run-class.sh's default KAFKA_JVM_PERFORMANCE_OPTS, which the broker and Connect scripts run with. */
    static final List<String> KAFKA_RUN_CLASS_OPTIONS = List.of("-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    private ForkedJvm(String name, List<String> command, Map<String, String> environment, Path logFile) {
        super(name, command, environment, logFile);
    }

    /**
     * A Kafka program on {@link StackClasspath#forked Kafka's jars}. Its launcher classes are copied to a folder
     * {@code launcher} beside {@code logFile}: ForkMain, and {@code mainClass} too when it is one of local-stack's
     * (KafkaBrokerMain); both use nothing but the JDK and Kafka.
     *
     * @param name for messages ("Kafka broker")
     * @param jvmOptions heap, agents, system properties
     * @param mainClass the program
     * @param args its arguments
     * @param environment added to this process's environment, less what a service reads ({@link ServiceJar#environment})
     * @param logFile where stdout and stderr go, appended across restarts
     */
    static ForkedJvm of(String name, List<String> jvmOptions, String mainClass, List<String> args,
                        Map<String, String> environment, Path logFile) {
        Path launcher = logFile.toAbsolutePath().getParent().resolve("launcher");
        copyClass(ForkMain.class.getName(), launcher);
        if (mainClass.startsWith(ForkMain.class.getPackageName() + ".")) {
            copyClass(mainClass, launcher);
        }
        return forked(name, jvmOptions, StackClasspath.forked(launcher), mainClass, args, environment, logFile);
    }

    /**
     * A service jar in its own JVM with its image's JVM options, tied to this one like the broker and the worker. Its
     * classpath is the jar plus a directory holding nothing but a copy of {@link ForkMain}'s class file (ForkMain uses
     * the JDK only): the local stack's own classpath (Kafka, Connect, log4j) must not leak into the program, nor the
     * program's libraries into the broker's or the worker's. The main class is the jar's {@code Main-Class}.
     *
     * @param forkMainDir an empty directory to hold the copy of ForkMain
     */
    static ForkedJvm ofJar(String name, ServiceJar jar, Map<String, String> environment, Path logFile,
                           Path forkMainDir) {
        String classpath = jar.jar() + File.pathSeparator + copyClass(ForkMain.class.getName(), forkMainDir);
        return forked(name, jar.imageJvmOptions(), classpath, jar.mainClass(), List.of(), environment, logFile);
    }

    private static ForkedJvm forked(String name, List<String> jvmOptions, String classpath, String mainClass,
                                    List<String> args, Map<String, String> environment, Path logFile) {
        List<String> command = new ArrayList<>();
        setsid().ifPresent(command::add);
        command.add(ServiceJar.javaExecutable());
        // Temporary files inside the run's folder, which is removed even after kill -9: Kafka's lz4-java unpacks its
        // native library into java.io.tmpdir and deletes it only on a clean exit.
        command.add("-Djava.io.tmpdir=" + tmpDirBeside(logFile));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(ForkMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return new ForkedJvm(name, command, new LinkedHashMap<>(environment), logFile);
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
        try (InputStream in = ForkMain.class.getClassLoader().getResourceAsStream(resource)) {
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

    /**
     * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. Were the broker and the worker in it,
     * both would shut down at once and the worker would wait out its timeouts for a broker that is already gone
     * (30 s measured). In a session of their own they are stopped by this JVM, worker first. util-linux setsid execs
     * the program in the same process (the child is no group leader), so the pid stays the JVM's.
     */
    private static Optional<String> setsid() {
        return Executables.find("setsid").map(Path::toString);
    }
}
