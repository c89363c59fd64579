package io.github.cdcmonitoring.prometheus;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped files of the debezium-prometheus folder (the folder this module builds in). */
final class Shipped {

    private Shipped() {
    }

    /** debezium-prometheus/: Maven runs the tests in the module folder; from the repository root it is below. */
    static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {here, here.resolve("debezium-prometheus")}) {
            if (Files.isRegularFile(candidate.resolve("prometheus.yml")) && Files.isDirectory(candidate.resolve("rules"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find debezium-prometheus/prometheus.yml from " + here);
    }

    static Path prometheusYml() {
        return dir().resolve("prometheus.yml");
    }

    static Path alertmanagerYml() {
        return dir().resolve("alertmanager.yml");
    }

    static Path rulesDir() {
        return dir().resolve("rules");
    }

    static Path readme() {
        return dir().resolve("README.md");
    }
}
