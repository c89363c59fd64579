package io.github.cdcmonitoring.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs SQL files with the real psql client, as the postgres image's entrypoint does: init-db.sql uses psql
 * meta-commands (\getenv, \if), which a JDBC driver would not understand.
 */
final class Psql {

    private static final int MIN_MAJOR_VERSION = 15; // \getenv arrived in psql 15

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
            Process process = new ProcessBuilder(psql.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("(\\d+)(\\.\\d+)?").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Runs a file with ON_ERROR_STOP, as the given user; throws with psql's own output if any statement fails. */
    void runFile(Path sqlFile, int port, String database, String user, String password, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(executable.toString(), "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--quiet",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", user, "-d", database, "-f", sqlFile.toString())
                .redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        pb.environment().putAll(env);
        try {
            Process process = pb.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("psql -f " + sqlFile.getFileName() + " did not finish in 5 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("psql -f " + sqlFile.getFileName() + " failed (exit "
                        + process.exitValue() + "): " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running psql", e);
        }
    }
}
