package io.github.cdcmonitoring.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The classpath the forked broker and Connect worker run on: local-stack's runtime dependencies and nothing else, as
 * in {@code java -jar local-stack.jar} (the jar's manifest lists {@code lib/}, a copy of the runtime scope).
 *
 * <p>Why not this JVM's {@code java.class.path}: under Surefire it is the test classpath, where test-scoped libraries
 * (the generator with pgjdbc and HikariCP, the JSON-schema validator with Jackson 3, Awaitility, ...) would sit next to
 * Kafka's jars and could change which classes the broker and the worker load. The build writes the runtime classpath
 * to {@code target/runtime-classpath.txt} (maven-dependency-plugin build-classpath, before the tests run).
 */
final class StackClasspath {

    static final String RUNTIME_CLASSPATH_FILE = "runtime-classpath.txt";

    private StackClasspath() {
    }

    static String runtime() {
        Path code = codeLocation();
        if (Files.isRegularFile(code)) {
            return code.toString(); // local-stack.jar: its manifest's Class-Path adds lib/*
        }
        // target/classes: the runtime dependencies that the build listed beside it
        Path listing = code.resolveSibling(RUNTIME_CLASSPATH_FILE);
        try {
            return code + File.pathSeparator + Files.readString(listing).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + listing + ", written by the build of local-stack: run "
                    + "./mvnw -pl local-stack -am process-resources (or any later phase) first", e);
        }
    }

    private static Path codeLocation() {
        try {
            return Path.of(StackClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate local-stack's classes", e);
        }
    }
}
