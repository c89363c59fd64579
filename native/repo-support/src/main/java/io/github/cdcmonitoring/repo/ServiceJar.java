package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * One of the repository's service jars (data-generator, change-exporter) run as compose runs its image: with the JVM
 * options of the module's Dockerfile ENTRYPOINT and an environment holding nothing a service reads but what the caller
 * sets. The native stack, the benchmark and the tests start the jars through it, and wait for their log lines with it.
 *
 * @param jar the runnable jar
 * @param dockerfile the module's Dockerfile, whose ENTRYPOINT gives the JVM options
 */
public record ServiceJar(Path jar, Path dockerfile) {

    /**
     * Inherited variables a child must not see: the settings the services read (a PGPASSWORD or GENERATOR_MAX_OPS in
     * the developer's shell would change what runs) and the JVM's option variables, which also make it print
     * "Picked up ..." on stderr.
     */
    private static final Pattern NOT_INHERITED =
            Pattern.compile("PG.*|GENERATOR_.*|KAFKA_.*|CHANGE_EXPORTER_.*|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS");
    /** What both services log once their /metrics is served; group 1 is the port. */
    public static final Pattern METRICS_LINE = Pattern.compile("metrics at http://localhost:(\\d+)/metrics");

    /** {@code <module>/target/<module>.jar}, or an error naming {@code buildCommand}, which makes it. */
    public static ServiceJar of(RepoFiles repo, String module, String buildCommand) {
        Path jar = repo.root().resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + module + "/target/" + module + ".jar: build it first with "
                    + buildCommand);
        }
        return new ServiceJar(jar, repo.root().resolve(module).resolve("Dockerfile"));
    }

    /**
     * The words between {@code java} and {@code -jar} of the exec-form ENTRYPOINT in the module's Dockerfile: the
     * heap cap BENCHMARKS.md measures is the one the image ships.
     */
    public List<String> imageJvmOptions() {
        String entrypoint;
        try {
            entrypoint = Files.readAllLines(dockerfile).stream().map(String::strip)
                    .filter(line -> line.startsWith("ENTRYPOINT"))
                    .reduce((first, last) -> last) // Docker uses the last ENTRYPOINT
                    .orElseThrow(() -> new IllegalStateException(dockerfile + " has no ENTRYPOINT"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dockerfile, e);
        }
        Object words = null;
        try {
            // The exec form is a JSON array, which is YAML too.
            words = new Yaml().load(entrypoint.substring("ENTRYPOINT".length()));
        } catch (RuntimeException notYaml) {
            // reported below
        }
        if (!(words instanceof List<?> list) || list.isEmpty() || !"java".equals(list.get(0))
                || !list.contains("-jar")) {
            throw new IllegalStateException(dockerfile + ": ENTRYPOINT is not the exec form [\"java\", ..., \"-jar\", "
                    + "\"<jar>\"]: " + entrypoint);
        }
        return list.subList(1, list.indexOf("-jar")).stream().map(String::valueOf).toList();
    }

    /** The jar manifest's {@code Main-Class}. */
    public String mainClass() {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (main == null) {
                throw new IllegalStateException(jar + " has no Main-Class in its manifest: not a runnable jar");
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /** {@code java <jvmOptions> -Djava.io.tmpdir=<tmpDir> -jar <jar>}. */
    public List<String> command(List<String> jvmOptions, Path tmpDir) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        // lz4-java unpacks its native library into java.io.tmpdir and deletes it only on a clean exit.
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /** {@link #command} with its environment set by {@link #environment}. */
    public ProcessBuilder processBuilder(List<String> jvmOptions, Path tmpDir, Map<String, String> settings) {
        ProcessBuilder builder = new ProcessBuilder(command(jvmOptions, tmpDir));
        environment(builder.environment(), settings);
        return builder;
    }

    /** A child's environment: the inherited one without what a service reads, then {@code settings}. */
    public static void environment(Map<String, String> inherited, Map<String, String> settings) {
        inherited.keySet().removeIf(name -> NOT_INHERITED.matcher(name).matches());
        inherited.putAll(settings);
    }

    /** The java executable running this JVM. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Waits until {@code output} (what the process has written so far) holds a match of {@code line}; fails at once
     * with that output if the process exits first.
     */
    public static Matcher awaitLine(String name, Process process, Supplier<String> output, Pattern line,
                                    Duration limit) {
        return Waits.untilPresent(limit, Duration.ofMillis(50), () -> {
            Matcher matcher = line.matcher(output.get());
            if (matcher.find()) {
                return Optional.of(matcher);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output.get());
            }
            return Optional.empty();
        }, () -> name + " did not log '" + line + "' within " + limit + ":\n" + output.get());
    }

    /** The whole of a log file, or nothing if it does not exist yet. */
    public static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}
