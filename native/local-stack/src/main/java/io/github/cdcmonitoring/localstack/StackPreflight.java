package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@code java -jar local-stack.jar} checks before it starts anything, so that a bad input is one line naming the
 * file, line or setting (exit status 2) instead of a failure half-way through the start: every config file the
 * stack reads exists and can be read, every line of .env is {@code KEY=VALUE} with a key docker-compose.yml uses
 * (docker compose silently ignores a misspelt one, and the stack would run on the default), and every published port
 * of .env is free on 127.0.0.1.
 */
final class StackPreflight {

    /** The repository files the native stack reads (as the compose stack mounts them). */
    static final List<String> CONFIG_FILES = List.of(".env", StackConfiguration.COMPOSE_FILE, "postgresql.conf",
            "init-db.sql", "inventory.sql", StackConfiguration.CONNECTOR_FILE,
            StackConfiguration.JMX_EXPORTER_DIR + "/config.yml", StackConfiguration.JMX_EXPORTER_DIR
                    + "/register-connector.sh", StackConfiguration.PROMETHEUS_YML, "postgres-exporter/queries.yml");
    /** The .env settings holding the ports the compose stack publishes, which the native stack listens on. */
    static final List<String> PORT_SETTINGS = List.of("POSTGRES_PORT", "KAFKA_PORT", "CONNECT_PORT",
            "CONNECT_METRICS_PORT", "GENERATOR_METRICS_PORT", "CHANGE_EXPORTER_PORT", "POSTGRES_EXPORTER_PORT",
            "PROMETHEUS_PORT", "GRAFANA_PORT");
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
        for (String setting : PORT_SETTINGS) {
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
        Path dotEnv = root.resolve(".env");
        String compose;
        List<String> lines;
        try {
            compose = Files.readString(root.resolve(StackConfiguration.COMPOSE_FILE), StandardCharsets.UTF_8);
            lines = Files.readAllLines(dotEnv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dotEnv + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq > 0 ? line.substring(0, eq).strip() : "";
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(".env line " + (i + 1) + ": expected KEY=VALUE, got: " + line);
            }
            if (!compose.contains("${" + key + "}") && !compose.contains("${" + key + ":")) {
                throw new IllegalArgumentException(".env line " + (i + 1) + ": unknown setting " + key + " ("
                        + StackConfiguration.COMPOSE_FILE + " uses no ${" + key + "}; misspelt?)");
            }
        }
    }
}
