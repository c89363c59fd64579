package io.github.cdcmonitoring.postgres;

import java.nio.file.Path;

/**
 * {@code RepoPostgresChild <port>}: starts a {@link RepoPostgres} (port 0: a free one), prints
 * {@code READY <port> <run directory>} and waits to be killed. A separate JVM, so a test can SIGKILL it.
 */
public final class RepoPostgresChild {

    private RepoPostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        RepoPostgres pg = RepoPostgres.start(Integer.parseInt(args[0]), false);
        System.out.println("READY " + pg.port() + " " + runDirectory(pg));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Path runDirectory(RepoPostgres pg) throws ReflectiveOperationException {
        try {
            return pg.runDirectory();
        } catch (NoSuchMethodError olderHarness) {
            // The harness before the run directory was exposed kept the data directory in a field.
            var field = RepoPostgres.class.getDeclaredField("dataDir");
            field.setAccessible(true);
            return ((Path) field.get(pg)).getParent();
        }
    }
}
