package io.github.cdcmonitoring.postgres;

import io.github.cdcmonitoring.repo.BoundedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs SQL files with the real psql client, as the postgres image's entrypoint does: init-db.sql uses psql
 * meta-commands (\getenv, \if), which a JDBC driver would not understand.
 */
final class Psql {

    private static final int MIN_MAJOR_VERSION = 15; // \getenv arrived in psql 15
    private static final Duration VERSION_LIMIT = Duration.ofSeconds(10);
    /** init-db.sql takes well under a second and inventory.sql a few; this only ends a hung run. */
    private static final Duration FILE_LIMIT = Duration.ofMinutes(5);

    private final Path executable;

    private Psql(Path executable) {
        this.executable = executable;
    }

    static Psql find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, "psql"));
            }
        }
        // Debian installs versioned clients here; the newest first.
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin/psql")));
        } catch (IOException ignoredBecauseOptionalLocation) {
            // not a Debian layout: PATH is all there is
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate) && majorVersion(candidate) >= MIN_MAJOR_VERSION) {
                return new Psql(candidate);
            }
        }
        throw new IllegalStateException("psql " + MIN_MAJOR_VERSION + " or newer not found on PATH: install the "
                + "PostgreSQL client (Debian: apt-get install postgresql-client); init-db.sql needs its \\getenv");
    }

    private static int majorVersion(Path psql) {
        try {
            BoundedProcess.Result result = BoundedProcess.run("psql --version", List.of(psql.toString(), "--version"),
                    Map.of(), VERSION_LIMIT);
            Matcher m = Pattern.compile("(\\d+)(\\.\\d+)?").matcher(result.output());
            return result.exitCode() == 0 && m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IllegalStateException notRunnable) {
            return -1;
        }
    }

    /** Runs a file with ON_ERROR_STOP, as the given user; throws with psql's own output if any statement fails. */
    void runFile(Path sqlFile, int port, String database, String user, String password, Map<String, String> env) {
        runFile(sqlFile, port, database, user, password, env, FILE_LIMIT);
    }

    /** As {@link #runFile(Path, int, String, String, String, Map)}; psql is killed and the call fails after {@code limit}. */
    void runFile(Path sqlFile, int port, String database, String user, String password, Map<String, String> env,
                 Duration limit) {
        Map<String, String> environment = new HashMap<>(env);
        environment.put("PGPASSWORD", password);
        // A server that accepts the connection but never answers must not hold psql forever either.
        environment.put("PGCONNECT_TIMEOUT", "10");
        BoundedProcess.runChecked("psql -f " + sqlFile.getFileName(), List.of(executable.toString(),
                "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--quiet", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", user, "-d", database, "-f", sqlFile.toString()), environment, limit);
    }
}
