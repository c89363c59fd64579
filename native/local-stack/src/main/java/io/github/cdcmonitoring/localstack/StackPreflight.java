package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.ComposeCluster;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code java -jar local-stack.jar} checks before it starts anything, so that a bad input is one line naming the
 * file, line or setting (exit status 2) instead of a failure half-way through the start: every config file the
 * stack reads exists and can be read, every line of .env is {@code KEY=VALUE} with a key docker-compose.yml uses
 * (docker compose silently ignores a misspelt one, and the stack would run on the default), and every published port
 * of .env is free on 127.0.0.1.
 */
final class StackPreflight {

    /** The repository files the native stack reads (as the compose stack mounts them). */
    static final List<String> CONFIG_FILES = List.of(".env", ComposeFile.FILE, "postgresql.conf",
            "init-db.sql", "inventory.sql", StackConfiguration.CONNECTOR_FILE,
            StackConfiguration.INVENTORY_CONNECTOR_FILE,
            StackConfiguration.JMX_EXPORTER_DIR + "/config.yml", StackConfiguration.JMX_EXPORTER_DIR
                    + "/register-connector.sh", StackConfiguration.PROMETHEUS_YML, "postgres-exporter/queries.yml");
    private StackPreflight() {
    }

    /** Files and .env only: nothing is contacted or bound. Throws with one line naming what is wrong. */
    static void checkFiles(RepoFiles repo) {
        for (String file : CONFIG_FILES) {
            requireReadable(repo.root(), file);
        }
        checkDotEnv(repo.root());
    }

    /** {@link #checkFiles}, then the published ports of .env. */
    static void check(RepoFiles repo) {
        checkFiles(repo);
        var env = repo.dotEnv();
        for (String setting : ComposeFile.of(repo).publishedPortVariables()) {
            Ports.requireFree(LocalStack.envPort(env, setting), setting + " in .env");
        }
    }

    private static void requireReadable(Path root, String file) {
        Path path = root.resolve(file);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("missing " + file + " in " + root + " (the stack reads it; "
                    + "git checkout -- " + file + " restores it)");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(file + " in " + root + " is not a regular file (a directory?)");
        }
        // Files.isReadable says yes to root for any mode: reading is the test that holds for every user.
        try (InputStream in = Files.newInputStream(path)) {
            in.read();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " in " + root + ": " + e.getMessage());
        }
    }

    private static void checkDotEnv(Path root) {
        Path file = root.resolve(".env");
        String compose;
        try {
            compose = Files.readString(root.resolve(ComposeFile.FILE), StandardCharsets.UTF_8);
            // The cluster shape's own settings (KAFKA_2_PORT, ...) may be set in .env too.
            Path cluster = root.resolve(ComposeCluster.FILE);
            if (Files.isRegularFile(cluster)) {
                compose += Files.readString(cluster, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + ComposeFile.FILE + ": " + e.getMessage());
        }
        DotEnv env;
        try {
            env = DotEnv.read(file); // a malformed line: ".env line N: expected KEY=VALUE, got: ..."
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getCause().getMessage());
        }
        for (String key : env.asMap().keySet()) {
            if (!compose.contains("${" + key + "}") && !compose.contains("${" + key + ":")) {
                throw new IllegalArgumentException(".env line " + env.lineOf(key) + ": unknown setting " + key + " ("
                        + ComposeFile.FILE + " uses no ${" + key + "}; misspelt?)");
            }
        }
    }
}
