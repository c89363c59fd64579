package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.ServiceJar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The repository's data generator writing single-row {@code users} inserts (one change event per operation, no
 * updates, deletes or tombstones, so rows written and events captured count the same thing).
 */
final class Generator {

    static final String MIX = "users=100";
    /** The write ceiling's best connection count on 2 cores (generator-vs-pgbench.sh: 8 beats 4 and 1). */
    static final int THREADS = 8;
    private static final Pattern CONNECTED = Pattern.compile("connected to PostgreSQL");

    private Generator() {
    }

    /** Starts it at {@code rate} operations/s (0 = as fast as the database allows) and waits until it writes. */
    static JarProcess start(ServiceJar jar, RepoPostgres db, double rate, Path workDir, String label) {
        Map<String, String> env = db.clientEnvironment();
        // 0 means unthrottled to the generator: a tiny positive rate must not round down to it.
        env.put("GENERATOR_RATE", rate == 0 ? "0" : Long.toString(Math.max(1, Math.round(rate))));
        env.put("GENERATOR_THREADS", Integer.toString(THREADS));
        env.put("GENERATOR_MIX", MIX);
        env.put("GENERATOR_METRICS_PORT", "0");
        JarProcess generator = JarProcess.start("generator-" + label, jar, env, workDir);
        generator.awaitLog(CONNECTED, Duration.ofSeconds(60));
        return generator;
    }
}
